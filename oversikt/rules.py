"""The oppfølgingsbrudd rules: reads that turn the state of a kommune's cases into
findings. Each finding has a key that names it, so the detection service can raise it
exactly once however often it runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from bti.models import Membership
from bti.policy import CASE_ROLES
from cases.models import Case, CaseStatus
from oversikt import sources
from oversikt.models import AlarmRule, FollowUpSettings
from stafettlogg.models import HandoverStatus, Stafettholder

# A consent is renewed with the family: 30 days gives time to meet them (issue 17 item 4).
CONSENT_WARNING_DAYS = 30


@dataclass(frozen=True)
class Finding:
    rule: str
    case_id: int
    unit_id: int
    key: str
    # Who is told first: the stafettholder (or on nivå 0 the person who registered the
    # undring). None when nobody can act on it, then the unit leader is told at once.
    first_recipient_id: int | None
    level: int = 0


@dataclass(frozen=True)
class Limits:
    inactivity_days: int
    handover_days: int
    leader_grace_days: int


DEFAULT_LIMITS = Limits(inactivity_days=30, handover_days=7, leader_grace_days=3)


def limits_for(kommune_id: int) -> dict[int, Limits]:
    """The kommune's limits per level (0–3), defaults where it set none."""
    limits = dict.fromkeys(range(4), DEFAULT_LIMITS)
    for row in FollowUpSettings.objects.filter(kommune_id=kommune_id):
        limits[row.level] = Limits(row.inactivity_days, row.handover_days, row.leader_grace_days)
    return limits


def _open_cases(kommune_id: int):
    active = Stafettholder.objects.filter(case_id=OuterRef("pk"), status=HandoverStatus.ACTIVE)
    return Case.objects.filter(kommune_id=kommune_id, status=CaseStatus.OPEN).annotate(
        holder_id=Subquery(active.values("user_id")[:1])
    )


def _first(row: dict[str, object]) -> int | None:
    holder = row.get("holder_id")
    return int(holder) if holder is not None else int(row["created_by_id"])  # type: ignore[call-overload]


def decision_overdue(kommune_id: int, now: datetime) -> list[Finding]:
    today = timezone.localdate(now)
    rows = (
        _open_cases(kommune_id)
        .filter(level=0, decision_deadline__lt=today)
        .values("pk", "owner_unit_id", "created_by_id", "holder_id", "decision_deadline")
    )
    return [
        Finding(
            AlarmRule.DECISION_OVERDUE,
            r["pk"],
            r["owner_unit_id"],
            f"{AlarmRule.DECISION_OVERDUE}:{r['pk']}:{r['decision_deadline']}",
            _first(r),
        )
        for r in rows
    ]


def inactive(kommune_id: int, now: datetime, limits: dict[int, Limits]) -> list[Finding]:
    condition = Q()
    for level, limit in limits.items():
        condition |= Q(level=level, last_activity_at__lt=now - timedelta(days=limit.inactivity_days))
    rows = (
        _open_cases(kommune_id)
        .filter(condition)
        .values("pk", "owner_unit_id", "created_by_id", "holder_id", "last_activity_at", "level")
    )
    return [
        Finding(
            AlarmRule.INACTIVE,
            r["pk"],
            r["owner_unit_id"],
            f"{AlarmRule.INACTIVE}:{r['pk']}:{r['last_activity_at'].isoformat()}",
            _first(r),
            r["level"],
        )
        for r in rows
    ]


def holder_gone(kommune_id: int, now: datetime) -> list[Finding]:
    """Nivå ≥ 1 cases whose active stafettholder is deactivated or has left the unit."""
    today = timezone.localdate(now)
    still_there = Membership.objects.filter(
        user_id=OuterRef("user_id"), unit_id=OuterRef("unit_id"), role__in=CASE_ROLES, valid_from__lte=today
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    rows = (
        Stafettholder.objects.filter(
            kommune_id=kommune_id, status=HandoverStatus.ACTIVE, case__status=CaseStatus.OPEN, case__level__gte=1
        )
        .filter(Q(user__is_active=False) | ~Exists(still_there))
        .values("pk", "case_id", "case__owner_unit_id", "case__level")
    )
    return [
        Finding(
            AlarmRule.HOLDER_GONE,
            r["case_id"],
            r["case__owner_unit_id"],
            f"{AlarmRule.HOLDER_GONE}:{r['case_id']}:{r['pk']}",
            None,
            r["case__level"],
        )
        for r in rows
    ]


def handover_waiting(kommune_id: int, now: datetime, limits: dict[int, Limits]) -> list[Finding]:
    condition = Q()
    for level, limit in limits.items():
        condition |= Q(case__level=level, proposed_at__lt=now - timedelta(days=limit.handover_days))
    active = Stafettholder.objects.filter(case_id=OuterRef("case_id"), status=HandoverStatus.ACTIVE)
    rows = (
        Stafettholder.objects.filter(kommune_id=kommune_id, status=HandoverStatus.PROPOSED, case__status="open")
        .filter(condition)
        .annotate(holder_id=Subquery(active.values("user_id")[:1]))
        .values("pk", "case_id", "case__owner_unit_id", "holder_id", "proposed_by_id", "case__level")
    )
    return [
        Finding(
            AlarmRule.HANDOVER_WAITING,
            r["case_id"],
            r["case__owner_unit_id"],
            f"{AlarmRule.HANDOVER_WAITING}:{r['pk']}",
            r["holder_id"] or r["proposed_by_id"],
            r["case__level"],
        )
        for r in rows
    ]


def _case_units(kommune_id: int, case_ids: set[int]) -> dict[int, tuple[int, int | None]]:
    rows = _open_cases(kommune_id).filter(pk__in=case_ids).values("pk", "owner_unit_id", "holder_id")
    return {r["pk"]: (r["owner_unit_id"], r["holder_id"]) for r in rows}


def evaluation_overdue(kommune_id: int, now: datetime) -> list[Finding] | None:
    rows = sources.measures_evaluation_overdue(kommune_id=kommune_id, today=timezone.localdate(now))
    if rows is None:
        return None
    cases = _case_units(kommune_id, {int(r["case_id"]) for r in rows})
    return [
        Finding(
            AlarmRule.EVALUATION_OVERDUE,
            int(r["case_id"]),
            cases[int(r["case_id"])][0],
            f"{AlarmRule.EVALUATION_OVERDUE}:{r['measure_id']}:{r['evaluation_date']}",
            r.get("responsible_id") or cases[int(r["case_id"])][1],
        )
        for r in rows
        if int(r["case_id"]) in cases
    ]


def consent_expiring(kommune_id: int, now: datetime) -> list[Finding] | None:
    until = timezone.localdate(now) + timedelta(days=CONSENT_WARNING_DAYS)
    rows = sources.consents_expiring(kommune_id=kommune_id, until=until)
    if rows is None:
        return None
    cases = _case_units(kommune_id, {int(r["case_id"]) for r in rows})
    return [
        Finding(
            AlarmRule.CONSENT_EXPIRING,
            int(r["case_id"]),
            cases[int(r["case_id"])][0],
            f"{AlarmRule.CONSENT_EXPIRING}:{r['consent_id']}:{r['valid_until']}",
            cases[int(r["case_id"])][1],
        )
        for r in rows
        if int(r["case_id"]) in cases
    ]


def all_findings(kommune_id: int, now: datetime) -> tuple[list[Finding], list[str]]:
    """Every current finding of the kommune, and the rules skipped (their app is missing)."""
    limits = limits_for(kommune_id)
    found = [
        *decision_overdue(kommune_id, now),
        *inactive(kommune_id, now, limits),
        *holder_gone(kommune_id, now),
        *handover_waiting(kommune_id, now, limits),
    ]
    skipped: list[str] = []
    for rule, optional in (
        (AlarmRule.EVALUATION_OVERDUE, evaluation_overdue(kommune_id, now)),
        (AlarmRule.CONSENT_EXPIRING, consent_expiring(kommune_id, now)),
    ):
        if optional is None:
            skipped.append(rule)
        else:
            found += optional
    return found, skipped
