"""Base views: Min side, login/logout, the accessibility statement, health and error pages."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from bti import registries, selectors
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
    kommune_roles = list(selectors.kommune_roles(user))
    own_roles = frozenset(r.role for r in kommune_roles if r.kommune_id == user.kommune_id)
    return render(
        request,
        "bti/home.html",
        {
            "memberships": memberships,
            "leads_unit": any(m.role == "leder" for m in memberships),
            "kommune_roles": kommune_roles,
            "app_links": [(link, reverse(link.url_name)) for link in registries.home_links(own_roles)],
            "panels": registries.home_panels(request),
        },
    )


@authenticated
def ping(request: HttpRequest) -> HttpResponse:
    """A bare authenticated view: the benchmark's ceiling for what a page can cost."""
    return HttpResponse("ok", content_type="text/plain")


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "bti/tilgjengelighet.html")


# /healthz answers within this many seconds whatever hangs behind it (docs/reliability.md).
HEALTH_DEADLINE_SECONDS = 1.5


@public
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status for load balancers: 200 only when both answered «ok»
    within the deadline, 503 otherwise; never slower than ``HEALTH_DEADLINE_SECONDS``."""
    status: dict[str, Any] = _checks_in_time(
        {"database": _database_status, "broker": _broker_status}, HEALTH_DEADLINE_SECONDS
    )
    healthy = all(value == "ok" for value in status.values())
    status["status"] = "ok" if healthy else "feil"
    return JsonResponse(status, status=200 if healthy else 503)


def _checks_in_time(checks: dict[str, Callable[[], str]], deadline: float) -> dict[str, str]:
    """Run the checks side by side in threads of their own; one that has not answered by
    the deadline counts as down (its thread finishes in the background)."""
    results: dict[str, str] = {}
    threads: dict[str, threading.Thread] = {}
    for name, check in checks.items():

        def run(name: str = name, check: Callable[[], str] = check) -> None:
            results[name] = check()

        threads[name] = threading.Thread(target=run, name=f"healthz-{name}", daemon=True)
        threads[name].start()
    end = time.monotonic() + deadline
    for thread in threads.values():
        thread.join(max(0.0, end - time.monotonic()))
    return {name: results.get(name, "feil") if not thread.is_alive() else "feil" for name, thread in threads.items()}


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        return "feil"
    finally:
        connection.close()  # this thread's connection goes back to the pool


def _broker_status() -> str:
    from bti.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        return "ok"
    except Exception:  # noqa: BLE001
        return "feil"


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": text}, status=status)
    return render(request, "error.html", {"title": title, "text": text, "status": status}, status=status)


def _error_without_database(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    """An error page in the site's layout that needs nothing but templates and static
    files: no session, no user, no context processors (they all read the database)."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": text}, status=status)
    else:
        context = {"title": title, "text": text, "status": status, "DEMO_MODE": settings.DEMO_MODE}
        response = HttpResponse(render_to_string("error.html", context), status=status)
    if status == 503:
        response["Retry-After"] = "10"
    return response


def database_is_down(exc: BaseException | None) -> bool:
    """The database (or the pool in front of it) could not be reached, or gave up on a
    query for a passing reason (restart, timeout, deadlock): worth trying again."""
    return isinstance(exc, OperationalError | InterfaceError)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    return _error_without_database(
        request,
        503,
        _("Tjenesten er midlertidig utilgjengelig"),
        _(
            "Vi får ikke kontakt med databasen akkurat nå. Det du allerede har lagret, er tatt vare på. "
            "Sendte du nettopp et skjema, ble det ikke lagret: gå tilbake og send det igjen om litt."
        ),
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 400, _("Ugyldig forespørsel"), _("Forespørselen kunne ikke behandles. Gå tilbake og prøv igjen.")
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from bti.security import audit
    from bti.security.models import SecurityEventKind

    audit.record(SecurityEventKind.ACCESS_DENIED, request=request, detail={"status": 403})
    return _error(request, 403, _("Ingen tilgang"), _("Du har ikke tilgang til denne siden."))


def gone(request: HttpRequest, exception: Any) -> HttpResponse:
    """410 for a case deleted at the end of its retention (``bti.errors.CaseGone``)."""
    return _error(request, 410, _("Saken er slettet"), exception.message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        _("Fant ikke siden"),
        _("Siden finnes ikke, eller du har ikke tilgang til den. Sjekk adressen, eller gå til Min side."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: the 503 page when the database is away, else the 500 page;
    neither touches the database."""
    if database_is_down(sys.exc_info()[1]):
        return service_unavailable(request)
    return _error_without_database(
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
