"""Typed views of the request (issue 20, item 10): what the access rules already
guarantee, said once so views need no ``# type: ignore`` for it.

``request.user`` is ``User | AnonymousUser`` to the type checker, although every view
behind ``LoginRequiredMiddleware`` and an access rule runs for a logged-in ``User``;
``current_user(request)`` returns that ``User`` (and refuses an anonymous request instead
of letting it reach a service). ``is_htmx(request)`` reads django-htmx's marker.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from bti.models import User


def current_user(request: HttpRequest | Request) -> User:
    """The logged-in user of a page or API request."""
    user: Any = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def is_htmx(request: HttpRequest) -> bool:
    """Did htmx send this request (``django_htmx.middleware.HtmxMiddleware``)?"""
    return bool(getattr(request, "htmx", False))
