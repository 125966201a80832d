"""Step-up: ``require_recent_auth`` guards sensitive actions (export, printing a whole
stafettlogg, an innsyn package, user administration).

A user who must use MFA needs a second factor verified within ``STEP_UP_MINUTES``; a
user exempt from MFA (a demo user in demo mode) needs a password entered that recently.
Otherwise a page redirects to the step-up page (``?next=`` back here), and the API
answers 403 with a reason. A POST whose step-up has expired is not replayed: the user
confirms and submits again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission, IsAuthenticated

V = TypeVar("V", bound=Callable[..., Any])

STALE = gettext_lazy("Bekreft innloggingen på nytt før denne handlingen (tofaktor).")
NOT_WITH_TOKEN = gettext_lazy(
    "Denne handlingen krever en innlogget person som nettopp har bekreftet innloggingen; en API-nøkkel kan ikke brukes."
)


def mfa_required_for(user: Any) -> bool:
    """Must this user log in with a second factor?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if not settings.MFA_REQUIRED:
        return False
    return not (getattr(user, "is_demo", False) and settings.DEMO_MODE)


def mfa_satisfied(request: HttpRequest) -> bool:
    return not mfa_required_for(request.user) or "mfa_at" in request.session


def has_recent_auth(request: HttpRequest) -> bool:
    window = settings.STEP_UP_MINUTES * 60
    key = "mfa_at" if mfa_required_for(request.user) else "auth_at"
    at = request.session.get(key)
    return at is not None and time.time() - float(at) <= window


def require_recent_auth(view: V) -> V:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated or has_recent_auth(request):
            return view(request, *args, **kwargs)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(STALE)}, status=403)
        target = request.get_full_path() if request.method == "GET" else request.headers.get("Referer", "/")
        return redirect(f"{reverse('security-step-up')}?{urlencode({'next': target})}")

    wrapper.requires_recent_auth = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


class RecentAuth(BasePermission):
    """``require_recent_auth`` for DRF views: 403 with a reason when the second factor (or,
    for an exempt demo user, the password) is older than ``STEP_UP_MINUTES``. A request
    authenticated by an API token is refused: no person confirmed anything."""

    message: Any = STALE

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.auth is not None:  # TokenAuthentication; a session gives None
            self.message = NOT_WITH_TOKEN
            return False
        return bool(has_recent_auth(request))


# ``permission_classes`` of every API view that exports, prints or gives an innsyn package.
STEP_UP_PERMISSIONS = [IsAuthenticated, RecentAuth]


def requires_step_up(callback: Any) -> bool:
    """Does this resolved view ask for a recent second factor (function or DRF view)?"""
    if getattr(callback, "requires_recent_auth", False):
        return True
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if getattr(cls, "requires_recent_auth", False):
        return True
    return any(isinstance(p, type) and issubclass(p, RecentAuth) for p in getattr(cls, "permission_classes", []))
