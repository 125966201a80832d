"""Audit and session bookkeeping on Django's auth signals (connected in BtiConfig.ready)."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from bti import languages
from bti.identity import normalise_email
from bti.security import audit, sessions
from bti.security.models import SecurityEventKind


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    now = time.time()
    if hasattr(request, "session"):
        request.session["login_at"] = now
        request.session["auth_at"] = now
    method = getattr(request, "_bti_login_method", "password")
    sessions.start(request, user, method=method)
    audit.record(SecurityEventKind.LOGIN, request=request, user=user, detail={"method": method})


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    if request is not None and hasattr(request, "session") and request.session.session_key:
        sessions.mark_ended(request.session.session_key, reason="logout")
    audit.record(SecurityEventKind.LOGOUT, request=request, user=user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = normalise_email(str(credentials.get("username") or credentials.get("email") or ""))
    audit.record(SecurityEventKind.LOGIN_FAILED, request=request, email=email)


def on_locked_out(sender: Any, request: HttpRequest, username: str | None = None, **kwargs: Any) -> None:
    audit.record(SecurityEventKind.LOCKED_OUT, request=request, email=normalise_email(username))


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="bti.security.login")
    user_logged_in.connect(languages.on_logged_in, dispatch_uid="bti.languages.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="bti.security.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="bti.security.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="bti.security.locked_out")
