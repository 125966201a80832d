"""OpenID Connect login (authorization code flow with PKCE, state and nonce), configured
per kommune in ``bti.OidcProvider``.

* Staff (Entra ID): the ``oid`` (or ``sub``) is linked to an EXISTING user of the
  provider's kommune, found the first time by e-mail. An unknown user is refused, never
  created. ``amr`` containing ``mfa`` counts as the second factor.
* Citizens (ID-porten): ``acr`` must equal the provider's ``required_acr``
  (``idporten-loa-high``). A citizen gets no user and no staff rights: only a marker in
  the session for the citizen pages.

Every refusal raises ``OidcError`` with a Norwegian message for the page and a reason
for the security log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from bti.env import env_str
from bti.identity import normalise_email
from bti.security.models import ExternalIdentity, OidcKind, OidcProvider

SESSION_KEY = "oidc_flow"
ALGORITHMS = ["RS256", "PS256", "ES256"]


class OidcError(Exception):
    def __init__(self, message: str, reason: str, status: int = 403) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason
        self.status = status


def _http() -> requests.Session:
    return requests.Session()


def discovery(provider: OidcProvider) -> dict[str, Any]:
    key = "oidc-discovery:" + hashlib.sha256(provider.issuer.encode()).hexdigest()
    config = cache.get(key)
    if config is None:
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = _http().get(url, timeout=settings.OIDC_HTTP_TIMEOUT_SECONDS)
            response.raise_for_status()
            config = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise OidcError(
                _("Innloggingstjenesten svarer ikke akkurat nå. Prøv igjen om litt."), f"discovery: {exc}", 503
            ) from exc
        cache.set(key, config, 3600)
    return dict(config)


def client_secret(provider: OidcProvider) -> str:
    return env_str(provider.client_secret_env) if provider.client_secret_env else ""


def redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("oidc-callback"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def authorization_url(request: HttpRequest, provider: OidcProvider, next_url: str = "") -> str:
    config = discovery(provider)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(48)
    request.session[SESSION_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "provider": provider.slug,
        "next": next_url,
        "started": time.time(),
    }
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri(request),
        "scope": provider.scopes,
        "state": state,
        "nonce": nonce,
        "code_challenge": _b64(hashlib.sha256(verifier.encode()).digest()),
        "code_challenge_method": "S256",
    }
    if provider.required_acr:
        params["acr_values"] = provider.required_acr
    return f"{config['authorization_endpoint']}?{urlencode(params)}"


def handle_callback(request: HttpRequest) -> tuple[OidcProvider, dict[str, Any], str]:
    """Validate the callback and the ID token; returns (provider, claims, next)."""
    flow = request.session.pop(SESSION_KEY, None)
    state = request.GET.get("state", "")
    if not flow or not state or not hmac.compare_digest(str(flow.get("state", "")), state):
        raise OidcError(
            _("Innloggingen kunne ikke fullføres fordi forespørselen ikke var gyldig. Start innloggingen på nytt."),
            "state mismatch",
            400,
        )
    if time.time() - float(flow.get("started", 0)) > 600:
        raise OidcError(_("Innloggingen tok for lang tid. Start på nytt."), "flow expired", 400)
    provider = OidcProvider.objects.filter(slug=flow["provider"], is_active=True).select_related("kommune").first()
    if provider is None:
        raise OidcError(_("Denne innloggingsmåten er ikke i bruk lenger."), "provider gone", 400)
    if request.GET.get("error"):
        raise OidcError(
            _("Innloggingen ble avbrutt hos innloggingstjenesten. Prøv igjen."), f"idp error {request.GET['error']}"
        )
    code = request.GET.get("code", "")
    if not code:
        raise OidcError(_("Innloggingen kunne ikke fullføres. Start på nytt."), "no code", 400)
    config = discovery(provider)
    try:
        response = _http().post(
            config["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri(request),
                "client_id": provider.client_id,
                "client_secret": client_secret(provider),
                "code_verifier": flow["verifier"],
            },
            timeout=settings.OIDC_HTTP_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        id_token = response.json()["id_token"]
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise OidcError(_("Innloggingen kunne ikke fullføres. Prøv igjen."), f"token endpoint: {exc}", 502) from exc
    claims = verify_id_token(provider, config, id_token, nonce=flow["nonce"])
    return provider, claims, str(flow.get("next") or "")


def verify_id_token(provider: OidcProvider, config: dict[str, Any], id_token: str, *, nonce: str) -> dict[str, Any]:
    refused = _("Innloggingen ble avvist fordi svaret fra innloggingstjenesten ikke kunne bekreftes. Prøv igjen.")
    try:
        signing_key = jwt.PyJWKClient(config["jwks_uri"], cache_keys=True, timeout=10).get_signing_key_from_jwt(
            id_token
        )
        claims: dict[str, Any] = jwt.decode(
            id_token,
            signing_key.key,
            algorithms=ALGORITHMS,
            audience=provider.client_id,
            issuer=provider.issuer,
            leeway=30,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise OidcError(_("Innloggingen var utløpt. Logg inn på nytt."), "expired token") from exc
    except jwt.InvalidAudienceError as exc:
        raise OidcError(refused, "wrong audience") from exc
    except jwt.InvalidIssuerError as exc:
        raise OidcError(refused, "wrong issuer") from exc
    except jwt.InvalidSignatureError as exc:
        raise OidcError(refused, "bad signature") from exc
    except (jwt.PyJWTError, KeyError) as exc:
        raise OidcError(refused, f"invalid token: {type(exc).__name__}") from exc
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise OidcError(refused, "nonce mismatch")
    if provider.required_acr and claims.get("acr") != provider.required_acr:
        raise OidcError(
            _(
                "Du logget inn med for lavt sikkerhetsnivå. Tjenesten krever sikkerhetsnivå høyt: "
                "logg inn på nytt med BankID, Buypass ID eller Commfides."
            ),
            f"acr {claims.get('acr')!r} below {provider.required_acr}",
        )
    return claims


def staff_user_for(provider: OidcProvider, claims: dict[str, Any]) -> Any:
    """The existing user the claims belong to, or OidcError. Never creates a user."""
    from bti.models import User

    unknown = _(
        "Du har ingen brukerkonto i BTI-samhandling for %(kommune)s. "
        "Be systemadministratoren i kommunen om å gi deg tilgang."
    ) % {"kommune": provider.kommune.name}
    if provider.kind != OidcKind.STAFF:
        raise OidcError(unknown, "not a staff provider")
    subject = str(claims.get("oid") or claims["sub"])
    link = ExternalIdentity.objects.filter(provider=provider, subject=subject).select_related("user").first()
    user: Any
    if link is not None:
        user = link.user
    else:
        email = normalise_email(str(claims.get("email") or claims.get("preferred_username") or claims.get("upn") or ""))
        user = User.objects.filter(email=email, kommune=provider.kommune).first() if email else None
        if user is None:
            raise OidcError(unknown, "unknown user")
        ExternalIdentity.objects.create(kommune=provider.kommune, provider=provider, subject=subject, user=user)
    from bti.auth_backends import EmailBackend

    if not EmailBackend().user_can_authenticate(user):
        raise OidcError(_("Kontoen er deaktivert. Kontakt systemadministrator i kommunen."), "inactive user")
    return user


def citizen_marker(provider: OidcProvider, claims: dict[str, Any]) -> dict[str, Any]:
    """What the session keeps about a citizen: a keyed hash of the person identifier, never
    the number itself."""
    pid = str(claims.get("pid") or claims["sub"])
    digest = hmac.new(settings.SECRET_KEY.encode(), f"citizen:{pid}".encode(), hashlib.sha256).hexdigest()
    return {"pid_index": digest, "provider": provider.slug, "acr": claims.get("acr"), "at": time.time()}


def mfa_from_claims(claims: dict[str, Any]) -> bool:
    amr = claims.get("amr") or []
    return isinstance(amr, list) and "mfa" in amr
