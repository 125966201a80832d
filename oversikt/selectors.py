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
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import Count, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bti import replica
from bti.models import Service, Unit, User
from bti.policy import AggregateScope
from oversikt.models import Alarm, AlarmRule, CaseFact, Notification

SMALL = 5
SUPPRESSED = "<5"
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


def facts_version_key(kommune_id: int) -> str:
    return f"oversikt:versjon:{kommune_id}"


def overview(scope: AggregateScope, f: Filters, *, skipped_rules: list[str] | None = None) -> Overview:
    """The overview, from the cache while the summary rows are unchanged (``refresh_facts``
    bumps the kommune's version; entries also expire after five minutes)."""
    version = cache.get(facts_version_key(scope.kommune_id), 0)
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
        found = compute_overview(scope, f, skipped_rules=skipped_rules)
        cache.set(key, found, CACHE_SECONDS)
    return found  # type: ignore[no-any-return]


def default_filters() -> Filters:
    """The overview without filters: the last twelve months (as the filter form)."""
    from django.utils import timezone

    end = timezone.localdate()
    return Filters(start=end - timedelta(days=365), end=end)


def warm_overview(kommune_id: int, *, skipped_rules: list[str] | None = None) -> None:
    """Compute the unfiltered kommune overview into the cache right after a refresh, so
    the first leader to open it does not pay for the queries."""
    overview(AggregateScope(kommune_id, None), default_filters(), skipped_rules=skipped_rules)


def compute_overview(scope: AggregateScope, f: Filters, *, skipped_rules: list[str] | None = None) -> Overview:
    """The leader overview for ``scope`` with filters ``f``. The snapshot of open cases
    is «now»; new undringer, decisions, flows and time on levels fall in the period."""
    where, params = _where(scope, f, level_col="level")
    snapshot = _rows(
        f"""SELECT GROUPING(level), GROUPING(service_id), GROUPING(unit_id), level, service_id, unit_id,
                   count(*), count(*) FILTER (WHERE level >= 1 AND NOT has_active_holder),
                   count(*) FILTER (WHERE handover_pending)
            FROM oversikt_casefact WHERE {where} AND is_open
            GROUP BY GROUPING SETS ((level), (service_id), (unit_id), ())""",  # noqa: S608 (fixed conditions from _where; values are parameters)
        params,
    )
    by_level: dict[int, int] = {}
    by_service: dict[int, int] = {}
    by_unit: dict[int, int] = {}
    total = no_holder = pending = 0
    for gl, gs, gu, level, service_id, unit_id, n, nh, pend in snapshot:
        if not gl:
            by_level[level] = n
        elif not gs:
            by_service[service_id] = n
        elif not gu:
            by_unit[unit_id] = n
        else:
            total, no_holder, pending = n, nh, pend

    units = {u.pk: u for u in scope_units(scope)}
    services = {s.pk: s.name for s in scope_services(scope)}

    def breakdown(counts: dict[int, int], labels: dict[int, str]) -> list[Row]:
        keys = list(labels)
        values = shown_all([counts.get(k, 0) for k in keys])
        return [Row(labels[k], v, {"id": k}) for k, v in zip(keys, values, strict=True)]

    levels = {lv: _level_name(lv) for lv in range(4) if f.level is None or f.level == lv}
    unit_labels = {
        pk: u.name for pk, u in units.items() if (f.unit_id in (None, pk)) and (f.service_id in (None, u.service_id))
    }
    service_labels = {pk: name for pk, name in services.items() if f.service_id in (None, pk)}
    if f.unit_id is not None and f.unit_id in units:
        service_labels = {units[f.unit_id].service_id: services.get(units[f.unit_id].service_id, "")}

    where_nl, params_nl = _where(scope, f, level_col=None)
    months = _rows(
        f"""SELECT date_trunc('month', opened_on)::date, count(*) FROM oversikt_casefact
            WHERE {where_nl} AND opened_on BETWEEN %s AND %s GROUP BY 1 ORDER BY 1""",  # noqa: S608
        [*params_nl, f.start, f.end],
    )
    month_counts = dict(months)
    month_keys = _month_starts(f.start, f.end)
    month_values = shown_all([month_counts.get(m, 0) for m in month_keys])

    decided, went_on, median_decision = _rows(
        f"""SELECT count(*), count(*) FILTER (WHERE went_on),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY decided_on - opened_on)
            FROM oversikt_casefact WHERE {where_nl} AND decided_on BETWEEN %s AND %s""",  # noqa: S608
        [*params_nl, f.start, f.end],
    )[0]

    where_lv, params_lv = _where(scope, f, level_col="from_level")
    level_rows = _rows(
        f"""SELECT GROUPING(to_level), from_level, to_level, count(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY days_on_level)
            FROM oversikt_levelfact WHERE {where_lv} AND "on" BETWEEN %s AND %s
            GROUP BY GROUPING SETS ((from_level, to_level), (from_level)) ORDER BY 2, 3""",  # noqa: S608
        [*params_lv, f.start, f.end],
    )
    flow_pairs = [(fr, to, n) for g, fr, to, n, _m in level_rows if not g]
    flow_values = shown_all([n for _fr, _to, n in flow_pairs])
    flows = [
        Row(f"{_level_name(fr)} → {_level_name(to)}", v, {"from": fr, "to": to})
        for (fr, to, _n), v in zip(flow_pairs, flow_values, strict=True)
    ]
    medians = [Row(_level_name(fr), _median_or_dash(n, m), {"level": fr}) for g, fr, _to, n, m in level_rows if g]

    alarm_qs = Alarm.objects.filter(kommune_id=scope.kommune_id, resolved_at__isnull=True)
    if scope.unit_ids is not None:
        alarm_qs = alarm_qs.filter(unit_id__in=scope.unit_ids)
    if f.unit_id is not None:
        alarm_qs = alarm_qs.filter(unit_id=f.unit_id)
    if f.service_id is not None:
        alarm_qs = alarm_qs.filter(unit__service_id=f.service_id)
    alarm_counts = dict(alarm_qs.values_list("rule").annotate(n=Count("pk")).values_list("rule", "n"))
    skipped = skipped_rules if skipped_rules is not None else []
    alarm_keys = list(AlarmRule.values)
    alarm_values = shown_all([alarm_counts.get(k, 0) for k in alarm_keys])
    alarms = [
        Row(str(AlarmRule(k).label), v if k not in skipped else "–", {"rule": k, "available": k not in skipped})
        for k, v in zip(alarm_keys, alarm_values, strict=True)
    ]

    return Overview(
        open_by_level=breakdown(by_level, levels),
        open_by_service=breakdown(by_service, service_labels),
        open_by_unit=breakdown(by_unit, unit_labels),
        open_total=shown(total),
        without_holder=shown(no_holder),
        handovers_pending=shown(pending),
        new_per_month=[
            Row(m.strftime("%Y-%m"), v, {"month": m}) for m, v in zip(month_keys, month_values, strict=True)
        ],
        decisions=shown(decided),
        went_on_share=share_shown(went_on, decided),
        median_days_to_decision=median_shown(decided, median_decision),
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
    return rows
