"""Fast, deterministic generation of a realistic kommune for benchmarks (issue #9).

``python manage.py seed_scale --children N`` creates one kommune with N children and
about 2/3·N cases spread over levels, ages and three years of history, ~30 stafettlogg
entries per case (a valid hash chain), stafettholders, guardians, units, staff and
memberships. Rows go in with PostgreSQL COPY; triggers are switched off for the load
(``session_replication_role = replica``) and the invariants they guard are checked
with one query each afterwards.

Other apps add their own tables by registering a generator in ``GENERATORS``; each gets
the ``ScaleContext`` (ids and facts of what the core created) and the open cursor. A
generator runs in one of three stages: ``before_stafettlogg`` (it may plan stafettlogg
entries with ``ScaleContext.plan_entry``, which the core weaves into each case's hash
chain by time), ``apps`` (the default) or ``last`` (after every app, e.g. the innsynslogg,
which reads what the others recorded in the context).
"""

from __future__ import annotations

import io
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from bti import integrity
from bti.models import DEFAULT_CATEGORY, Kommune, ServiceKind
from cases.models import fnr_index
from stafettlogg.models import GENESIS_HASH

# A kommune's services and how many children each unit serves.
UNIT_PLAN: list[tuple[str, str, int, int]] = [
    # kind, name prefix, children per unit, staff per unit
    (ServiceKind.BARNEHAGE, "barnehage", 250, 12),
    (ServiceKind.SKOLE, "skole", 400, 30),
    (ServiceKind.HELSESTASJON, "helsestasjon", 15000, 15),
    (ServiceKind.PPT, "PPT", 40000, 15),
    (ServiceKind.BARNEVERN, "barnevern", 30000, 25),
    (ServiceKind.NAV, "NAV", 60000, 10),
]
ENTRY_KINDS_BY_LEVEL = {
    0: ["konkretisering", "deling", "notat", "samtale_foresatte"],
    1: ["notat", "samtale_barn", "samtale_foresatte", "notat"],
    2: ["notat", "samtale_barn", "samtale_foresatte", "notat", "deling"],
    3: ["notat", "samtale_barn", "samtale_foresatte", "notat", "deling"],
}
PHRASES = [
    "Barnet virker trist i frileken og trekker seg unna de andre.",
    "Foreldrene forteller om dårlig søvn og uro om kveldene.",
    "Vi har avtalt å se nærmere på språkutviklingen de neste ukene.",
    "Samtale med barnet om hvordan det har det i friminuttene.",
    "Tiltaket ser ut til å virke; barnet deltar mer i samlingsstund.",
    "Kontaktlærer har observert fravær på mandager over en periode.",
    "Foresatte ønsker at helsesykepleier kobles inn.",
]
FIRST = [
    "Emma",
    "Nora",
    "Ella",
    "Olivia",
    "Sofie",
    "Jakob",
    "Noah",
    "Emil",
    "Lukas",
    "Oskar",
    "Aksel",
    "Ingrid",
    "Filip",
    "Maja",
    "Leah",
]
LAST = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
]


@dataclass
class ScaleContext:
    kommune: Kommune
    rng: random.Random
    now: datetime
    unit_ids_by_kind: dict[str, list[int]] = field(default_factory=dict)
    staff_by_unit: dict[int, list[int]] = field(default_factory=dict)
    leader_by_unit: dict[int, int] = field(default_factory=dict)
    unit_names: dict[int, str] = field(default_factory=dict)
    child_ids: list[int] = field(default_factory=list)
    birth_dates: dict[int, date] = field(default_factory=dict)
    child_names: dict[int, str] = field(default_factory=dict)
    # child_id -> [(guardian_id, full_name, has_parental_responsibility)]
    guardians: dict[int, list[tuple[int, str, bool]]] = field(default_factory=dict)
    # (case_id, child_id, owner_unit_id, level, status, opened_at, holder_user_id or None)
    cases: list[tuple[int, int, int, int, str, datetime, int | None]] = field(default_factory=list)
    # case_id -> entries planned by ``before_stafettlogg`` generators (see ``plan_entry``)
    planned_entries: dict[int, list[PlannedEntry]] = field(default_factory=dict)
    # case_id -> [(unit_id, from, until or None)]: periods in which a unit other than the
    # owner may read the case (a valid consent, opplysningsplikt). Read by the innsynslogg.
    readers: dict[int, list[tuple[int, datetime, datetime | None]]] = field(default_factory=dict)
    access_per_case: int = 100
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def plan_entry(
        self, case_id: int, *, at: datetime, author: int, author_unit: int, kind: str, text: str, data: dict[str, Any]
    ) -> None:
        """A stafettlogg entry (a consent change, a melding) for the core to put into the
        case's hash chain at ``at``, on the level the case has then."""
        # In UTC: the hash covers ``created_at.isoformat()`` as the database gives it back.
        entry = PlannedEntry(at.astimezone(UTC), author, author_unit, kind, text, data)
        self.planned_entries.setdefault(case_id, []).append(entry)


@dataclass(frozen=True)
class PlannedEntry:
    at: datetime
    author: int
    author_unit: int
    kind: str
    text: str
    data: dict[str, Any]


Stage = Literal["before_stafettlogg", "apps", "last"]
STAGES: tuple[Stage, ...] = ("before_stafettlogg", "apps", "last")
Generator = Callable[[ScaleContext, Any], None]
GENERATORS: list[tuple[str, Generator, Stage]] = []


def register(name: str, *, stage: Stage = "apps") -> Callable[[Generator], Generator]:
    def deco(fn: Generator) -> Generator:
        GENERATORS.append((name, fn, stage))
        return fn

    return deco


def copy_rows(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows into ``table`` (text format, values converted here)."""
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def next_ids(cursor: Any, table: str, n: int) -> list[int]:
    """Reserve ``n`` ids from the table's identity sequence."""
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
    return [row[0] for row in cursor.fetchall()]


class IdPool:
    """Ids of ``table`` one at a time, reserved ``block`` at a time (when the count is not
    known in advance)."""

    def __init__(self, cursor: Any, table: str, block: int = 10_000) -> None:
        self.cursor, self.table, self.block = cursor, table, block
        self.ids: list[int] = []

    def next(self) -> int:
        if not self.ids:
            self.ids = next_ids(self.cursor, self.table, self.block)[::-1]
        return self.ids.pop()


def synthetic_fnr(index: int, born: date, used: set[str] | None = None) -> str:
    """A checksum-valid synthetic fødselsnummer not in ``used`` (which it is added to)."""
    w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
    w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    base_ind = 500 + (index % 499)
    for step in range(500):
        ind = 500 + (base_ind - 500 + step) % 500
        digits = f"{born:%d%m%y}{ind:03d}"
        k1 = 11 - sum(int(d) * w for d, w in zip(digits, w1, strict=True)) % 11
        k1 = 0 if k1 == 11 else k1
        if k1 == 10:
            continue
        digits += str(k1)
        k2 = 11 - sum(int(d) * w for d, w in zip(digits, w2, strict=True)) % 11
        k2 = 0 if k2 == 11 else k2
        if k2 == 10:
            continue
        fnr = digits + str(k2)
        if used is not None:
            if fnr in used:
                continue
            used.add(fnr)
        return fnr
    raise ValueError("no valid fnr")


def entry_hash(payload: dict[str, Any]) -> str:
    """The keyed chain hash ``Entry.compute_hash`` gives (bti/integrity.py)."""
    return integrity.chain_digest(integrity.canonical_json(payload))


def generate(
    *,
    children: int,
    seed: int = 1,
    number: str | None = None,
    entries_per_case: int = 30,
    access_per_case: int = 100,
    now: datetime | None = None,
) -> ScaleContext:
    """Generate one kommune. ``now`` pins the clock (tests compare two runs)."""
    rng = random.Random(seed)  # noqa: S311 - deterministic test data, not security
    number = number or f"{8000 + (children % 1000):04d}"
    with transaction.atomic(), connection.cursor() as cursor:
        # Inside the transaction: a failed load leaves no half-made kommune behind.
        kommune, _ = Kommune.objects.get_or_create(number=number, defaults={"name": f"Skala {children} kommune"})
        ctx = ScaleContext(kommune=kommune, rng=rng, now=now or timezone.now(), access_per_case=access_per_case)
        cursor.execute("SET LOCAL session_replication_role = replica")
        _timed(ctx, "units_and_staff", lambda: _units_and_staff(ctx, cursor, children))
        _timed(ctx, "children_and_guardians", lambda: _children(ctx, cursor, children))
        _timed(ctx, "cases_and_holders", lambda: _cases(ctx, cursor, int(children * 2 / 3)))
        _load_app_generators()
        for stage in STAGES:
            for name, generator, generator_stage in GENERATORS:
                if generator_stage == stage:
                    _timed(ctx, name, _bind(generator, ctx, cursor))
            if stage == "before_stafettlogg":
                _timed(ctx, "stafettlogg", lambda: _entries(ctx, cursor, entries_per_case))
        cursor.execute("SET LOCAL session_replication_role = origin")
        _timed(ctx, "analyze", lambda: cursor.execute("ANALYZE"))
    return ctx


def _load_app_generators() -> None:
    """Import the generators beside this one; each registers itself with ``register``
    (the innsynslogg first, then consents and involvements, then plans and meetings)."""
    from demo import scale_consent, scale_innsyn, scale_samarbeid  # noqa: F401


def _bind(generator: Generator, ctx: ScaleContext, cursor: Any) -> Callable[[], None]:
    return lambda: generator(ctx, cursor)


def _timed(ctx: ScaleContext, name: str, fn: Callable[[], Any]) -> None:
    start = time.perf_counter()
    fn()
    ctx.timings[name] = time.perf_counter() - start


def _units_and_staff(ctx: ScaleContext, cursor: Any, children: int) -> None:
    from bti.models import Service

    k = ctx.kommune
    password = make_password("bench-passord-123")  # one hash for all: hashing 10k passwords would dominate
    unit_rows, user_rows, membership_rows = [], [], []
    for kind, prefix, per_unit, staff in UNIT_PLAN:
        service, _ = Service.objects.get_or_create(
            kommune=k, name=str(ServiceKind(kind).label), defaults={"kind": kind, "category": DEFAULT_CATEGORY[kind]}
        )
        n_units = max(1, round(children / per_unit))
        ids = next_ids(cursor, "bti_unit", n_units)
        ctx.unit_ids_by_kind[kind] = ids
        for i, unit_id in enumerate(ids):
            ctx.unit_names[unit_id] = f"{prefix.capitalize()} {i + 1} ({k.number})"
            unit_rows.append((unit_id, k.pk, service.pk, ctx.unit_names[unit_id], True))
            user_ids = next_ids(cursor, "bti_user", staff)
            ctx.staff_by_unit[unit_id] = user_ids
            ctx.leader_by_unit[unit_id] = user_ids[0]
            for j, user_id in enumerate(user_ids):
                email = f"{prefix.lower()}{i + 1}.ansatt{j + 1}@k{k.number}.bench.invalid"
                user_rows.append(
                    (
                        user_id,
                        password,
                        None,
                        False,
                        email,
                        f"{ctx.rng.choice(FIRST)} {ctx.rng.choice(LAST)}",
                        "Leder" if j == 0 else "Ansatt",
                        k.pk,
                        True,
                        False,
                        False,
                        ctx.now,
                    )
                )
                membership_rows.append((k.pk, user_id, unit_id, "leder" if j == 0 else "ansatt", ctx.now.date(), None))
    leader_id = next_ids(cursor, "bti_user", 1)[0]
    user_rows.append(
        (
            leader_id,
            password,
            None,
            False,
            f"kommunalsjef@k{k.number}.bench.invalid",
            "Kommunalsjef Skala",
            "Kommunalsjef",
            k.pk,
            True,
            False,
            False,
            ctx.now,
        )
    )
    ctx.counts["units"] = copy_rows(
        cursor, "bti_unit", ["id", "kommune_id", "service_id", "name", "is_active"], unit_rows
    )
    ctx.counts["users"] = copy_rows(
        cursor,
        "bti_user",
        [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "email",
            "full_name",
            "title",
            "kommune_id",
            "is_active",
            "is_staff",
            "is_demo",
            "date_joined",
        ],
        user_rows,
    )
    from bti.models import KommuneRole

    KommuneRole.objects.create(kommune=k, user_id=leader_id, role="kommunalsjef")
    ctx.counts["memberships"] = copy_rows(
        cursor,
        "bti_membership",
        ["kommune_id", "user_id", "unit_id", "role", "valid_from", "valid_until"],
        membership_rows,
    )


def _children(ctx: ScaleContext, cursor: Any, n: int) -> None:
    k, rng = ctx.kommune, ctx.rng
    ids = next_ids(cursor, "cases_child", n)
    guardian_ids = iter(next_ids(cursor, "cases_guardian", 2 * n))
    ctx.child_ids = ids
    today = ctx.now.date()
    child_rows, guardian_rows = [], []
    from cases.models import Child

    # The fnr column is encrypted at rest (bti.fields): store what the ORM would store.
    fnr_field = Child._meta.get_field("fnr")
    used_fnr: set[str] = set()
    for i, child_id in enumerate(ids):
        born = today - timedelta(days=rng.randint(200, 17 * 365))
        ctx.birth_dates[child_id] = born
        fnr = synthetic_fnr(i, born, used_fnr)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        ctx.child_names[child_id] = name
        child_rows.append(
            (
                child_id,
                k.pk,
                name,
                fnr_field.get_db_prep_value(fnr, connection, prepared=False),
                fnr_index(k.pk, fnr),
                born,
                None,
                None,
                rng.choice(["jente", "gutt", ""]),
                ctx.now,
            )
        )
        last = name.split(" ")[1]
        guardians = ctx.guardians[child_id] = []
        for rel, first in (("mor", "Kari"), ("far", "Per")):
            guardian_id, guardian_name = next(guardian_ids), f"{first} {last}"
            phone, address = f"9{rng.randint(1000000, 9999999)}", f"Gate {rng.randint(1, 200)}"
            responsible = rng.random() > 0.1
            guardians.append((guardian_id, guardian_name, responsible))
            guardian_rows.append(
                (guardian_id, k.pk, child_id, guardian_name, rel, phone, "", address, responsible, rng.random() < 0.01)
            )
    ctx.counts["children"] = copy_rows(
        cursor,
        "cases_child",
        [
            "id",
            "kommune_id",
            "full_name",
            "fnr",
            "fnr_index",
            "birth_date",
            "expected_date",
            "mother_case_id",
            "gender",
            "created_at",
        ],
        child_rows,
    )
    ctx.counts["guardians"] = copy_rows(
        cursor,
        "cases_guardian",
        [
            "id",
            "kommune_id",
            "child_id",
            "full_name",
            "relation",
            "phone",
            "email",
            "address",
            "has_parental_responsibility",
            "protected_address",
        ],
        guardian_rows,
    )


def _cases(ctx: ScaleContext, cursor: Any, n: int) -> None:
    rng = ctx.rng
    owner_units = (
        ctx.unit_ids_by_kind[ServiceKind.BARNEHAGE] * 2
        + ctx.unit_ids_by_kind[ServiceKind.SKOLE] * 3
        + ctx.unit_ids_by_kind[ServiceKind.HELSESTASJON]
    )
    ids = next_ids(cursor, "cases_case", n)
    children = rng.sample(ctx.child_ids, n) if n <= len(ctx.child_ids) else [rng.choice(ctx.child_ids) for _ in ids]
    case_rows, holder_rows = [], []
    for case_id, child_id in zip(ids, children, strict=True):
        unit_id = rng.choice(owner_units)
        level = rng.choices([0, 1, 2, 3], weights=[30, 35, 25, 10])[0]
        status = "open" if rng.random() < 0.6 else "closed"
        opened = ctx.now - timedelta(days=rng.randint(1, 3 * 365), minutes=rng.randint(0, 1440))
        creator = rng.choice(ctx.staff_by_unit[unit_id])
        deadline = (opened + timedelta(days=14)).date()
        holder = None
        if level >= 1:
            holder = rng.choice(ctx.staff_by_unit[unit_id][1:] or ctx.staff_by_unit[unit_id])
            holder_rows.append(
                (
                    ctx.kommune.pk,
                    case_id,
                    holder,
                    unit_id,
                    "active" if status == "open" else "ended",
                    creator,
                    opened,
                    "",
                    opened,
                    "",
                    opened,
                    None if status == "open" else ctx.now,
                )
            )
        ctx.cases.append((case_id, child_id, unit_id, level, status, opened, holder))
        case_rows.append(
            (
                case_id,
                ctx.kommune.pk,
                child_id,
                ctx.child_names.get(child_id, ""),
                "",
                unit_id,
                creator,
                "ansatt",
                level,
                status,
                deadline,
                opened,
                opened,
                None if status == "open" else ctx.now,
                "Målene er nådd" if status == "closed" else "",
                ctx.now,
                1,
                "",
            )
        )
    ctx.counts["cases"] = copy_rows(
        cursor,
        "cases_case",
        [
            "id",
            "kommune_id",
            "child_id",
            "child_name",
            "anonymous_label",
            "owner_unit_id",
            "created_by_id",
            "source",
            "level",
            "status",
            "decision_deadline",
            "opened_at",
            "level_changed_at",
            "closed_at",
            "close_reason",
            "last_activity_at",
            "version",
            "shred_note",
        ],
        case_rows,
    )
    # Guardians belong to the first case of their child (cases.Guardian.registered_in).
    cursor.execute(
        """UPDATE cases_guardian g SET registered_in_id = c.id
           FROM (SELECT DISTINCT ON (child_id) child_id, id FROM cases_case WHERE kommune_id = %s
                 ORDER BY child_id, id) c
           WHERE g.child_id = c.child_id AND g.kommune_id = %s""",
        [ctx.kommune.pk, ctx.kommune.pk],
    )
    ctx.counts["stafettholders"] = copy_rows(
        cursor,
        "stafettlogg_stafettholder",
        [
            "kommune_id",
            "case_id",
            "user_id",
            "unit_id",
            "status",
            "proposed_by_id",
            "proposed_at",
            "message",
            "responded_at",
            "response_reason",
            "started_at",
            "ended_at",
        ],
        holder_rows,
    )


def _entries(ctx: ScaleContext, cursor: Any, per_case: int) -> None:
    rng = ctx.rng
    k = ctx.kommune.pk
    columns = [
        "kommune_id",
        "case_id",
        "seq",
        "created_at",
        "author_id",
        "author_unit_id",
        "kind",
        "level",
        "text",
        "data",
        "corrects_id",
        "prev_hash",
        "seal",  # only rows sealed by migration (stafettlogg 0006) carry one
        "hash",
        "key_id",
    ]
    last_activity: list[tuple[int, datetime]] = []

    def rows() -> Iterable[tuple[Any, ...]]:
        for case_id, _child, unit_id, level, _status, opened, holder in ctx.cases:
            staff = ctx.staff_by_unit[unit_id]
            n = max(3, int(rng.gauss(per_case, per_case / 4)))
            span = max(1.0, (ctx.now - opened).total_seconds())
            planned = sorted(ctx.planned_entries.pop(case_id, ()), key=lambda p: p.at)
            prev = GENERATION_GENESIS
            last_at = opened
            seq = lvl = 0
            data: dict[str, Any]
            for i in range(1, n + 2):
                # The case's own entries; the planned ones go in between, by time, on the level then.
                at = opened + timedelta(seconds=span * i / (n + 1))
                while planned and (i > n or planned[0].at < at):
                    p = planned.pop(0)
                    seq += 1
                    row = _entry_row(k, case_id, seq, p.at, p.author, p.author_unit, p.kind, lvl, p.text, p.data, prev)
                    yield row
                    prev, last_at = row[-2], p.at
                if i > n:
                    break
                if i == 1:
                    kind, text, data, lvl = "undring", rng.choice(PHRASES), {"source": "ansatt"}, 0
                elif i == 4 and level > 0:
                    kind, text, data, lvl = "beslutning", "Vi går videre", {"from_level": 0, "to_level": level}, level
                else:
                    lvl = 0 if i < 4 or level == 0 else level
                    kind, text, data = rng.choice(ENTRY_KINDS_BY_LEVEL[lvl]), rng.choice(PHRASES), {}
                author = holder if (holder and i > 4) else rng.choice(staff)
                seq += 1
                row = _entry_row(k, case_id, seq, at, author, unit_id, kind, lvl, text, data, prev)
                yield row
                prev, last_at = row[-2], at
            last_activity.append((case_id, last_at))

    ctx.counts["entries"] = copy_rows(cursor, "stafettlogg_entry", columns, rows())
    buf = io.StringIO()
    for case_id, at in last_activity:
        buf.write(f"{case_id}\t{at.isoformat()}\n")
    cursor.execute("DROP TABLE IF EXISTS _last_activity")  # a second generate in one transaction (tests)
    cursor.execute("CREATE TEMP TABLE _last_activity (case_id bigint, at timestamptz) ON COMMIT DROP")
    with cursor.copy("COPY _last_activity FROM STDIN") as copy:
        copy.write(buf.getvalue())
    cursor.execute("UPDATE cases_case c SET last_activity_at = l.at FROM _last_activity l WHERE c.id = l.case_id")


def _entry_row(
    kommune_id: int,
    case_id: int,
    seq: int,
    at: datetime,
    author: int,
    author_unit: int,
    kind: str,
    level: int,
    text: str,
    data: dict[str, Any],
    prev: str,
) -> tuple[Any, ...]:
    """One ``stafettlogg_entry`` row, its hash computed as ``Entry.compute_hash`` does."""
    payload = {
        "case": case_id,
        "seq": seq,
        "created_at": at.isoformat(),
        "author": author,
        "author_unit": author_unit,
        "kind": kind,
        "level": level,
        "text": text,
        "data": data,
        "corrects": None,
        "prev_hash": prev,
    }
    digest = entry_hash(payload)
    return (
        kommune_id,
        case_id,
        seq,
        at,
        author,
        author_unit,
        kind,
        level,
        text,
        json.dumps(data),
        None,
        prev,
        "",
        digest,
        integrity.current_key_id(),
    )


GENERATION_GENESIS = GENESIS_HASH


def check_invariants(kommune_id: int) -> dict[str, int]:
    """The invariants the disabled triggers guard, checked once over the loaded data."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM cases_case c WHERE c.kommune_id = %s AND c.status = 'open' AND c.level >= 1
               AND (SELECT count(*) FROM stafettlogg_stafettholder s WHERE s.case_id = c.id AND s.status = 'active') <> 1""",
            [kommune_id],
        )
        bad_holders = cursor.fetchone()[0]
    return {"open_cases_without_exactly_one_holder": bad_holders}


def bench_settings_hint() -> str:
    return f"DATABASE: {settings.DATABASES['default'].get('NAME')}"
