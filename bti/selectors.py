"""Read queries of the shared core, always about the asking user."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from bti.models import KommuneRole, Membership, User


def active_memberships(user: User) -> QuerySet[Membership]:
    today = timezone.localdate()
    return (
        Membership.objects.filter(user=user, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("unit", "unit__service", "unit__kommune")
        .order_by("unit__name", "role")
    )


def unit_people(
    unit_id: int, roles: Iterable[str], *, exclude_user_id: int | None = None, day: date | None = None
) -> list[User]:
    """The active people with one of ``roles`` in the unit on ``day`` (today): leaders to
    tell, case workers to notify."""
    today = day or timezone.localdate()
    ids = (
        Membership.objects.filter(unit_id=unit_id, role__in=list(roles), valid_from__lte=today)
        .exclude(valid_until__lt=today)
        .values("user_id")
    )
    people = User.objects.filter(pk__in=ids, is_active=True)
    if exclude_user_id is not None:
        people = people.exclude(pk=exclude_user_id)
    return list(people)


def kommune_roles(user: User) -> QuerySet[KommuneRole]:
    return KommuneRole.objects.filter(user=user).select_related("kommune")
