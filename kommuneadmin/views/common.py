"""Plumbing shared by the administration pages (thin: parse, call a service, render)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from bti import policy
from bti.models import User


def actor(request: HttpRequest) -> User:
    """The logged-in user (every view here requires one)."""
    user = request.user
    assert isinstance(user, User)
    return user


def kommune_id(request: HttpRequest) -> int:
    """The kommune the user administers (``bti.access.kommune_admin`` has checked it)."""
    found = policy.administered_kommune_id(request.user)
    assert found is not None
    return found


def attempt(form: Any, call: Callable[[], Any], *, field_map: dict[str, str] | None = None) -> Any:
    """Run a service call; its ValidationError goes onto the form. None when it failed."""
    try:
        return call() or True
    except ValidationError as exc:
        form.apply_errors(exc, field_map=field_map)
        return None


def page(request: HttpRequest, template: str, context: dict[str, Any], *, form: Any = None) -> HttpResponse:
    """Render; 400 when a submitted form has errors (what was typed stays in the form)."""
    forms = (
        [form] if form is not None else [v for v in context.values() if hasattr(v, "errors") and hasattr(v, "is_bound")]
    )
    status = 400 if request.method == "POST" and any(f.is_bound and f.errors for f in forms) else 200
    return render(request, template, context, status=status)


def done(request: HttpRequest, text: Any, url: str) -> HttpResponse:
    messages.success(request, text)
    return HttpResponseRedirect(url)


def error_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)
