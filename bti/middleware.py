"""Cross-cutting HTTP behaviour: security headers, idle timeout, no caching."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

Handler = Callable[[HttpRequest], HttpResponse]

# Only write the session once a minute: a write per request would cost a query on every page.
_TOUCH_EVERY_SECONDS = 60


class RequestScopeMiddleware:
    """Opens the per-request scope of ``bti.policy`` (memberships read once per request)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from bti import sealing
        from bti.policy import request_scope

        sealing.clear()  # case keys are held for one request at most (bti/sealing.py)
        try:
            with request_scope():
                return self.get_response(request)
        finally:
            sealing.clear()

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A shredded case (raised by the gate where the case is loaded): 410 with the rule."""
        from bti.errors import CaseGone

        if not isinstance(exception, CaseGone):
            return None
        from bti.views import gone

        return gone(request, exception)


class SecurityHeadersMiddleware:
    """CSP (no inline script or style), Permissions-Policy and cross-origin isolation."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class IdleTimeoutMiddleware:
    """Log the user out after ``SESSION_IDLE_TIMEOUT_MINUTES`` without a request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get("last_seen")
            timeout = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - float(last_seen) > timeout:
                logout(request)
                messages.info(
                    request,
                    _("Du ble logget ut fordi du ikke har vært aktiv på %(minutes)s minutter. Logg inn igjen.")
                    % {"minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES},
                )
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - float(last_seen) > _TOUCH_EVERY_SECONDS:
                request.session["last_seen"] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages may hold personal data: browsers and proxies must not keep them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response.headers["Cache-Control"] = "no-store, max-age=0"
            response.headers.setdefault("Pragma", "no-cache")
        return response


class JsonLimitsMiddleware:
    """Refuses a JSON body that is too large or nested too deeply (``bti.limits``) with 400
    and a reason, before any view or parser reads it: a 1,000-deep document would
    otherwise end in a RecursionError (500) inside the JSON parser."""

    METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in self.METHODS and _is_json(request.content_type or ""):
            from bti import limits

            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            # A declared length above the limit is refused unread.
            problem = limits.too_large() if length > limits.JSON_MAX_BYTES else limits.json_body_problem(request.body)
            if problem:
                return JsonResponse({"detail": problem}, status=400)
        return self.get_response(request)


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")
