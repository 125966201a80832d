"""Every URL declares its access rule (STYLE.md §4).

``LoginRequiredMiddleware`` makes every view need a login. On top of that each view
says which rule it follows, with one of the decorators below; a test walks the URL
resolver and fails on a view without one. The rule itself is enforced by the
decorator or, for object rules, by the access policy (``bti.policy``) that the view calls.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

V = TypeVar("V", bound=Callable[..., Any])

PUBLIC = "public"
AUTHENTICATED = "authenticated"
OBJECT_POLICY = "object-policy"
SYSTEM_ADMIN = "system-admin"
KOMMUNE_LEADER = "kommune-leader"
KOMMUNE_ADMIN = "kommune-admin"
RULES = {PUBLIC, AUTHENTICATED, OBJECT_POLICY, SYSTEM_ADMIN, KOMMUNE_LEADER, KOMMUNE_ADMIN}


def _mark(view: V, rule: str) -> V:
    view.access_rule = rule  # type: ignore[attr-defined]
    return view


def public(view: V) -> V:
    """Reachable without login (login page, health check, accessibility statement)."""
    return _mark(login_not_required(view), PUBLIC)


def authenticated(view: V) -> V:
    """Any logged-in user; the view shows only the user's own data."""
    return _mark(view, AUTHENTICATED)


def object_policy(view: V) -> V:
    """Logged-in; the view fetches every sensitive object through ``bti.policy``."""
    return _mark(view, OBJECT_POLICY)


def kommune_leader(view: V) -> V:
    """Leaders' de-identified overviews: the view asks ``bti.policy.aggregate_scope`` and
    answers 403 without one. Aggregates only; these views never return a case."""
    return _mark(view, KOMMUNE_LEADER)


def kommune_admin(view: V) -> V:
    """The kommune's own administration: only a user holding the administrator role of
    their own kommune (``bti.policy.administered_kommune_id``) gets past, others get 403.
    The view scopes every query by that kommune; ids of another kommune's objects are 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from bti.policy import administered_kommune_id

        if administered_kommune_id(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return _mark(wrapper, KOMMUNE_ADMIN)  # type: ignore[return-value]


def system_admin(view: V) -> V:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_authenticated and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return _mark(wrapper, SYSTEM_ADMIN)  # type: ignore[return-value]


def rule_of(view: Any) -> str | None:
    """The declared rule of a resolved view (function, class-based or DRF)."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        rule = getattr(candidate, "access_rule", None)
        if rule:
            return str(rule)
    return None
