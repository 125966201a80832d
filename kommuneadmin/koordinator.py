"""The BTI-koordinator's view: how the BTI model works in the kommune, without any case
content (issue 16 item 3).

Everything here is about units, staff and counts. Counts of cases, handovers and
oppfølgingsbrudd go through the leader overview's own suppression
(``oversikt.selectors.shown_all`` and ``overview``): 1–4 is «<5», and one more cell is
hidden where a single hidden one could be worked out from the total. No list here names
a child, a case or an entry; staff names appear only in «without a login» (a question of
training and of accounts to deactivate, A-03), never next to a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from bti.models import KommuneRole, KommuneRoleKind, Membership, Unit, User
from bti.policy import CASE_ROLES, AggregateScope

LOGIN_MONTHS = (3, 6, 12)


def koordinator_kommune(user: Any) -> int | None:
    """The kommune the user is BTI-koordinator of, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.kommune_id is None:
        return None
    found = KommuneRole.objects.filter(
        user=user, kommune_id=user.kommune_id, role=KommuneRoleKind.BTI_KOORDINATOR
    ).exists()
    return user.kommune_id if found else None


@dataclass
class UnitGuide:
    unit: Unit
    guide: str  # "own", "default", "none"
    version: int | None
    published_at: Any
    handovers: Any = 0  # suppressed counts (``shown_all`` over every unit)
    alarms: Any = 0


@dataclass
class KoordinatorView:
    guides: list[UnitGuide]
    with_guide: int
    without_guide: int
    months: int
    inactive_staff: list[dict[str, Any]]
    by_level: list[Any]
    by_service: list[Any]
    open_total: Any


def unit_guides(kommune_id: int) -> list[UnitGuide]:
    """Each active unit and the handlingsveileder it follows: its service's own published
    version, the kommune default's, or none published."""
    from handlingsveileder.models import GuideVersion, VersionStatus

    published = {
        (v.guide.service_id): v
        for v in GuideVersion.objects.filter(kommune_id=kommune_id, status=VersionStatus.PUBLISHED).select_related(
            "guide"
        )
    }
    default = published.get(None)
    rows = []
    for unit in Unit.objects.filter(kommune_id=kommune_id, is_active=True).select_related("service").order_by("name"):
        own = published.get(unit.service_id)
        if own is not None:
            rows.append(UnitGuide(unit, "own", own.number, own.published_at))
        elif default is not None:
            rows.append(UnitGuide(unit, "default", default.number, default.published_at))
        else:
            rows.append(UnitGuide(unit, "none", None, None))
    return rows


def staff_without_login(kommune_id: int, months: int) -> list[dict[str, Any]]:
    """Active people with a current case role (ansatt, leder) who have not logged in for
    ``months`` months, or never: to follow up with training, or to deactivate (A-03)."""
    today = timezone.localdate()
    since = timezone.now() - timedelta(days=round(months * 30.44))
    current = Membership.objects.filter(kommune_id=kommune_id, role__in=CASE_ROLES, valid_from__lte=today).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    people = (
        User.objects.filter(kommune_id=kommune_id, is_active=True, is_staff=False, pk__in=current.values("user_id"))
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=since))
        .order_by("full_name", "pk")
    )
    units: dict[int, list[str]] = {}
    for user_id, name in current.filter(user__in=people).values_list("user_id", "unit__name").order_by("unit__name"):
        units.setdefault(user_id, []).append(name)
    return [{"user": u, "units": units.get(u.pk, []), "last_login": u.last_login} for u in people]


def _per_unit(rows: list[UnitGuide], counts: dict[int, int]) -> list[Any]:
    """One suppressed count per unit, over every active unit of the kommune."""
    from oversikt.selectors import shown_all

    return shown_all([counts.get(row.unit.pk, 0) for row in rows])


def koordinator_view(kommune_id: int, *, months: int = 6) -> KoordinatorView:
    from oversikt import selectors as overview
    from oversikt.models import Alarm, CaseFact

    guides = unit_guides(kommune_id)
    handovers = dict(
        CaseFact.objects.filter(kommune_id=kommune_id, is_open=True, handover_pending=True)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    alarms = dict(
        Alarm.objects.filter(kommune_id=kommune_id, resolved_at__isnull=True)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    summary = overview.overview(AggregateScope(kommune_id, None), overview.default_filters())
    for row, handover, alarm in zip(guides, _per_unit(guides, handovers), _per_unit(guides, alarms), strict=True):
        row.handovers, row.alarms = handover, alarm
    return KoordinatorView(
        guides=guides,
        with_guide=sum(1 for g in guides if g.guide != "none"),
        without_guide=sum(1 for g in guides if g.guide == "none"),
        months=months,
        inactive_staff=staff_without_login(kommune_id, months),
        by_level=summary.open_by_level,
        by_service=summary.open_by_service,
        open_total=summary.open_total,
    )
