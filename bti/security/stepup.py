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
from django.utils.translation import gettext as _

V = TypeVar("V", bound=Callable[..., Any])


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
            return JsonResponse(
                {"detail": _("Bekreft innloggingen på nytt før denne handlingen (tofaktor).")}, status=403
            )
        target = request.get_full_path() if request.method == "GET" else request.headers.get("Referer", "/")
        return redirect(f"{reverse('security-step-up')}?{urlencode({'next': target})}")

    wrapper.requires_recent_auth = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
