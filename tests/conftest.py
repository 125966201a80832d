"""Shared fixtures: the demo kommune's personas (STYLE.md §5) and fast test settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bti.demo import seed_demo
from bti.models import User


@pytest.fixture(autouse=True)
def _fast_settings(settings: Any) -> None:
    # Only what tests must change: a fast hasher. Celery is eager in settings when TESTING.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEMO_MODE = True


@pytest.fixture
def personas(db: None) -> dict[str, User]:
    """One named user per persona, in «Eksempel kommune» (and one in «Nabo kommune»)."""
    return seed_demo(password="test-passord-123")


@pytest.fixture
def login(client: Client) -> Any:
    def _login(user: User) -> Client:
        client.force_login(user, backend="bti.auth_backends.EmailBackend")
        return client

    return _login
