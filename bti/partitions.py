"""The innsynslogg partitioned by month (issue 15 item 4, docs/adr/0027).

``bti_accesslogentry`` is a PostgreSQL table ``PARTITION BY RANGE (at)``: one partition
per calendar month (UTC), named ``bti_accesslogentry_yYYYYmMM``, and a default partition
that takes any row no monthly partition covers, so an INSERT never fails. The primary
key is ``(id, at)`` (a partitioned table's unique keys must hold the partition key); the
model keeps ``id`` as Django's primary key, ids still come from one sequence.

* ``ensure_partitions`` creates the months from a start month to ``ahead`` months after
  the current one. It is idempotent; rows that landed in the default partition for a
  month that now gets its own partition are moved into it (same ids and times, so the
  anchored day digests stay the same). Run as the table owner (``manage.py
  innsynslogg_partitions``, which ``seed_scale`` and the migration call too); afterwards
  the application role's grants are laid on the new partitions.
* ``drop_expired`` drops a month whole once it is past the innsynslogg retention of
  every kommune in the database (the longest rule wins: a partition holds every
  kommune's rows). Before the drop it records the month in ``AccessLogDrop``
  (append-only): the rule, the number of rows, their digest as the day digests compute
  it, the first and last id and time. A signed checkpoint is written right after, so the
  drop itself is anchored; ``verify_innsynslogg`` accepts missing days of a dropped month
  only when a checkpoint names the drop and the anchored rows are no more than it says.

Retention is a feature app's data (arkiv's rules): the app registers a function
``kommune_id -> years`` with ``register_retention``; with none registered nothing is
dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone

TABLE = "bti_accesslogentry"
DEFAULT_PARTITION = f"{TABLE}_default"
AHEAD_MONTHS = 3

# kommune id -> years the innsynslogg is kept (arkiv registers it), or None: no rule.
RetentionSource = Callable[[int], "tuple[int, str] | None"]
_RETENTION: list[RetentionSource] = []


def register_retention(source: RetentionSource) -> None:
    """``source(kommune_id)`` returns (years, a description of the rule) or None."""
    if source not in _RETENTION:
        _RETENTION.append(source)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    for _ in range(months):
        day = next_month(day)
    return day


def partition_name(month: date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def _bound(day: date) -> str:
    return datetime.combine(day, time.min, tzinfo=UTC).isoformat()


def is_partitioned(cursor: Any) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
    row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def monthly_partitions(cursor: Any) -> dict[date, str]:
    """The monthly partitions that exist, by their first day."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s)",
        [TABLE],
    )
    found: dict[date, str] = {}
    for (name,) in cursor.fetchall():
        suffix = name.removeprefix(f"{TABLE}_y")
        if suffix != name and len(suffix) == 7 and suffix[4] == "m":
            found[date(int(suffix[:4]), int(suffix[5:]), 1)] = name
    return found


def create_partition_sql(month: date) -> list[str]:
    """The statements that create one month's partition, moving its rows out of the
    default partition first if any landed there (the append-only trigger is switched off
    for that DELETE only, by the owner, inside the caller's transaction)."""
    name, lo, hi = partition_name(month), _bound(month), _bound(next_month(month))
    return [
        f"ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT_PARTITION}",
        f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM ('{lo}') TO ('{hi}')",
        f"INSERT INTO {name} SELECT * FROM {DEFAULT_PARTITION} WHERE at >= '{lo}' AND at < '{hi}'",  # noqa: S608  # nosec B608 - built names and dates
        f"ALTER TABLE {DEFAULT_PARTITION} DISABLE TRIGGER USER",
        f"DELETE FROM {DEFAULT_PARTITION} WHERE at >= '{lo}' AND at < '{hi}'",  # noqa: S608  # nosec B608 - built names and dates
        f"ALTER TABLE {DEFAULT_PARTITION} ENABLE TRIGGER USER",
        f"ALTER TABLE {TABLE} ATTACH PARTITION {DEFAULT_PARTITION} DEFAULT",
    ]


def ensure_partitions(
    *, start: date | None = None, ahead: int = AHEAD_MONTHS, today: date | None = None, connection: Any = None
) -> list[str]:
    """Create every monthly partition from ``start`` (default: the current month) to
    ``ahead`` months after the current one that does not exist yet. Idempotent; returns
    the names created. A table that is not partitioned (before the migration) is left."""
    connection = connection or default_connection
    today = today or timezone.now().astimezone(UTC).date()
    first = month_start(start or today)
    last = add_months(month_start(today), ahead)
    created: list[str] = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if not is_partitioned(cursor):
            return []
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bti-accesslog-partitions'))")
        existing = monthly_partitions(cursor)
        month = first
        while month <= last:
            if month not in existing:
                lo, hi = _bound(month), _bound(next_month(month))
                cursor.execute(
                    f"SELECT EXISTS (SELECT 1 FROM {DEFAULT_PARTITION} WHERE at >= %s AND at < %s)",  # noqa: S608  # nosec B608 - built names, bound dates
                    [lo, hi],
                )
                if cursor.fetchone()[0]:
                    # Deferred foreign-key checks of rows written earlier in this
                    # transaction must run before the default partition is altered.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    for statement in create_partition_sql(month):
                        cursor.execute(statement)
                else:
                    cursor.execute(create_partition_sql(month)[1])
                created.append(partition_name(month))
            month = next_month(month)
        if created:
            from bti import db_roles

            db_roles.apply_grants(connection)
    return created


@dataclass(frozen=True)
class Expired:
    month: date
    partition: str
    years: int
    rule: str
    rows: int


def _retention_years(kommune_ids: list[int]) -> tuple[int, str] | None:
    """The longest innsynslogg retention of these kommuner, or None when any has no rule."""
    longest: tuple[int, str] | None = None
    for kommune_id in kommune_ids:
        found = [r for source in _RETENTION if (r := source(kommune_id)) is not None]
        if not found:
            return None
        best = max(found)
        if longest is None or best[0] > longest[0]:
            longest = best
    return longest


def expired_partitions(*, today: date | None = None, connection: Any = None) -> list[Expired]:
    """The monthly partitions whose last day is past the innsynslogg retention of every
    kommune (the dry run of ``drop_expired``)."""
    from bti.models import Kommune

    connection = connection or default_connection
    today = today or timezone.now().astimezone(UTC).date()
    kommune_ids = list(Kommune.objects.values_list("pk", flat=True))
    rule = _retention_years(kommune_ids) if kommune_ids else None
    if rule is None:
        return []
    years, description = rule
    found: list[Expired] = []
    with connection.cursor() as cursor:
        if not is_partitioned(cursor):
            return []
        for month, name in sorted(monthly_partitions(cursor).items()):
            end = next_month(month)  # the first day no longer in the partition
            try:
                until = end.replace(year=end.year + years)
            except ValueError:  # pragma: no cover - the 1st of a month always exists
                continue
            if until > today:
                continue
            cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608  # nosec B608 - a name we built
            found.append(Expired(month, name, years, description, int(cursor.fetchone()[0])))
    return found


def _digest(month: date) -> tuple[int, str, dict[str, list[Any]], list[Any]]:
    """Count and digest of one month's rows, and of each of its days, as
    ``bti.integrity.DayLog.digest`` computes them (rows in (at, id) order, each its
    canonical JSON); and the first and last id and time. The range reads the one
    partition (partition pruning)."""
    from bti import integrity

    log = integrity.DAY_LOGS["innsynslogg"]
    fields = log.fields()
    at_index, id_index = fields.index("at"), fields.index("id")
    lo = datetime.combine(month, time.min, tzinfo=UTC)
    hi = datetime.combine(next_month(month), time.min, tzinfo=UTC)
    rows = log.model().objects.filter(at__gte=lo, at__lt=hi).order_by("at", "pk").values_list(*fields)
    month_hash = hashlib.sha256()
    days: dict[str, list[Any]] = {}
    day_hash: Any = None
    day_key, day_count, count = "", 0, 0
    first_id: int | None = None
    last_id: int | None = None
    first_at: Any = None
    last_at: Any = None
    for row in rows.iterator(chunk_size=5000):
        line = integrity.canonical_json([integrity._plain(v) for v in row]) + b"\n"
        key = row[at_index].astimezone(UTC).date().isoformat()
        if key != day_key:
            if day_hash is not None:
                days[day_key] = [day_count, day_hash.hexdigest()]
            day_key, day_count, day_hash = key, 0, hashlib.sha256()
        day_hash.update(line)
        month_hash.update(line)
        day_count += 1
        count += 1
        first_id = row[id_index] if first_id is None else min(first_id, row[id_index])
        last_id = row[id_index] if last_id is None else max(last_id, row[id_index])
        first_at = first_at or row[at_index]
        last_at = row[at_index]
    if day_hash is not None:
        days[day_key] = [day_count, day_hash.hexdigest()]
    return count, month_hash.hexdigest(), days, [first_id, last_id, first_at, last_at]


def drop_expired(*, today: date | None = None, dry_run: bool = False) -> list[Expired]:
    """Drop every expired monthly partition whole, record each drop and anchor it in a
    signed checkpoint. Run as the table owner (the application role cannot DROP)."""
    from bti import integrity
    from bti.models import AccessLogDrop

    expired = expired_partitions(today=today)
    if dry_run or not expired:
        return expired
    for item in expired:
        with transaction.atomic(), default_connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bti-accesslog-partitions'))")
            count, digest, days, (first_id, last_id, first_at, last_at) = _digest(item.month)
            AccessLogDrop.objects.create(
                month=item.month,
                partition=item.partition,
                rule=item.rule[:200],
                years=item.years,
                rows=count,
                digest=digest,
                first_id=first_id,
                last_id=last_id,
                first_at=first_at,
                last_at=last_at,
                days=days,
            )
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {item.partition}")
            cursor.execute(f"DROP TABLE {item.partition}")
    integrity.write_checkpoint()
    return expired


def drops_for_checkpoint() -> dict[str, list[Any]]:
    """Every recorded drop, for the innsynslogg's section of a checkpoint."""
    from bti.models import AccessLogDrop

    return {
        f"{d.month:%Y-%m}": [d.rows, d.digest, d.rule, d.dropped_at.astimezone(UTC).isoformat(), d.days]
        for d in AccessLogDrop.objects.order_by("month")
    }


def is_owner(cursor: Any) -> bool:
    """Whether this connection's role owns the partitioned table (may create and drop)."""
    cursor.execute("SELECT pg_get_userbyid(relowner) = current_user FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
    row = cursor.fetchone()
    return bool(row and row[0])


def missing_months(cursor: Any, *, today: date | None = None, ahead: int = 1) -> list[date]:
    """The months from the current one to ``ahead`` after it that have no partition."""
    today = today or timezone.now().astimezone(UTC).date()
    existing = monthly_partitions(cursor)
    month, last, missing = month_start(today), add_months(month_start(today), ahead), []
    while month <= last:
        if month not in existing:
            missing.append(month)
        month = next_month(month)
    return missing
