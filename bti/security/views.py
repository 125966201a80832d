"""Pages of the security module: MFA enrolment and verification, step-up, the session
list with «logg ut overalt», OIDC login for staff and citizens, the citizen landing page."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bti.access import authenticated, public
from bti.http import current_user
from bti.security import audit, mfa, oidc, passkeys, sessions
from bti.security.forms import CodeForm, PasswordConfirmForm
from bti.security.models import OidcKind, OidcProvider, SecurityEventKind
from bti.security.stepup import mfa_required_for, mfa_satisfied, require_recent_auth


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """``next`` only if it points back into this site (no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _pending(view: Any) -> Any:
    view.mfa_pending_allowed = True
    return view


@_pending
@authenticated
def mfa_verify(request: HttpRequest) -> HttpResponse:
    if not mfa_required_for(request.user):
        return redirect(safe_next(request))
    if not mfa.has_device(request.user):
        return redirect(f"{_url('mfa-enrol')}?next={safe_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify_code(request, form.cleaned_data["code"]):
            return redirect(safe_next(request))
        form.add_error("code", _("Koden er feil eller allerede brukt. Vent på en ny kode i appen, og prøv igjen."))
    return render(
        request,
        "security/mfa_verify.html",
        {"form": form, "next": safe_next(request), "has_passkey": passkeys.has_passkey(request.user)},
    )


@_pending
@authenticated
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    # Replacing an existing device needs that device first: a password alone is not enough.
    if mfa.has_device(request.user) and not (mfa_satisfied(request) and "mfa_at" in request.session):
        return redirect(f"{_url('mfa-verify')}?next={_url('mfa-enrol')}")
    device = mfa.pending_totp(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "security/recovery_codes.html", {"codes": codes, "next": safe_next(request)})
        form.add_error("code", _("Koden stemmer ikke. Sjekk at klokken på telefonen er riktig, og prøv en ny kode."))
    label = _("QR-kode for å legge til BTI-samhandling i autentiseringsappen")
    return render(
        request,
        "security/mfa_enrol.html",
        {
            "form": form,
            "qr": mfa.qr_svg(device, label),
            "secret": mfa.secret_text(device),
            "next": safe_next(request),
        },
    )


@require_POST
@authenticated
@require_recent_auth
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    codes = mfa.new_recovery_codes(request.user)
    return render(request, "security/recovery_codes.html", {"codes": codes, "next": _url("security-overview")})


@_pending
@authenticated
def step_up(request: HttpRequest) -> HttpResponse:
    """Confirm the login again before a sensitive action."""
    use_code = mfa_required_for(request.user)
    if use_code and not mfa.has_device(request.user):
        return redirect(f"{_url('mfa-enrol')}?next={safe_next(request)}")
    form: CodeForm | PasswordConfirmForm = (
        CodeForm(request.POST or None) if use_code else PasswordConfirmForm(request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        if use_code:
            ok = mfa.verify_code(request, form.cleaned_data["code"])
        else:
            ok = request.user.check_password(form.cleaned_data["password"])
            if ok:
                request.session["auth_at"] = time.time()
        if ok:
            audit.record(SecurityEventKind.STEP_UP, request=request)
            return redirect(safe_next(request))
        if not use_code:
            audit.record(SecurityEventKind.LOGIN_FAILED, request=request, detail={"step_up": True})
        form.add_error(
            "code" if use_code else "password",
            _("Koden er feil eller allerede brukt.") if use_code else _("Feil passord."),
        )
    return render(
        request,
        "security/step_up.html",
        {
            "form": form,
            "use_code": use_code,
            "next": safe_next(request),
            "minutes": settings.STEP_UP_MINUTES,
            "has_passkey": use_code and passkeys.has_passkey(request.user),
        },
    )


@authenticated
def overview(request: HttpRequest) -> HttpResponse:
    current = request.session.session_key
    return render(
        request,
        "security/overview.html",
        {
            "sessions": sessions.active_sessions(request.user),
            "current_key": current,
            "has_device": mfa.has_device(request.user),
            "passkeys": list(current_user(request).passkeys.all()),
            "mfa_required": mfa_required_for(request.user),
        },
    )


@require_POST
@authenticated
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    sessions.end_sessions(actor=user, user=user, reason="logout_everywhere", request=request)
    logout(request)
    messages.success(request, _("Du er logget ut på alle enheter."))
    return redirect("login")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


# --- OpenID Connect -------------------------------------------------------------------


def _refused(request: HttpRequest, error: oidc.OidcError, citizen: bool = False) -> HttpResponse:
    audit.record(SecurityEventKind.OIDC_REFUSED, request=request, detail={"reason": error.reason[:200]})
    return render(
        request,
        "security/oidc_error.html",
        {"message": error.message, "citizen": citizen},
        status=error.status,
    )


@public
def oidc_start(request: HttpRequest, slug: str) -> HttpResponse:
    provider = OidcProvider.objects.filter(slug=slug, is_active=True).first()
    if provider is None:
        return render(
            request,
            "security/oidc_error.html",
            {"message": _("Denne innloggingsmåten finnes ikke."), "citizen": False},
            status=404,
        )
    try:
        return redirect(oidc.authorization_url(request, provider, safe_next(request, "")))
    except oidc.OidcError as error:
        return _refused(request, error, citizen=provider.kind == OidcKind.CITIZEN)


@public
def oidc_callback(request: HttpRequest) -> HttpResponse:
    try:
        provider, claims, next_url = oidc.handle_callback(request)
        if provider.kind == OidcKind.CITIZEN:
            if request.user.is_authenticated:
                logout(request)
            request.session.cycle_key()
            request.session["citizen"] = oidc.citizen_marker(provider, claims)
            audit.record(
                SecurityEventKind.LOGIN, request=request, detail={"method": "idporten", "provider": provider.slug}
            )
            return redirect("citizen-home")
        user = oidc.staff_user_for(provider, claims)
    except oidc.OidcError as error:
        return _refused(request, error, citizen="citizen" in request.path)
    request._bti_login_method = "oidc"  # type: ignore[attr-defined]
    login(request, user, backend="bti.auth_backends.EmailBackend")
    if oidc.mfa_from_claims(claims):
        request.session["mfa_at"] = time.time()
        request.session["mfa_via"] = "oidc"
    safe = next_url if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}) else "/"
    return redirect(safe)


@public
def citizen_login(request: HttpRequest) -> HttpResponse:
    providers = OidcProvider.objects.filter(kind=OidcKind.CITIZEN, is_active=True).select_related("kommune")
    from django.conf import settings
    from django.urls import reverse

    from bti.registries import citizen_demo_login_url_name

    demo = citizen_demo_login_url_name()
    demo_url = reverse(demo) if demo and settings.DEMO_MODE else ""
    return render(request, "security/citizen_login.html", {"providers": list(providers), "demo_login_url": demo_url})


@public
def citizen_home(request: HttpRequest) -> HttpResponse:
    citizen = request.session.get("citizen")
    if not citizen:
        return redirect("citizen-login")
    from bti.registries import citizen_home_url_name

    if (landing := citizen_home_url_name()) is not None:
        return redirect(landing)
    return render(request, "security/citizen_home.html", {"citizen": citizen})


@require_POST
@public
def citizen_logout(request: HttpRequest) -> HttpResponse:
    if request.session.get("citizen"):
        audit.record(SecurityEventKind.LOGOUT, request=request, detail={"method": "idporten"})
    request.session.flush()
    return redirect("citizen-login")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked-out username (AXES_LOCKOUT_CALLABLE)."""
    return render(
        request,
        "security/locked.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": round(settings.AXES_COOLOFF_TIME * 60)},
        status=429,
    )


# --- WebAuthn passkeys (JSON for static/js/passkeys.js) ----------------------------------


def _json_error(message: str, status: int = 400) -> HttpResponse:
    return JsonResponse({"detail": message}, status=status)


@authenticated
@require_recent_auth
def passkey_register_options(request: HttpRequest) -> HttpResponse:
    return HttpResponse(passkeys.registration_options(request), content_type="application/json")


@require_POST
@authenticated
@require_recent_auth
def passkey_register(request: HttpRequest) -> HttpResponse:
    try:
        passkeys.register(request, request.body.decode(), name=request.headers.get("X-Passkey-Name", ""))
    except (passkeys.PasskeyError, UnicodeDecodeError) as error:
        return _json_error(getattr(error, "message", _("Ugyldig forespørsel.")))
    messages.success(request, _("Passnøkkelen er lagt til."))
    return JsonResponse({"redirect": _url("security-overview")})


@_pending
@authenticated
def passkey_auth_options(request: HttpRequest) -> HttpResponse:
    if not passkeys.has_passkey(request.user):
        return _json_error(_("Du har ingen passnøkkel."), 404)
    return HttpResponse(passkeys.authentication_options(request), content_type="application/json")


@_pending
@require_POST
@authenticated
def passkey_authenticate(request: HttpRequest) -> HttpResponse:
    try:
        passkeys.authenticate(request, request.body.decode())
    except (passkeys.PasskeyError, UnicodeDecodeError) as error:
        return _json_error(getattr(error, "message", _("Ugyldig forespørsel.")))
    audit.record(SecurityEventKind.STEP_UP, request=request, detail={"device": "passkey"})
    return JsonResponse({"redirect": safe_next(request)})
