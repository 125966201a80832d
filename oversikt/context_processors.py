from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from oversikt import selectors


class _UnreadCount:
    """Counted once, and only if the page shows it (one indexed count)."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self._value: int | None = None

    def __call__(self) -> int:
        if self._value is None:
            user = self._request.user
            self._value = selectors.unread_count(user) if user.is_authenticated else 0
        return self._value


def notifications(request: HttpRequest) -> dict[str, Any]:
    return {"unread_notifications": _UnreadCount(request)}
