"""Reads of the kommune's administration. Every query is scoped by the kommune the
caller administers (``kommune_id`` from ``bti.policy.administered_kommune_id``): another
kommune's rows are never listed, and their ids are 404 (``services.common.scoped``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bti.models import KommuneRole, KommuneRoleKind, Membership, Service, Unit, User
from bti.security.models import OidcProvider, SecurityEvent, SecurityEventKind
from kommuneadmin.models import GroupMapping, StaffImport
from kommuneadmin.services.common import scoped, scoped_user, staff_queryset


def services_with_units(kommune_id: int) -> list[Service]:
    units = Unit.objects.order_by("-is_active", "name").annotate(
        people=Count(
            "memberships",
            filter=Q(memberships__valid_until__isnull=True) | Q(memberships__valid_until__gte=timezone.localdate()),
        )
    )
    return list(
        Service.objects.filter(kommune_id=kommune_id)
        .prefetch_related(Prefetch("units", queryset=units))
        .order_by("name")
    )


def service(kommune_id: int, service_id: Any) -> Service:
    return scoped(Service.objects.all(), kommune_id, service_id)


def unit(kommune_id: int, unit_id: Any) -> Unit:
    return scoped(Unit.objects.select_related("service"), kommune_id, unit_id)


def active_units(kommune_id: int) -> QuerySet[Unit]:
    return Unit.objects.filter(kommune_id=kommune_id, is_active=True).select_related("service").order_by("name")


def unit_people(unit: Unit) -> list[Membership]:
    today = timezone.localdate()
    return list(
        Membership.objects.filter(unit=unit, user__is_staff=False)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("user")
        .order_by("user__full_name", "role")
    )


STAFF_PAGE = 50


def staff(kommune_id: int, *, q: str = "", status: str = "") -> QuerySet[User]:
    """The kommune's people (never the system operators), searchable by name, e-mail and
    unit; ``status`` «aktive» or «deaktiverte»."""
    qs = staff_queryset(kommune_id)
    term = q.strip()
    if term:
        qs = qs.filter(
            Q(full_name__icontains=term)
            | Q(email__icontains=term)
            | Q(title__icontains=term)
            | Q(memberships__unit__name__icontains=term)
        ).distinct()
    if status == "aktive":
        qs = qs.filter(is_active=True)
    elif status == "deaktiverte":
        qs = qs.filter(is_active=False)
    today = timezone.localdate()
    current = Membership.objects.filter(valid_from__lte=today).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    return qs.prefetch_related(
        Prefetch("memberships", queryset=current.select_related("unit").order_by("unit__name"), to_attr="current"),
        Prefetch("kommune_roles", queryset=KommuneRole.objects.order_by("role"), to_attr="roles"),
    ).order_by("full_name", "pk")


@dataclass
class Person:
    user: User
    memberships: list[Membership]
    kommune_roles: list[KommuneRole]
    invited: bool  # still waits for the invitation (no password, never logged in)


def person(kommune_id: int, user_id: Any) -> Person:
    user = scoped_user(kommune_id, user_id)
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("unit", "unit__service")
        .order_by("-valid_from", "unit__name")
    )
    roles = list(KommuneRole.objects.filter(user=user, kommune_id=kommune_id).order_by("role"))
    return Person(user, memberships, roles, not user.has_usable_password() and user.last_login is None)


def membership(kommune_id: int, membership_id: Any) -> Membership:
    found = scoped(Membership.objects.select_related("unit", "user"), kommune_id, membership_id)
    if found.user.is_staff or found.user.is_superuser:
        raise Http404
    return found


def kommune_role(kommune_id: int, role_id: Any) -> KommuneRole:
    found = scoped(KommuneRole.objects.select_related("user"), kommune_id, role_id)
    if found.user.is_staff or found.user.is_superuser:
        raise Http404
    return found


def group_mapping(kommune_id: int, mapping_id: Any) -> GroupMapping:
    return scoped(GroupMapping.objects.all(), kommune_id, mapping_id)


def admin_count(kommune_id: int) -> int:
    return KommuneRole.objects.filter(
        kommune_id=kommune_id, role=KommuneRoleKind.ADMINISTRATOR, user__is_active=True
    ).count()


def overview_counts(kommune_id: int) -> dict[str, int]:
    people = staff_queryset(kommune_id)
    return {
        "services": Service.objects.filter(kommune_id=kommune_id).count(),
        "units": Unit.objects.filter(kommune_id=kommune_id, is_active=True).count(),
        "people": people.filter(is_active=True).count(),
        "invited": people.filter(is_active=True, last_login__isnull=True).count(),
        "admins": admin_count(kommune_id),
    }


def imports(kommune_id: int) -> QuerySet[StaffImport]:
    return StaffImport.objects.filter(kommune_id=kommune_id).select_related("uploaded_by").order_by("-uploaded_at")[:20]


def providers(kommune_id: int) -> QuerySet[OidcProvider]:
    return OidcProvider.objects.filter(kommune_id=kommune_id).order_by("name")


def provider(kommune_id: int, provider_id: Any) -> OidcProvider:
    return scoped(OidcProvider.objects.all(), kommune_id, provider_id)


def group_mappings(provider: OidcProvider) -> list[GroupMapping]:
    return list(
        GroupMapping.objects.filter(provider=provider)
        .select_related("unit")
        .annotate(synced_count=Count("synced"))
        .order_by("label", "group_id", "pk")
    )


LOG_KINDS = [
    SecurityEventKind.ADMIN_CHANGE,
    SecurityEventKind.ACCESS_GRANT,
    SecurityEventKind.LOGIN,
    SecurityEventKind.LOGIN_FAILED,
    SecurityEventKind.LOCKED_OUT,
    SecurityEventKind.OIDC_REFUSED,
    SecurityEventKind.ACCESS_DENIED,
    SecurityEventKind.SESSIONS_ENDED,
]


def security_log(kommune_id: int, *, kind: str = "", q: str = "") -> QuerySet[SecurityEvent]:
    """The kommune's security events, newest first (the table is append-only)."""
    qs = SecurityEvent.objects.filter(kommune_id=kommune_id)
    if kind in SecurityEventKind.values:
        qs = qs.filter(kind=kind)
    if q.strip():
        qs = qs.filter(Q(email__icontains=q.strip()) | Q(detail__action=q.strip()))
    return qs.order_by("-at", "-pk")


def names_of(kommune_id: int, user_ids: set[int]) -> dict[int, str]:
    """Display names for the ids in a page of security events (of this kommune only)."""
    return dict(User.objects.filter(kommune_id=kommune_id, pk__in=user_ids).values_list("pk", "full_name"))
