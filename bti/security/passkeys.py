"""WebAuthn passkeys and security keys as a second factor (py_webauthn), added from the
security page after TOTP enrolment and usable wherever a code is asked for.

The relying party is this site: ``WEBAUTHN_RP_ID`` / ``WEBAUTHN_ORIGIN`` when set
(production), else the request's host (ALLOWED_HOSTS has vetted it). A response for
another origin or RP ID, a replayed challenge or a lower sign count is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidJSONStructure,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from bti.security import audit
from bti.security.models import SecurityEventKind, WebAuthnCredential

REG_KEY = "webauthn_registration_challenge"
AUTH_KEY = "webauthn_authentication_challenge"


class PasskeyError(Exception):
    def __init__(self, message: str, reason: str) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason


def relying_party(request: HttpRequest) -> tuple[str, str]:
    rp_id = settings.WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0]
    origin = settings.WEBAUTHN_ORIGIN or f"{request.scheme}://{request.get_host()}"
    return rp_id, origin


def user_handle(user: Any) -> bytes:
    """A stable, opaque user handle (no e-mail or id in the authenticator)."""
    return hmac.new(settings.SECRET_KEY.encode(), f"webauthn:{user.pk}".encode(), hashlib.sha256).digest()[:32]


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def has_passkey(user: Any) -> bool:
    return WebAuthnCredential.objects.filter(user=user).exists()


def registration_options(request: HttpRequest) -> str:
    user: Any = request.user
    rp_id, _origin = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name="BTI-samhandling",
        user_name=user.email,
        user_display_name=user.full_name or user.email,
        user_id=user_handle(user),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(c))
            for c in WebAuthnCredential.objects.filter(user=user).values_list("credential_id", flat=True)
        ],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[REG_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def register(request: HttpRequest, body: str, name: str = "") -> WebAuthnCredential:
    challenge = request.session.pop(REG_KEY, None)
    if not challenge:
        raise PasskeyError(_("Registreringen er utløpt. Prøv igjen."), "no challenge")
    rp_id, origin = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=json.loads(body),
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (InvalidRegistrationResponse, InvalidJSONStructure, ValueError, KeyError, TypeError) as exc:
        audit.record(SecurityEventKind.MFA_FAILED, request=request, detail={"passkey": "registration"})
        raise PasskeyError(_("Passnøkkelen kunne ikke registreres. Prøv igjen."), str(exc)[:200]) from exc
    user: Any = request.user
    credential = WebAuthnCredential.objects.create(
        kommune_id=user.kommune_id,
        user=user,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=(name or _("Passnøkkel"))[:100],
    )
    audit.record(SecurityEventKind.MFA_ENROLLED, request=request, detail={"device": "passkey"})
    return credential


def authentication_options(request: HttpRequest) -> str:
    rp_id, _origin = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(c))
            for c in WebAuthnCredential.objects.filter(user_id=_user_id(request)).values_list(
                "credential_id", flat=True
            )
        ],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[AUTH_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def authenticate(request: HttpRequest, body: str) -> WebAuthnCredential:
    """Verify an assertion for the logged-in user; on success the session counts as
    MFA-verified (like a TOTP code)."""
    from bti.security.mfa import mark_verified

    refused = _("Passnøkkelen ble ikke godtatt. Prøv igjen, eller bruk en engangskode.")
    challenge = request.session.pop(AUTH_KEY, None)
    try:
        data = json.loads(body)
        credential = WebAuthnCredential.objects.get(user_id=_user_id(request), credential_id=str(data["id"]))
    except (ValueError, KeyError, TypeError, WebAuthnCredential.DoesNotExist) as exc:
        audit.record(SecurityEventKind.MFA_FAILED, request=request, detail={"passkey": "unknown credential"})
        raise PasskeyError(refused, "unknown credential") from exc
    if not challenge:
        raise PasskeyError(refused, "no challenge")
    rp_id, origin = relying_party(request)
    try:
        verified = verify_authentication_response(
            credential=data,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(credential.public_key),
            credential_current_sign_count=credential.sign_count,
        )
    except (InvalidAuthenticationResponse, InvalidJSONStructure, ValueError, KeyError, TypeError) as exc:
        audit.record(SecurityEventKind.MFA_FAILED, request=request, detail={"passkey": str(exc)[:200]})
        raise PasskeyError(refused, str(exc)[:200]) from exc
    WebAuthnCredential.objects.filter(pk=credential.pk).update(
        sign_count=verified.new_sign_count, last_used_at=timezone.now()
    )
    mark_verified(request, None)
    audit.record(SecurityEventKind.MFA_VERIFIED, request=request, detail={"device": "passkey"})
    return credential
