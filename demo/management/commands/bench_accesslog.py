"""Measure what the innsynslogg costs per request (DESIGN.md invariant 5).

Runs inside one transaction that is rolled back at the end (the log refuses DELETE), on
the demo kommune (``seed_demo`` first):

1. ``record_access`` alone: N calls, time per call and queries per call.
2. A whole page read (the consent branch's scoped stafettlogg page as the PPT adviser)
   with the log write on and with it replaced by a no-op: the difference per request.

    manage.py bench_accesslog --n 500
"""

from __future__ import annotations

import statistics
import time
from typing import Any
from unittest import mock

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse


def _summary(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"mean {statistics.mean(samples):.3f} ms, median {statistics.median(samples):.3f} ms, p95 {p95:.3f} ms"


class Command(BaseCommand):
    help = "Benchmark the access-log (innsynslogg) write per request; everything is rolled back."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--n", type=int, default=300, help="iterations per measurement")

    def handle(self, *args: Any, **options: Any) -> None:
        from bti import innsyn
        from demo.seed import seed_demo

        n = options["n"]
        with transaction.atomic():
            personas = seed_demo()
            from tests.consent.helpers import case_in_state

            ctx = case_in_state(personas, "valid")
            case, ppt = ctx.case, personas["ppt"]

            # 1. record_access alone (fresh request object each call: membership lookup + INSERT).
            samples = []
            with CaptureQueriesContext(connection) as queries:
                for _ in range(n):
                    start = time.perf_counter()
                    innsyn.record_access(user=ppt, obj_type="sak", obj_id=case.pk, case=case)
                    samples.append((time.perf_counter() - start) * 1000)
            self.stdout.write(f"record_access x{n}: {_summary(samples)}; {len(queries) / n:.1f} queries per call")

            # 2. A page read with and without the log write.
            client = Client()
            client.force_login(ppt, backend="bti.auth_backends.EmailBackend")
            for name in ("stafettlogg:timeline", "api-samtykke-logg"):
                self._page(client, reverse(name, kwargs={"case_id": case.pk}), n, name)
            transaction.set_rollback(True)

    def _page(self, client: Client, url: str, n: int, label: str) -> None:
        plain = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        # No throttling here: the benchmark makes more API calls than a person may per minute.
        with (
            override_settings(STORAGES={**settings.STORAGES, **plain}, ALLOWED_HOSTS=["testserver"]),
            mock.patch("rest_framework.throttling.UserRateThrottle.allow_request", return_value=True),
        ):
            client.get(url)

            def run() -> tuple[list[float], float]:
                out = []
                with CaptureQueriesContext(connection) as q:
                    for _ in range(n):
                        start = time.perf_counter()
                        response = client.get(url)
                        assert response.status_code == 200, (response.status_code, response.content[:300])
                        out.append((time.perf_counter() - start) * 1000)
                return out, len(q) / n

            with_log, q_with = run()
            with mock.patch("bti.innsyn.record_access", lambda **kw: None):
                without_log, q_without = run()
            with_log2, _q = run()  # again, to even out warm-up and noise
            with_all = with_log + with_log2
            self.stdout.write(f"{label} with log    x{2 * n}: {_summary(with_all)}; {q_with:.1f} queries")
            self.stdout.write(f"{label} without log x{n}: {_summary(without_log)}; {q_without:.1f} queries")
            diff = statistics.median(with_all) - statistics.median(without_log)
            self.stdout.write(f"{label}: cost of the log write per request (median difference): {diff:.3f} ms")
