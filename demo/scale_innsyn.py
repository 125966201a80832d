"""The innsynslogg of a generated kommune (``seed_scale``, issue #9): about
``ctx.access_per_case`` reads per case (``--access-per-case``), spread over the case's
life, by the people who read it in the app: the stafettholder, staff of the owning unit
(its leader among them) and, while their consent or legal basis holds, staff of the
involved units (``ctx.readers``, recorded by ``demo/scale_consent.py``). Field values are those
``bti.innsyn.record_access`` writes from the pages, the API, PDFs and search.

At «Oslo scale» this is 10M rows, so they are streamed into COPY, never held in a list.
They are also written in time order across cases, as the app writes them: a case's reads
are spread over the table's pages as in production, not packed next to each other. Each
week of the kommune's history is generated, sorted and written before the next one.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from bti.partitions import ensure_partitions
from demo.scale import ScaleContext, copy_rows, register

WINDOW = timedelta(days=7).total_seconds()

# (obj_type, how, weight): what people open, as the views record it.
OWNER_READS: list[tuple[str, str, int]] = [
    ("case", "page", 38),
    ("case", "search", 8),
    ("case", "api", 6),
    ("stafettlogg", "api", 4),
    ("samtykke", "page", 6),
    ("case_steps", "page", 6),
    ("guardians", "api", 2),
    ("child", "api", 1),
    ("pdf:logg", "pdf", 2),
    ("innsyn", "page", 1),
]
# Plans, meetings and their PDFs exist from nivå 1.
PLAN_READS: list[tuple[str, str, int]] = [("plan", "page", 10), ("meeting", "page", 4), ("pdf:plan", "pdf", 1)]
# An involved unit reads the case, its log and the plan; consents and innsyn are the owner's.
INVOLVED_READS: list[tuple[str, str, int]] = [
    ("case", "page", 50),
    ("case", "search", 5),
    ("stafettlogg", "api", 5),
    ("case_steps", "page", 5),
]
# Of the reads by the case's own people: the share by the stafettholder, when there is one.
HOLDER_SHARE = 0.45
# The share by an involved unit, while one may read.
INVOLVED_SHARE = 0.15


class _Case(NamedTuple):
    case_id: int
    child_id: int
    owner: int
    holder: int | None
    start: float
    rate: float  # reads per second of the case's life
    readers: list[tuple[int, float, float]]  # (unit, from, until) as timestamps
    owner_reads: tuple[list[float], list[tuple[str, str]]]


def _table(reads: list[tuple[str, str, int]]) -> tuple[list[float], list[tuple[str, str]]]:
    """Cumulative weights and values for one ``bisect`` per pick."""
    total = sum(w for _o, _h, w in reads)
    return list(itertools.accumulate(w / total for _o, _h, w in reads)), [(o, h) for o, h, _w in reads]


def _pick(table: tuple[list[float], list[tuple[str, str]]], u: float) -> tuple[str, str]:
    cumulative, values = table
    return values[min(bisect.bisect_right(cumulative, u), len(values) - 1)]


@register("innsynslogg", stage="last")
def generate(ctx: ScaleContext, cursor: Any) -> None:
    per_case = ctx.access_per_case
    if per_case <= 0:
        ctx.counts["access_log"] = 0
        return
    columns = [
        "kommune_id",
        "at",
        "user_id",
        "role",
        "unit_id",
        "obj_type",
        "obj_id",
        "case_id",
        "child_id",
        "how",
        "reason",
    ]
    # The months of the kommune's history get their partitions first (docs/adr/0027), so
    # the rows go straight to their month, not to the default partition.
    oldest = min((c[5] for c in ctx.cases), default=ctx.now)
    ensure_partitions(start=oldest.astimezone(UTC).date(), today=ctx.now.astimezone(UTC).date())
    ctx.counts["access_log"] = copy_rows(cursor, "bti_accesslogentry", columns, _rows(ctx, per_case))


def _rows(ctx: ScaleContext, per_case: int) -> Iterator[tuple[Any, ...]]:
    rng, k = ctx.rng, ctx.kommune.pk
    now = ctx.now.timestamp()
    level0, level1 = _table(OWNER_READS), _table(OWNER_READS + PLAN_READS)
    involved_reads = _table(INVOLVED_READS)
    cases: list[_Case] = []
    for case_id, child_id, owner, level, _status, opened, holder in sorted(ctx.cases, key=lambda c: (c[5], c[0])):
        start = opened.timestamp()
        reads = rng.randint(per_case // 2, per_case * 3 // 2)
        readers = [
            (unit, since.timestamp(), until.timestamp() if until else now)
            for unit, since, until in ctx.readers.get(case_id, ())
        ]
        owner_reads = level1 if level >= 1 else level0
        cases.append(
            _Case(case_id, child_id, owner, holder, start, reads / max(1.0, now - start), readers, owner_reads)
        )

    def row(t: float, case: _Case) -> tuple[Any, ...]:
        u = rng.random()
        readers = [r for r in case.readers if r[1] <= t < r[2]] if u < INVOLVED_SHARE else []
        if readers:
            unit = readers[int(rng.random() * len(readers))][0]
            staff = ctx.staff_by_unit[unit]
            user = staff[int(rng.random() * len(staff))]
            obj_type, how = _pick(involved_reads, rng.random())
        else:
            unit = case.owner
            if case.holder is not None and rng.random() < HOLDER_SHARE:
                user = case.holder
            else:
                staff = ctx.staff_by_unit[unit]
                user = staff[int(rng.random() * len(staff))]
            obj_type, how = _pick(case.owner_reads, rng.random())
        role = "leder" if ctx.leader_by_unit[unit] == user else "ansatt"
        obj_id = case.child_id if obj_type == "child" else case.case_id
        at = datetime.fromtimestamp(t, tz=UTC)
        return (k, at, user, role, unit, obj_type, obj_id, case.case_id, case.child_id, how, "")

    alive: list[_Case] = []
    waiting = iter(cases)
    upcoming = next(waiting, None)
    w0 = cases[0].start if cases else now
    while w0 < now:
        w1 = min(w0 + WINDOW, now)
        while upcoming is not None and upcoming.start < w1:
            alive.append(upcoming)
            upcoming = next(waiting, None)
        week: list[tuple[float, int]] = []
        for i, case in enumerate(alive):
            lo = max(w0, case.start)
            expected = case.rate * (w1 - lo)
            n = int(expected) + (rng.random() < expected % 1)
            week.extend((lo + rng.random() * (w1 - lo), i) for _ in range(n))
        week.sort()
        for t, i in week:
            yield row(t, alive[i])
        w0 = w1
