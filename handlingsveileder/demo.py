"""Demo data for handlingsveiledere: the BTI default for each demo kommune, one guide per
service with its fagadministratorer as editors, and a skole fagadministrator so the demo
shows that one service cannot edit another's guide. Called from ``demo.seed.seed_demo``."""

from __future__ import annotations

from django.conf import settings

from bti.models import Kommune, Membership, MembershipRole, Unit, User
from handlingsveileder import services

SKOLE_FAGADMIN = ("siv.skog@eksempel.kommune.no", "Siv Skog", "Fagadministrator skole", "Solberg skole")


def seed_guides(kommuner: list[Kommune], password: str | None = None) -> None:
    email, name, title, unit_name = SKOLE_FAGADMIN
    unit = Unit.objects.filter(name=unit_name, kommune=kommuner[0]).first()
    if unit is not None:
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": name, "title": title, "kommune": kommuner[0], "is_demo": True}
        )
        if created:
            user.set_password(password or settings.DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, unit=unit, role=MembershipRole.FAGADMIN)
    for kommune in kommuner:
        services.kommune_setup(kommune)
