"""OpenID Connect login (authorization code flow with PKCE, state and nonce), configured
per kommune in ``bti.OidcProvider``, on Authlib (docs/adr/0017).

Authlib does the protocol: the authorization URL with ``state``, ``nonce`` and an S256
``code_challenge`` (kept in the session), the code exchange with the ``code_verifier``,
and the ID token: signature against the provider's JWKS (fetched again when a new ``kid``
appears, so key rotation needs nothing from us), ``iss``, ``aud``, ``exp``, ``iat`` with
clock skew, ``nonce``. What stays ours is policy:

* which algorithms we accept (RS256, PS256, ES256: never ``none`` or a shared secret);
* ID-porten: ``acr`` must equal the provider's ``required_acr`` (``idporten-loa-high``);
* staff (Entra ID): ``staff_user_for`` is the one place verified claims become a user: the
  ``oid`` (or ``sub``) is linked to a user of the provider's kommune, found the first time
  by e-mail; the apps' staff login resolvers (``bti.registries``) may then create the user
  or align memberships with the group claims; without one that does, an unknown user is
  refused. ``amr`` containing ``mfa`` counts as the second factor;
* citizens (ID-porten): no user and no staff rights, only ``citizen_marker`` in the session.

Every refusal raises ``OidcError`` with a Norwegian message for the page and a reason
for the security log.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from bti import registries
from bti.env import env_str
from bti.identity import normalise_email
from bti.security.models import ExternalIdentity, OidcKind, OidcProvider

SESSION_KEY = "oidc_flow"
ALGORITHMS = ["RS256", "PS256", "ES256"]
LEEWAY_SECONDS = 30
FLOW_SECONDS = 600


class OidcError(Exception):
    def __init__(self, message: str, reason: str, status: int = 403) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason
        self.status = status


def _cache_key(kind: str, provider: OidcProvider) -> str:
    return f"oidc-{kind}:" + hashlib.sha256(provider.issuer.encode()).hexdigest()


def discovery(provider: OidcProvider) -> dict[str, Any]:
    """The provider's metadata, cached for an hour (one fetch per issuer and hour)."""
    key = _cache_key("discovery", provider)
    config = cache.get(key)
    if config is None:
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.OIDC_HTTP_TIMEOUT_SECONDS)
            response.raise_for_status()
            config = response.json()
            if not isinstance(config, dict) or "authorization_endpoint" not in config:
                raise ValueError("not an OpenID configuration")
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


def client_for(provider: OidcProvider) -> DjangoOAuth2App:
    """An Authlib client for one provider, built per request from the admin's settings
    (a changed issuer or client id counts at once) and the cached metadata and keys."""
    metadata = discovery(provider)
    offered = metadata.get("id_token_signing_alg_values_supported") or ALGORITHMS
    metadata["id_token_signing_alg_values_supported"] = [a for a in ALGORITHMS if a in offered] or ["RS256"]
    jwks = cache.get(_cache_key("jwks", provider))
    if jwks:
        metadata["jwks"] = jwks
    client: DjangoOAuth2App = OAuth().register(
        name=f"oidc-{provider.slug}",
        client_id=provider.client_id,
        client_secret=client_secret(provider),
        client_kwargs={
            "scope": provider.scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_post",
            "default_timeout": settings.OIDC_HTTP_TIMEOUT_SECONDS,
        },
        **metadata,
    )
    return client


def authorization_url(request: HttpRequest, provider: OidcProvider, next_url: str = "") -> str:
    client = client_for(provider)
    extra = {"acr_values": provider.required_acr} if provider.required_acr else {}
    nonce = generate_token(43)
    redirect = client.authorize_redirect(request, redirect_uri(request), nonce=nonce, **extra)
    location = str(redirect["Location"])
    state = _query_value(location, "state")
    # Which provider, where to go afterwards, and since when; Authlib keeps state, nonce
    # and code_verifier under its own session key for this state.
    request.session[SESSION_KEY] = {
        "state": state,
        "provider": provider.slug,
        "next": next_url,
        "started": time.time(),
    }
    return location


def _query_value(url: str, name: str) -> str:
    return (parse_qs(urlsplit(url).query).get(name) or [""])[0]


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
    if time.time() - float(flow.get("started", 0)) > FLOW_SECONDS:
        raise OidcError(_("Innloggingen tok for lang tid. Start på nytt."), "flow expired", 400)
    provider = OidcProvider.objects.filter(slug=flow["provider"], is_active=True).select_related("kommune").first()
    if provider is None:
        raise OidcError(_("Denne innloggingsmåten er ikke i bruk lenger."), "provider gone", 400)
    if request.GET.get("error"):
        raise OidcError(
            _("Innloggingen ble avbrutt hos innloggingstjenesten. Prøv igjen."),
            f"idp error {request.GET['error'][:100]}",
        )
    if not request.GET.get("code"):
        raise OidcError(_("Innloggingen kunne ikke fullføres. Start på nytt."), "no code", 400)
    client = client_for(provider)
    try:
        token = client.authorize_access_token(
            request,
            leeway=LEEWAY_SECONDS,
            claims_options={
                "iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": provider.client_id},
            },
        )
    except MismatchingStateError as exc:
        raise OidcError(
            _("Innloggingen kunne ikke fullføres fordi forespørselen ikke var gyldig. Start innloggingen på nytt."),
            "state mismatch",
            400,
        ) from exc
    except (OAuthError, requests.RequestException, ValueError, KeyError) as exc:
        if _is_token_error(exc):
            raise _refusal(exc) from exc
        raise OidcError(
            _("Innloggingen kunne ikke fullføres. Prøv igjen."), f"token endpoint: {type(exc).__name__}", 502
        ) from exc
    except Exception as exc:
        raise _refusal(exc) from exc
    jwks = client.server_metadata.get("jwks")
    if jwks:
        cache.set(_cache_key("jwks", provider), jwks, 3600)
    claims = dict(token.get("userinfo") or {})
    if not claims:
        raise OidcError(_refused_message(), "no id token")
    return provider, check_policy(provider, claims), str(flow.get("next") or "")


def _refused_message() -> str:
    return _("Innloggingen ble avvist fordi svaret fra innloggingstjenesten ikke kunne bekreftes. Prøv igjen.")


def _is_token_error(exc: Exception) -> bool:
    return type(exc).__module__.startswith(("joserfc", "authlib.jose"))


def _refusal(exc: Exception) -> OidcError:
    """Authlib's and joserfc's token errors as our reasons (the security log names them)."""
    name = type(exc).__name__
    claim = str(getattr(exc, "claim", "") or "")
    if name == "ExpiredTokenError":
        return OidcError(_("Innloggingen var utløpt. Logg inn på nytt."), "expired token")
    if name == "BadSignatureError":
        return OidcError(_refused_message(), "bad signature")
    reasons = {"aud": "wrong audience", "iss": "wrong issuer", "nonce": "nonce mismatch"}
    if claim in reasons:
        return OidcError(_refused_message(), reasons[claim])
    return OidcError(_refused_message(), f"invalid token: {name}{' ' + claim if claim else ''}")


def check_policy(provider: OidcProvider, claims: dict[str, Any]) -> dict[str, Any]:
    """What the protocol does not decide: the security level a provider requires."""
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
    """The user the claims belong to (after the apps' login resolvers), or OidcError."""
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
    # Apps may create the user or align memberships with the claims (bti/registries.py).
    user = registries.resolve_staff_login(provider=provider, claims=claims, user=user)
    if user is None:
        raise OidcError(unknown, "unknown user")
    if link is None:
        ExternalIdentity.objects.create(kommune=provider.kommune, provider=provider, subject=subject, user=user)
    from bti.auth_backends import EmailBackend

    if not EmailBackend().user_can_authenticate(user):
        raise OidcError(_("Kontoen er deaktivert. Kontakt systemadministrator i kommunen."), "inactive user")
    return user


def citizen_marker(provider: OidcProvider, claims: dict[str, Any]) -> dict[str, Any]:
    """What the session keeps about a citizen: a keyed hash of the person identifier, never
    the number itself."""
    pid = str(claims.get("pid") or claims["sub"])
    return {"pid_index": pid_index(pid), "provider": provider.slug, "acr": claims.get("acr"), "at": time.time()}


def pid_index(pid: str) -> str:
    """The keyed hash a citizen is known by (session, and the family portal's registrations)."""
    return hmac.new(settings.SECRET_KEY.encode(), f"citizen:{pid.strip()}".encode(), hashlib.sha256).hexdigest()


def mfa_from_claims(claims: dict[str, Any]) -> bool:
    amr = claims.get("amr") or []
    return isinstance(amr, list) and "mfa" in amr
