from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def admin(personas: dict[str, Any]) -> Client:
    """A client of its own, logged in as Eksempel kommune's administrator (Tone Lund);
    ``login`` logs other personas in on the default client."""
    client = Client()
    client.force_login(personas["kommuneadmin"], backend="bti.auth_backends.EmailBackend")
    return client
