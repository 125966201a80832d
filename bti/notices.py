"""Short notices a service wants the person to read after the request ("Trinnet
«Deling» er krysset av"), without the service knowing the request: collected per request
and handed to Django's messages by ``NoticesMiddleware`` (outside a request they go nowhere)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

_NOTICES: ContextVar[list[str] | None] = ContextVar("bti_notices", default=None)


def notice(text: str) -> None:
    """Show ``text`` to the person after this request (not when it ends in an error)."""
    pending = _NOTICES.get()
    if pending is not None:
        pending.append(text)


def take() -> list[str]:
    """The notices so far, for a response that shows them itself (an htmx swap of the case
    page): they are handed over here instead of to the next full page."""
    pending = _NOTICES.get()
    if not pending:
        return []
    taken = list(dict.fromkeys(pending))
    pending.clear()
    return taken


class NoticesMiddleware:
    """Sits after ``MessageMiddleware``, so the notices are stored with the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending: list[str] = []
        token = _NOTICES.set(pending)
        try:
            response = self.get_response(request)
        finally:
            _NOTICES.reset(token)
        if hasattr(request, "_messages") and response.status_code < 400:
            for text in dict.fromkeys(pending):
                messages.info(request, text)
        return response
