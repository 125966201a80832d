"""Server-time measurement of the key pages: in-process requests through the whole
middleware stack (Django's test client), timed with perf_counter, queries counted."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any
from unittest import mock

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bti import innsyn
from demo.bench.pages import PAGES, Page, Personas, resolve


@dataclass
class Result:
    key: str
    label: str
    size: int
    url: str
    status: int
    n: int
    p50_ms: float
    p95_ms: float
    queries: int
    budget_ms: float
    ratio_to_bare: float = 0.0
    accesslog_share: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * pct
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def logged_in_client(user: Any) -> Client:
    """A client whose session has passed password and second factor (as after a real login)."""
    client = Client(SERVER_NAME="localhost")
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    session = client.session
    session["mfa_at"] = session["auth_at"] = time.time()
    session.save()
    return client


# A typical entry (about 300 characters), as in ``manage.py bench_pdf``.
_ENTRY_TEXT = (
    "Samtale med Emma i garderoben. Hun fortalte at hun hadde lekt med Sara i sandkassa og at det var gøy. "
    "Pedagogisk leder observerte at hun tok initiativ til lek to ganger i løpet av formiddagen. "
    "Avtalt med mor at vi følger opp videre på foreldremøtet neste uke."
)


class _Rollback(Exception):
    pass


@contextmanager
def _log_of_at_least(personas: Personas, n: int) -> Iterator[None]:
    """The persona's case with at least ``n`` stafettlogg entries (real ones, through
    ``entry_append``), rolled back afterwards: the 200-entry PDF is measured on a real log."""
    from stafettlogg.models import Entry, EntryKind
    from stafettlogg.services import entry_append

    try:
        with transaction.atomic():
            missing = n - Entry.objects.filter(case=personas.case).count()
            for i in range(max(0, missing)):
                entry_append(
                    case=personas.case,
                    actor=personas.holder,
                    kind=EntryKind.NOTAT,
                    text=f"{i + 1}. {_ENTRY_TEXT}",
                )
            yield
            raise _Rollback
    except _Rollback:
        pass


def measure_page(page: Page, personas: Personas, size: int, iterations: int, warmup: int = 3) -> Result | None:
    if page.min_entries:
        with _log_of_at_least(personas, page.min_entries):
            return _measure(page, personas, size, iterations, warmup)
    return _measure(page, personas, size, iterations, warmup)


def _measure(page: Page, personas: Personas, size: int, iterations: int, warmup: int) -> Result | None:
    url = resolve(page, personas)
    user = getattr(personas, page.who)
    if url is None or user is None:
        return None
    client = logged_in_client(user)
    # Count the time spent writing the innsynslogg inside the request.
    spent: list[float] = []
    real = innsyn.record_access
    real_many = innsyn.record_many

    def timed_record(**kwargs: Any) -> None:
        start = time.perf_counter()
        try:
            real(**kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    def timed_many(**kwargs: Any) -> None:  # the lists' and search's bulk insert
        start = time.perf_counter()
        try:
            real_many(**kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    times: list[float] = []
    status = 0
    queries = 0
    with mock.patch.object(innsyn, "record_access", timed_record), mock.patch.object(innsyn, "record_many", timed_many):
        for i in range(warmup + iterations):
            spent.clear()
            # The debug query log keeps 9,000 queries; past that CaptureQueriesContext counts 0.
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.post(url, page.body(personas)) if page.method == "post" else client.get(url)
                elapsed = time.perf_counter() - start
            status = response.status_code
            if i >= warmup:
                times.append(elapsed)
                queries = len(ctx.captured_queries)
                access_share = sum(spent) / elapsed if elapsed else 0.0
    return Result(
        key=page.key,
        label=page.label,
        size=size,
        url=url,
        status=status,
        n=len(times),
        p50_ms=statistics.median(times) * 1000,
        p95_ms=percentile(times, 0.95) * 1000,
        queries=queries,
        budget_ms=page.budget_ms,
        accesslog_share=access_share,
    )


def run(personas: Personas, size: int, iterations: int, only: set[str] | None = None) -> list[Result]:
    results = []
    for page in PAGES:
        if only and page.key not in only and page.key != "bare":
            continue
        result = measure_page(page, personas, size, iterations if page.budget_ms < 1000 else max(3, iterations // 10))
        if result is not None:
            results.append(result)
    bare = next((r for r in results if r.key == "bare"), None)
    if bare is not None:
        for r in results:
            r.ratio_to_bare = r.p95_ms / bare.p95_ms if bare.p95_ms else 0.0
    return results


def table(results: list[Result]) -> str:
    header = f"{'side':34} {'saker':>7} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'budsj.':>7} {'spørr.':>6} {'×bar':>6} {'innsyn%':>7}"
    lines = [header, "-" * len(header)]
    for r in results:
        flag = (
            ""
            if r.p95_ms <= r.budget_ms and r.status == 200
            else "  <-- over budsjett"
            if r.status == 200
            else f"  <-- HTTP {r.status}"
        )
        lines.append(
            f"{r.label[:34]:34} {r.size:>7} {r.status:>6} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} {r.budget_ms:>7.0f} "
            f"{r.queries:>6} {r.ratio_to_bare:>6.1f} {r.accesslog_share * 100:>6.1f}%{flag}"
        )
    return "\n".join(lines)
