"""Helpers for the kommune administration tests: Nabo kommune's own administrator and
objects, and reading the security log."""

from __future__ import annotations

from typing import Any

from bti.models import Kommune, KommuneRole, KommuneRoleKind, Membership, Service, ServiceKind, Unit, User
from bti.security.models import SecurityEvent, SecurityEventKind

NABO_MARKER = "Nabomarkør"


def nabo(personas: dict[str, Any]) -> dict[str, Any]:
    """Nabo kommune with its own administrator, a service, a unit and a person whose
    names carry a marker that must never show up for Eksempel's administrator."""
    kommune = Kommune.objects.get(number="9902")
    admin, _ = User.objects.get_or_create(
        email="nils.nabo@nabo.kommune.no", defaults={"full_name": "Nils Nabo", "kommune": kommune, "is_demo": True}
    )
    KommuneRole.objects.get_or_create(kommune=kommune, user=admin, role=KommuneRoleKind.ADMINISTRATOR)
    service, _ = Service.objects.get_or_create(
        kommune=kommune, name=f"{NABO_MARKER} tjeneste", defaults={"kind": ServiceKind.PPT, "category": "hjelpe"}
    )
    unit, _ = Unit.objects.get_or_create(kommune=kommune, name=f"{NABO_MARKER} enhet", defaults={"service": service})
    person, _ = User.objects.get_or_create(
        email="nora.nabo@nabo.kommune.no",
        defaults={"full_name": f"Nora {NABO_MARKER}", "kommune": kommune, "is_demo": True},
    )
    membership, _ = Membership.objects.get_or_create(user=person, unit=unit, role="ansatt")
    role, _ = KommuneRole.objects.get_or_create(kommune=kommune, user=person, role=KommuneRoleKind.ANALYTIKER)
    return {
        "kommune": kommune,
        "admin": admin,
        "service": service,
        "unit": unit,
        "person": person,
        "membership": membership,
        "role": role,
    }


def admin_events(action: str | None = None) -> list[SecurityEvent]:
    qs = SecurityEvent.objects.filter(kind=SecurityEventKind.ADMIN_CHANGE).order_by("pk")
    if action:
        qs = qs.filter(detail__action=action)
    return list(qs)
