"""The demo kommune and its people: one named user per persona of STYLE.md §5.

Used by ``manage.py seed_demo`` and by the test suite's persona fixtures, so the people
a newcomer logs in as are the same people the tests reason about.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from bti.models import (
    DEFAULT_CATEGORY,
    Kommune,
    KommuneRole,
    Korus,
    KorusKommune,
    KorusMember,
    Membership,
    Service,
    ServiceKind,
    Unit,
    User,
)
from bti.personas import PERSONAS

KOMMUNE = ("Eksempel kommune", "9901")
OTHER_KOMMUNE = ("Nabo kommune", "9902")

# (service kind, service name, [unit names])
SERVICES: list[tuple[str, str, list[str]]] = [
    (ServiceKind.BARNEHAGE, "Barnehage", ["Lia barnehage", "Solsikken barnehage", "Bakketoppen barnehage"]),
    (ServiceKind.SKOLE, "Skole", ["Solberg skole", "Nordby skole", "Eksempel ungdomsskole"]),
    (ServiceKind.HELSESTASJON, "Helsestasjon og skolehelsetjeneste", ["Helsestasjonen"]),
    (ServiceKind.PPT, "PPT", ["PPT Eksempel"]),
    (ServiceKind.BARNEVERN, "Barnevern", ["Barneverntjenesten"]),
    (ServiceKind.NAV, "NAV", ["NAV Eksempel"]),
]


def _kommune(name: str, number: str) -> Kommune:
    kommune, _ = Kommune.objects.get_or_create(number=number, defaults={"name": name})
    return kommune


def _units(kommune: Kommune, services: list[tuple[str, str, list[str]]]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for kind, service_name, unit_names in services:
        service, _ = Service.objects.get_or_create(
            kommune=kommune, name=service_name, defaults={"kind": kind, "category": DEFAULT_CATEGORY[kind]}
        )
        for unit_name in unit_names:
            unit, _ = Unit.objects.get_or_create(kommune=kommune, name=unit_name, defaults={"service": service})
            units[unit_name] = unit
    return units


@transaction.atomic
def seed_demo(password: str | None = None) -> dict[str, User]:
    """Create (or bring up to date) the demo kommune and its personas. Idempotent."""
    password = password or settings.DEMO_PASSWORD
    kommune = _kommune(*KOMMUNE)
    other = _kommune(*OTHER_KOMMUNE)
    units = _units(kommune, SERVICES)
    units |= _units(other, [(ServiceKind.SKOLE, "Skole", ["Fjell skole"])])

    # The regional KoRus follows Eksempel kommune, not Nabo kommune.
    korus, _created = Korus.objects.get_or_create(name="KoRus Eksempelregionen")
    KorusKommune.objects.get_or_create(korus=korus, kommune=kommune)

    users: dict[str, User] = {}
    for persona in PERSONAS:
        user_kommune: Kommune | None = other if persona.other_kommune else kommune
        if persona.korus:
            user_kommune = None
        user, created = User.objects.get_or_create(
            email=persona.email,
            defaults={"full_name": persona.full_name, "title": persona.title, "kommune": user_kommune, "is_demo": True},
        )
        if created:
            user.set_password(password)
        user.is_staff = user.is_superuser = persona.system_admin
        user.save()
        if persona.unit and persona.role:
            Membership.objects.get_or_create(user=user, unit=units[persona.unit], role=persona.role)
        if persona.kommune_role and user_kommune is not None:
            KommuneRole.objects.get_or_create(user=user, kommune=user_kommune, role=persona.kommune_role)
        if persona.korus:
            KorusMember.objects.get_or_create(korus=korus, user=user)
        users[persona.key] = user
    from handlingsveileder.demo import seed_guides

    seed_guides([kommune, other], password)
    return users


def seed_demo_workload(users: dict[str, User]) -> int:
    """The demo kommune's cases (about twenty, every level and state), written by the apps
    that registered a demo seeder (``bti.registries``), through their services. Not part of
    the test suite's personas: tests build the cases they reason about themselves."""
    from bti.registries import demo_seeders

    return sum(seeder(users) for seeder in demo_seeders())
