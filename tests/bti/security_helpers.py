"""Helpers for tests of MFA: a non-demo staff user and TOTP codes."""

from __future__ import annotations

import time
from typing import Any

from django_otp.oath import TOTP

PASSWORD = "test-passord-123"


def real_user(personas: dict[str, Any], key: str = "barnehagelaerer") -> Any:
    """A persona that is not a demo user, so MFA applies even in demo mode."""
    user = personas[key]
    user.is_demo = False
    user.save(update_fields=["is_demo"])
    return user


def totp_code(device: Any, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(client: Any, user: Any) -> tuple[Any, list[str]]:
    """Log in with the password and enrol TOTP; returns (device, recovery codes)."""
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    client.get(reverse("mfa-enrol"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("mfa-enrol"), {"code": totp_code(device)})
    device.refresh_from_db()
    return device, list(response.context["codes"])
