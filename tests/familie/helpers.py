"""Families for the portal tests: the demo families (familie.demo), logged in through the
test ID-porten as a browser would."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from familie.demo import Families, build_families

HELD = "Holdtmarkør-C18: mistanke om vold drøftet med barnevernet"


def families(personas: dict[str, Any]) -> Families:
    return build_families(personas, held_text=HELD)


def family_client(fam: Families, key: str) -> Client:
    client = Client()
    response = client.post(reverse("familie-demo-login"), {"member": fam.members[key].pk})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def staff_client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    return client
