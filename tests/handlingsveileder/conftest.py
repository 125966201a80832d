"""Fixtures for handlingsveileder tests: the barnehage guide, a skole fagadministrator, uploads in a temp dir."""

from __future__ import annotations

from typing import Any

import pytest

from bti.models import Membership, MembershipRole, Unit, User
from handlingsveileder import services
from handlingsveileder.models import Handlingsveileder


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def barnehage_guide(personas: dict[str, User]) -> Handlingsveileder:
    return Handlingsveileder.objects.get(kommune=personas["fagadmin"].kommune, service__name="Barnehage")


@pytest.fixture
def skole_guide(personas: dict[str, User]) -> Handlingsveileder:
    return Handlingsveileder.objects.get(kommune=personas["fagadmin"].kommune, service__name="Skole")


@pytest.fixture
def skole_fagadmin(personas: dict[str, User], skole_guide: Handlingsveileder) -> User:
    user = User.objects.create_user(
        "skole.fag@eksempel.kommune.no",
        "x",
        full_name="Sara Skolefag",
        kommune=personas["fagadmin"].kommune,
        is_demo=True,
    )
    Membership.objects.create(user=user, unit=Unit.objects.get(name="Nordby skole"), role=MembershipRole.FAGADMIN)
    services.grant_editors(skole_guide)
    return user
