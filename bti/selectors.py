"""Read queries of the shared core, always about the asking user."""

from __future__ import annotations

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


def kommune_roles(user: User) -> QuerySet[KommuneRole]:
    return KommuneRole.objects.filter(user=user).select_related("kommune")
