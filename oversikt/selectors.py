"""Reads of the oversikt app: a person's own notifications, and the leader overview's
de-identified aggregates (scoped by ``bti.policy.aggregate_scope``).

Every count that leaves this module is already suppressed: 1–4 is «<5» (and one more
cell is hidden where a single hidden cell could be worked out from the others); medians
and shares built on fewer than five cases are not shown. Charts, tables, exports and
the API all render these values, so none of them can show a small number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bti import replica, suppression
from bti.models import Service, Unit, User
from bti.policy import AggregateScope
from oversikt.models import Alarm, AlarmRule, CaseFact, FactsVersion, Notification

SMALL = suppression.THRESHOLD
SUPPRESSED = suppression.SMALL
Shown = int | str


# --- Notifications --------------------------------------------------------------------


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    """One count over the partial index of unread rows (the header badge)."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


# --- Suppression ----------------------------------------------------------------------


def shown(n: int) -> Shown:
    return SUPPRESSED if 0 < n < SMALL else n


def shown_all(counts: list[int]) -> list[Shown]:
    """Suppress small counts, and if exactly one is hidden, hide the next smallest as
    well so the hidden one cannot be worked out from a total."""
    values: list[Shown] = [shown(n) for n in counts]
    hidden = [i for i, v in enumerate(values) if v == SUPPRESSED]
    if len(hidden) == 1:
        visible = sorted((n, i) for i, n in enumerate(counts) if values[i] != SUPPRESSED and n > 0)
        if visible:
            values[visible[0][1]] = SUPPRESSED
    return values


def median_shown(n: int, median: float | None) -> float | None:
    return None if n < SMALL or median is None else round(median, 1)


def share_shown(part: int, whole: int) -> int | None:
    """Percent, unless the part or the rest is a small count (it would reveal it)."""
    if whole < SMALL or 0 < part < SMALL or 0 < whole - part < SMALL:
        return None
    return round(100 * part / whole)


# --- The overview ---------------------------------------------------------------------


@dataclass
class Filters:
    start: date
    end: date
    service_id: int | None = None
    unit_id: int | None = None
    level: int | None = None


@dataclass
class Row:
    label: str
    value: Shown
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Overview:
    open_by_level: list[Row]
    open_by_service: list[Row]
    open_by_unit: list[Row]
    open_total: Shown
    without_holder: Shown
    handovers_pending: Shown
    new_per_month: list[Row]
    decisions: Shown
    went_on_share: int | None
    median_days_to_decision: float | None
    median_days_on_level: list[Row]
    flows: list[Row]
    alarms: list[Row]
    skipped: list[str]
    # When the summary rows these numbers come from were rebuilt («Sist oppdatert»);
    # None while the kommune's rows have never been built.
    refreshed_at: datetime | None = None


def _level_name(level: int) -> str:
    return _("Avsluttet") if level == -1 else _("Nivå %(n)s") % {"n": level}


def _where(scope: AggregateScope, f: Filters, *, level_col: str | None) -> tuple[str, list[Any]]:
    parts = ["kommune_id = %s"]
    params: list[Any] = [scope.kommune_id]
    if scope.unit_ids is not None:
        parts.append("unit_id = ANY(%s)")
        params.append(sorted(scope.unit_ids))
    if f.unit_id is not None:
        parts.append("unit_id = %s")
        params.append(f.unit_id)
    if f.service_id is not None:
        parts.append("service_id = %s")
        params.append(f.service_id)
    if level_col and f.level is not None:
        parts.append(f"{level_col} = %s")
        params.append(f.level)
    return " AND ".join(parts), params


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Raw aggregate SQL over the summary tables: from the replica inside
    ``replica.replica_reads()`` while it is fresh enough, otherwise the primary."""
    with connections[replica.alias_for(CaseFact)].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def scope_units(scope: AggregateScope) -> QuerySet[Unit]:
    qs = Unit.objects.filter(kommune_id=scope.kommune_id)
    if scope.unit_ids is not None:
        qs = qs.filter(pk__in=scope.unit_ids)
    return qs.select_related("service").order_by("name")


def scope_services(scope: AggregateScope) -> QuerySet[Service]:
    qs = Service.objects.filter(kommune_id=scope.kommune_id)
    if scope.unit_ids is not None:
        qs = qs.filter(units__in=scope.unit_ids).distinct()
    return qs.order_by("name")


CACHE_SECONDS = 300


def facts_state(kommune_id: int) -> tuple[int, datetime | None]:
    """The refresh of the kommune's summary rows that the database the overview reads
    holds (the replica inside ``replica_reads()`` while it is fresh enough, else the
    primary), and when it ran. Keying the cache by the version keeps a lagging replica's
    numbers apart from the primary's: a read that falls back to the primary never gets the
    replica's old tables from the cache, and tables computed from the replica are cached
    under the version the replica actually had (ADR 0020)."""
    found = FactsVersion.objects.filter(kommune_id=kommune_id).values_list("version", "refreshed_at").first()
    return (int(found[0]), found[1]) if found else (0, None)


def facts_version(kommune_id: int) -> int:
    return facts_state(kommune_id)[0]


def overview(scope: AggregateScope, f: Filters, *, skipped_rules: list[str] | None = None) -> Overview:
    """The overview, from the cache while the summary rows are unchanged (``refresh_facts``
    bumps the kommune's version; entries also expire after five minutes)."""
    version, refreshed_at = facts_state(scope.kommune_id)
    parts = (
        scope.kommune_id,
        sorted(scope.unit_ids) if scope.unit_ids is not None else None,
        f.start,
        f.end,
        f.service_id,
        f.unit_id,
        f.level,
        skipped_rules,
        get_language(),
        version,
    )
    key = "oversikt:tall:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute_overview(scope, f, skipped_rules=skipped_rules, cached_tables=True, version=version)
        found.refreshed_at = refreshed_at
        cache.set(key, found, CACHE_SECONDS)
    return found


def default_filters() -> Filters:
    """The overview without filters: the last twelve months (as the filter form)."""
    end = timezone.localdate()
    return Filters(start=end - timedelta(days=365), end=end)


def warm_overview(kommune_id: int, *, skipped_rules: list[str] | None = None) -> None:
    """Compute the unfiltered kommune overview into the cache right after a refresh, so
    the first leader to open it does not pay for the queries."""
    overview(AggregateScope(kommune_id, None), default_filters(), skipped_rules=skipped_rules)


def whole_months(f: Filters) -> Filters:
    """The period widened to whole months: a period that may end on any day lets two
    periods one day apart be subtracted into a day's small count."""
    start = f.start.replace(day=1)
    end = (f.end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return Filters(start=start, end=end, service_id=f.service_id, unit_id=f.unit_id, level=f.level)


@dataclass
class _Protected:
    """The scope's tables, each protected once for every filter combination
    (bti.suppression): the filters only pick which cells to show."""

    open: suppression.Shown
    no_holder: suppression.Shown
    pending: suppression.Shown
    new: suppression.Shown
    decided: suppression.Shown
    flows: suppression.Shown
    alarms: suppression.Shown
    months: list[date]
    pairs: list[tuple[int, int]]


def _protected_tables(scope: AggregateScope, units: dict[int, Unit], start: date, end: date) -> _Protected:
    where, params = _where(scope, Filters(start=start, end=end), level_col=None)
    unit_dim = suppression.Dimension.tree(
        "enhet",
        {**{("s", u.service_id): None for u in units.values()}, **{pk: ("s", u.service_id) for pk, u in units.items()}},
    )
    level_dim = suppression.Dimension.flat("nivå", range(4), total=True)
    opened: dict[Any, int] = {}
    no_holder: dict[Any, int] = {}
    pending: dict[Any, int] = {}
    for unit_id, level, n, nh, pend in _rows(
        f"""SELECT unit_id, level, count(*), count(*) FILTER (WHERE level >= 1 AND NOT has_active_holder),
                   count(*) FILTER (WHERE handover_pending)
            FROM oversikt_casefact WHERE {where} AND is_open GROUP BY 1, 2""",  # noqa: S608 # nosec B608 (fixed conditions from _where)
        params,
    ):
        if unit_id in units:
            opened[(unit_id, level)], no_holder[(unit_id, level)], pending[(unit_id, level)] = n, nh, pend
    months = _month_starts(start, end)
    month_dim = suppression.Dimension.flat("måned", months)
    new = {
        (unit_id, month): n
        for unit_id, month, n in _rows(
            f"""SELECT unit_id, date_trunc('month', opened_on)::date, count(*) FROM oversikt_casefact
                WHERE {where} AND opened_on BETWEEN %s AND %s GROUP BY 1, 2""",  # noqa: S608 # nosec B608
            [*params, start, end],
        )
        if unit_id in units
    }
    outcome_dim = suppression.Dimension.flat("utfall", [True, False], total=True)
    decided = {
        (unit_id, went_on, month): n
        for unit_id, went_on, month, n in _rows(
            f"""SELECT unit_id, went_on, date_trunc('month', decided_on)::date, count(*) FROM oversikt_casefact
                WHERE {where} AND decided_on BETWEEN %s AND %s GROUP BY 1, 2, 3""",  # noqa: S608 # nosec B608
            [*params, start, end],
        )
        if unit_id in units
    }
    flow_rows = _rows(
        f"""SELECT unit_id, from_level, to_level, date_trunc('month', "on")::date, count(*) FROM oversikt_levelfact
            WHERE {where} AND "on" BETWEEN %s AND %s GROUP BY 1, 2, 3, 4""",  # noqa: S608 # nosec B608
        [*params, start, end],
    )
    pairs = sorted({(fr, to) for _u, fr, to, _m, _n in flow_rows})
    flows = {(u, (fr, to), m): n for u, fr, to, m, n in flow_rows if u in units}
    alarm_qs = Alarm.objects.filter(kommune_id=scope.kommune_id, resolved_at__isnull=True, unit_id__in=list(units))
    alarms = {(u, rule): n for u, rule, n in alarm_qs.values_list("unit_id", "rule").annotate(n=Count("pk"))}
    rules = suppression.Dimension.flat("regel", list(AlarmRule.values))
    return _Protected(
        open=suppression.protected(opened, [unit_dim, level_dim]),
        no_holder=suppression.protected(no_holder, [unit_dim, level_dim]),
        pending=suppression.protected(pending, [unit_dim, level_dim]),
        new=suppression.protected(new, [unit_dim, month_dim]),
        decided=suppression.protected(decided, [unit_dim, outcome_dim, month_dim]),
        flows=suppression.protected(flows, [unit_dim, suppression.Dimension.flat("overgang", pairs), month_dim]),
        alarms=suppression.protected(alarms, [unit_dim, rules]),
        months=months,
        pairs=pairs,
    )


def _cached_tables(
    scope: AggregateScope, units: dict[int, Unit], start: date, end: date, version: int | None = None
) -> _Protected:
    """The protected tables of a scope and period, shared by all its filter combinations
    until the summary rows change (the facts version, read once per request by
    ``overview`` and passed on) or five minutes pass."""
    parts = (
        scope.kommune_id,
        sorted(scope.unit_ids) if scope.unit_ids is not None else None,
        start,
        end,
        facts_version(scope.kommune_id) if version is None else version,
    )
    key = "oversikt:vern:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _protected_tables(scope, units, start, end)
        cache.set(key, found, CACHE_SECONDS)
    return found


def compute_overview(
    scope: AggregateScope,
    f: Filters,
    *,
    skipped_rules: list[str] | None = None,
    cached_tables: bool = False,
    version: int | None = None,
) -> Overview:
    """The leader overview for ``scope`` with filters ``f``. The snapshot of open cases
    is «now»; new undringer, decisions, flows and time on levels fall in the period (whole
    months). Every number comes from tables protected once per scope and period
    (``_protected_tables``), so no filter combination can be set against another to work
    out a hidden count (issue 20)."""
    f = whole_months(f)
    units = {u.pk: u for u in scope_units(scope)}
    services = {s.pk: s.name for s in scope_services(scope)}
    t = (
        _cached_tables(scope, units, f.start, f.end, version)
        if cached_tables
        else _protected_tables(scope, units, f.start, f.end)
    )
    ALL = suppression.ALL
    # The node of the unit dimension the filters select (a unit outside the service: nothing).
    node: Any = ALL
    empty = False
    if f.unit_id is not None:
        empty = f.unit_id not in units or (f.service_id is not None and units[f.unit_id].service_id != f.service_id)
        node = f.unit_id
    elif f.service_id is not None:
        node = ("s", f.service_id)
        empty = f.service_id not in {u.service_id for u in units.values()}
    lvl: Any = ALL if f.level is None else f.level

    def cell(shown: suppression.Shown, *rest: Any, at: Any = None) -> Shown:
        return 0 if empty else shown((node if at is None else at, *rest))

    levels = {lv: _level_name(lv) for lv in range(4) if f.level is None or f.level == lv}
    unit_labels = {
        pk: u.name for pk, u in units.items() if (f.unit_id in (None, pk)) and (f.service_id in (None, u.service_id))
    }
    service_labels = {pk: name for pk, name in services.items() if f.service_id in (None, pk)}
    if f.unit_id is not None and f.unit_id in units:
        service_labels = {units[f.unit_id].service_id: services.get(units[f.unit_id].service_id, "")}
    open_by_level = [Row(name, cell(t.open, lv), {"id": lv}) for lv, name in levels.items()]
    if f.unit_id is not None:
        open_by_service = [Row(name, cell(t.open, lvl), {"id": pk}) for pk, name in service_labels.items()]
    else:
        open_by_service = [
            Row(name, 0 if empty else t.open((("s", pk), lvl)), {"id": pk}) for pk, name in service_labels.items()
        ]
    open_by_unit = [Row(name, 0 if empty else t.open((pk, lvl)), {"id": pk}) for pk, name in unit_labels.items()]

    new_per_month = [Row(m.strftime("%Y-%m"), cell(t.new, m), {"month": m}) for m in t.months]
    if empty:
        decisions: Shown = 0
        went_on_share = None
    else:
        decisions = t.decided.sum_if_all_visible((node, ALL, m) for m in t.months)
        went = t.decided.sum_if_all_visible((node, True, m) for m in t.months)
        stayed = t.decided.sum_if_all_visible((node, False, m) for m in t.months)
        went_on_share = (
            share_shown(went, decisions)
            if isinstance(decisions, int) and isinstance(went, int) and isinstance(stayed, int)
            else None
        )

    where_nl, params_nl = _where(scope, f, level_col=None)
    # Always asked (a fixed number of queries); shown only beside a shown count.
    median_decision = _rows(
        f"""SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY decided_on - opened_on)
            FROM oversikt_casefact WHERE {where_nl} AND decided_on BETWEEN %s AND %s""",  # noqa: S608  # nosec B608
        [*params_nl, f.start, f.end],
    )[0][0]

    flows = []
    for fr, to in t.pairs:
        if f.level is not None and fr != f.level:
            continue
        value = 0 if empty else t.flows.sum_if_all_visible((node, (fr, to), m) for m in t.months)
        flows.append(Row(f"{_level_name(fr)} → {_level_name(to)}", value, {"from": fr, "to": to}))
    where_lv, params_lv = _where(scope, f, level_col="from_level")
    level_rows = _rows(
        f"""SELECT from_level, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY days_on_level)
            FROM oversikt_levelfact WHERE {where_lv} AND "on" BETWEEN %s AND %s
            GROUP BY 1 ORDER BY 1""",  # noqa: S608  # nosec B608
        [*params_lv, f.start, f.end],
    )
    medians = [Row(_level_name(fr), _median_or_dash(n, m), {"level": fr}) for fr, n, m in level_rows]

    skipped = skipped_rules if skipped_rules is not None else []
    alarms = [
        Row(
            str(AlarmRule(k).label),
            (cell(t.alarms, k)) if k not in skipped else "–",
            {"rule": k, "available": k not in skipped},
        )
        for k in AlarmRule.values
    ]
    return Overview(
        open_by_level=open_by_level,
        open_by_service=open_by_service,
        open_by_unit=open_by_unit,
        open_total=cell(t.open, lvl),
        without_holder=cell(t.no_holder, lvl),
        handovers_pending=cell(t.pending, lvl),
        new_per_month=new_per_month,
        decisions=decisions,
        went_on_share=went_on_share,
        median_days_to_decision=median_shown(decisions if isinstance(decisions, int) else 0, median_decision),
        median_days_on_level=medians,
        flows=flows,
        alarms=alarms,
        skipped=skipped,
    )


def _median_or_dash(n: int, median: float | None) -> Shown:
    value = median_shown(n, median)
    return "–" if value is None else value  # type: ignore[return-value]


def _month_starts(start: date, end: date) -> list[date]:
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def overview_table(ov: Overview) -> list[tuple[str, str, Shown | float | None]]:
    """The same aggregates as (section, label, value) rows, for CSV, Excel and the API."""
    rows: list[tuple[str, str, Shown | float | None]] = []
    rows += [(_("Åpne saker per nivå"), r.label, r.value) for r in ov.open_by_level]
    rows += [(_("Åpne saker per tjeneste"), r.label, r.value) for r in ov.open_by_service]
    rows += [(_("Åpne saker per enhet"), r.label, r.value) for r in ov.open_by_unit]
    rows.append((_("Åpne saker"), _("I alt"), ov.open_total))
    rows.append((_("Åpne saker"), _("Uten aktiv stafettholder (nivå 1–3)"), ov.without_holder))
    rows.append((_("Åpne saker"), _("Overføring av stafettholder venter på svar"), ov.handovers_pending))
    rows += [(_("Nye undringer per måned"), r.label, r.value) for r in ov.new_per_month]
    rows.append((_("Beslutninger på nivå 0"), _("Antall beslutninger"), ov.decisions))
    rows.append((_("Beslutninger på nivå 0"), _("Andel videre til nivå 1–3 (prosent)"), ov.went_on_share))
    rows.append((_("Beslutninger på nivå 0"), _("Median dager til beslutning"), ov.median_days_to_decision))
    rows += [(_("Median dager på nivået"), r.label, r.value) for r in ov.median_days_on_level]
    rows += [(_("Overganger mellom nivåer"), r.label, r.value) for r in ov.flows]
    rows += [(_("Åpne oppfølgingsbrudd"), r.label, r.value) for r in ov.alarms]
    # When the numbers were computed: the exports and the API say it as the page does.
    when = timezone.localtime(ov.refreshed_at).isoformat(timespec="seconds") if ov.refreshed_at else None
    rows.append((_("Oppdatert"), _("Sist oppdatert"), when))
    return rows
