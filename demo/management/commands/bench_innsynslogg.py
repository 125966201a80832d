"""What the innsynslogg's table layout costs (issue 15 item 4, docs/performance.md).

Two measurements, run on a bench database (``migrate`` and ``seed_demo`` first), before
and after a change to the table (the monthly partitioning, docs/adr/0027):

1. **The page-view write**: ``--inserts`` calls of ``bti.gate.log_read`` (the one entry
   point a page view logs through: the reader's membership lookup and one INSERT), each
   in autocommit as a request writes it, timed one by one (median and p95 in µs). The
   rows stay in the bench database (the log refuses DELETE).
2. **The bulk generation**: ``seed_scale``'s innsynslogg generator for about ``--rows``
   rows (a generated kommune with ``--access-per-case`` reads per case), inside a
   transaction that is rolled back, so nothing is kept. ``--rows 0`` skips it.

    manage.py bench_innsynslogg --inserts 10000 --rows 1000000
"""

from __future__ import annotations

import contextlib
import math
import os
import statistics
import time
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(len(ordered) * p) - 1)]


class Command(BaseCommand):
    help = "Benchmark the innsynslogg: the page-view write (µs) and the seed_scale generation (rows/s)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--inserts", type=int, default=10_000, help="log_read calls to time (0: skip)")
        parser.add_argument("--rows", type=int, default=1_000_000, help="innsynslogg rows to generate (0: skip)")
        parser.add_argument("--access-per-case", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        load = os.getloadavg()
        self.stdout.write(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores")
        if options["inserts"]:
            self._inserts(options["inserts"])
        if options["rows"]:
            self._generation(options["rows"], options["access_per_case"])

    def _inserts(self, n: int) -> None:
        from bti import gate
        from bti.models import User

        user = User.objects.filter(email="per.dahl@eksempel.kommune.no").first()  # the demo PP-rådgiver
        if user is None:
            raise CommandError("No users: run manage.py seed_demo first.")
        from cases.models import Case

        case = Case.objects.filter(kommune_id=user.kommune_id or 0).first()
        if case is None:
            raise CommandError("No case in the user's kommune: run manage.py seed_demo first.")
        for _ in range(50):  # warm-up: connection, membership cache, plan cache
            gate.log_read(user=user, obj_type="case", obj_id=case.pk, case=case, purpose=gate.SAKSBEHANDLING)
        for label, rolled_back in (("autocommit", False), ("one transaction, rolled back", True)):
            samples = self._time_inserts(n, user, case, rolled_back)
            self.stdout.write(
                f"log_read x{n} ({label}): median {statistics.median(samples):.0f} µs, "
                f"p95 {_percentile(samples, 0.95):.0f} µs, p99 {_percentile(samples, 0.99):.0f} µs"
            )

    def _time_inserts(self, n: int, user: Any, case: Any, rolled_back: bool) -> list[float]:
        """Autocommit: each INSERT is committed as a page view's is (the WAL flush included).
        Rolled back: the INSERT alone, without the flush (less noise from other disk use)."""
        from bti import gate

        samples: list[float] = []
        try:
            with transaction.atomic(durable=False) if rolled_back else _nothing():
                for _ in range(n):
                    start = time.perf_counter_ns()
                    gate.log_read(user=user, obj_type="case", obj_id=case.pk, case=case, purpose=gate.SAKSBEHANDLING)
                    samples.append((time.perf_counter_ns() - start) / 1000)
                if rolled_back:
                    raise _Rollback
        except _Rollback:
            pass
        return samples

    def _generation(self, rows: int, per_case: int) -> None:
        from demo.scale import generate

        children = math.ceil(rows / per_case * 1.5)
        result: dict[str, Any] = {}
        try:
            with transaction.atomic():
                ctx = generate(children=children, number="8999", entries_per_case=1, access_per_case=per_case)
                result = {"rows": ctx.counts.get("access_log", 0), "seconds": ctx.timings.get("innsynslogg", 0.0)}
                raise _Rollback
        except _Rollback:
            pass
        seconds = result["seconds"]
        self.stdout.write(
            "seed_scale innsynslogg: "
            + f"{result['rows']:_} rows in {seconds:.1f} s ({result['rows'] / max(seconds, 1e-9):_.0f} rows/s; "
            f"{children:_} children; rolled back)".replace("_", " ")
        )
