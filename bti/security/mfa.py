"""TOTP enrolment and verification (django-otp), recovery codes, and the QR code as an
inline SVG made on the server (no script, no style attribute)."""

from __future__ import annotations

import base64
import time
from typing import Any

import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bti.security import audit
from bti.security.models import SecurityEventKind

RECOVERY_CODES = 10


def confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp(user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled (made on first visit, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, label: str) -> SafeString:
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, border=4, title=label)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    # segno builds the SVG from our own otpauth URL; the only text, the label, is escaped.
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


def mark_verified(request: HttpRequest, device: Any) -> None:
    """The session has a verified second factor now (``device`` None for a passkey)."""
    if device is not None:
        otp_login(request, device)
    request.session["mfa_at"] = time.time()
    request.session["auth_at"] = time.time()


def verify_code(request: HttpRequest, code: str) -> bool:
    """Check a TOTP code (replays and throttling refused by django-otp) or a one-time
    recovery code. Logs success and failure."""
    user = request.user
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, _info = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            mark_verified(request, device)
            audit.record(SecurityEventKind.MFA_VERIFIED, request=request, detail={"device": "totp"})
            return True
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        allowed, _info = static.verify_is_allowed()
        if allowed and static.verify_token(code):
            mark_verified(request, static)
            audit.record(SecurityEventKind.MFA_VERIFIED, request=request, detail={"device": "recovery_code"})
            return True
    audit.record(SecurityEventKind.MFA_FAILED, request=request)
    return False


@transaction.atomic
def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; returns fresh recovery codes
    (shown once) or None if the code was wrong."""
    if not device.verify_token(code):
        audit.record(SecurityEventKind.MFA_FAILED, request=request, detail={"enrolment": True})
        return None
    user = request.user
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    mark_verified(request, device)
    audit.record(SecurityEventKind.MFA_ENROLLED, request=request, detail={"device": "totp"})
    return codes


def new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Gjenopprettingskoder", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes
