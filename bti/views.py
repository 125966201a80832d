"""Base views: Min side, login/logout, the accessibility statement, health and error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from bti import selectors
from bti.access import authenticated, public
from bti.forms import LoginForm
from bti.http import current_user


@method_decorator(public, name="dispatch")
class LoginView(auth_views.LoginView):
    access_rule = "public"
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from bti.security.models import OidcKind, OidcProvider

        context = super().get_context_data(**kwargs)
        context["sso_providers"] = list(
            OidcProvider.objects.filter(kind=OidcKind.STAFF, is_active=True).select_related("kommune")
        )
        return context


@method_decorator(authenticated, name="dispatch")
class LogoutView(auth_views.LogoutView):
    access_rule = "authenticated"
    mfa_pending_allowed = True


@authenticated
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    memberships = list(selectors.active_memberships(user))
    return render(
        request,
        "bti/home.html",
        {
            "memberships": memberships,
            "leads_unit": any(m.role == "leder" for m in memberships),
            "kommune_roles": list(selectors.kommune_roles(user)),
        },
    )


@authenticated
def ping(request: HttpRequest) -> HttpResponse:
    """A bare authenticated view: the benchmark's ceiling for what a page can cost."""
    return HttpResponse("ok", content_type="text/plain")


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "bti/tilgjengelighet.html")


@public
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status for load balancers; 503 when either is down."""
    status: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        status["database"] = "feil"
    status["broker"] = _broker_status()
    healthy = all(value == "ok" for value in status.values())
    status["status"] = "ok" if healthy else "feil"
    return JsonResponse(status, status=200 if healthy else 503)


def _broker_status() -> str:
    from bti.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # noqa: BLE001
        return "feil"


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": text}, status=status)
    return render(request, "error.html", {"title": title, "text": text, "status": status}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 400, _("Ugyldig forespørsel"), _("Forespørselen kunne ikke behandles. Gå tilbake og prøv igjen.")
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from bti.security import audit
    from bti.security.models import SecurityEventKind

    audit.record(SecurityEventKind.ACCESS_DENIED, request=request, detail={"status": 403})
    return _error(request, 403, _("Ingen tilgang"), _("Du har ikke tilgang til denne siden."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        _("Fant ikke siden"),
        _("Siden finnes ikke, eller du har ikke tilgang til den. Sjekk adressen, eller gå til Min side."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        _("Noe gikk galt"),
        _("Det oppstod en feil hos oss. Ingenting du har lagret er tapt. Prøv igjen om litt."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        _("Skjemaet er utløpt"),
        _("Skjemaet var for gammelt eller ble sendt fra et annet sted. Last inn siden på nytt og send skjemaet igjen."),
    )
