"""Absolute session lifetime and the MFA gate. Neither costs a database query."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from bti.security.stepup import mfa_satisfied

Handler = Callable[[HttpRequest], HttpResponse]


class SessionLifetimeMiddleware:
    """A session never lives longer than ``SESSION_ABSOLUTE_LIFETIME_HOURS`` after login,
    however active it is (the idle timeout is in bti.middleware)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            login_at = request.session.get("login_at")
            if login_at is not None and time.time() - float(login_at) > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, _("Økten din var utløpt. Logg inn igjen."))
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def mfa_gate_allows(view_func: Any) -> bool:
    """Views reachable between the password and the second factor."""
    from bti.access import PUBLIC, rule_of

    if getattr(view_func, "mfa_pending_allowed", False):
        return True
    view_class = getattr(view_func, "view_class", None)
    if view_class is not None and getattr(view_class, "mfa_pending_allowed", False):
        return True
    return rule_of(view_func) == PUBLIC


class MfaRequiredMiddleware:
    """After the password, a user who must use MFA reaches only the MFA pages, logout and
    public pages until a second factor is verified in this session."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if not request.user.is_authenticated or mfa_satisfied(request) or mfa_gate_allows(view_func):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Fullfør innloggingen med tofaktor først.")}, status=403)
        return redirect(f"{reverse('mfa-verify')}?{urlencode({'next': request.get_full_path()})}")
