"""The language a page is shown in (ADR 0030).

Order: the person's own choice (``User.language``, from the switcher), else their kommune's
administrative language (``Kommune.language``), else the browser's Accept-Language when it
names a translated language, else bokmål. Both stored choices are copied into the session at
login and by the switcher, so a request costs no query for it. An unknown code anywhere falls
back to bokmål: ``<html lang>`` always names the language actually shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from bti.access import public

SESSION_KEY = "bti_language"
CODES = frozenset(code for code, _name in settings.LANGUAGES)


def valid(code: str | None) -> str:
    """The code if it is one of ours, else ''."""
    return code if code in CODES else ""


def language_for(user: Any) -> str:
    """The stored language of a person: their own, else their kommune's, else ''."""
    own = valid(getattr(user, "language", ""))
    if own:
        return own
    kommune = getattr(user, "kommune", None) if getattr(user, "kommune_id", None) else None
    return valid(getattr(kommune, "language", ""))


def in_language_of(user: Any) -> Any:
    """``translation.override`` for what is made for one person outside their request: an
    e-mail to them, a PDF they ordered rendered by a worker. Their own language, else their
    kommune's, else bokmål (ADR 0030)."""
    return translation.override(language_for(user) or settings.LANGUAGE_CODE)


def in_kommune_language(kommune: Any) -> Any:
    """``translation.override`` for what the kommune makes with no reader: the archive's
    documents. The kommune's administrative language, else bokmål (ADR 0030)."""
    return translation.override(valid(getattr(kommune, "language", "")) or settings.LANGUAGE_CODE)


def user_set_language(*, user: Any, language: str) -> None:
    """The one write path of a person's language choice (empty: follow the kommune)."""
    language = valid(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def remember_in_session(request: HttpRequest, user: Any) -> None:
    language = language_for(user)
    if language:
        request.session[SESSION_KEY] = language
    else:
        request.session.pop(SESSION_KEY, None)


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A language chosen on the login page (the switcher's cookie) is this person's choice:
    the newest choice, so it is kept on the user."""
    if request is None or not hasattr(request, "session"):
        return
    chosen = valid(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if chosen:
        user_set_language(user=user, language=chosen)
    remember_in_session(request, user)


class LanguageMiddleware:
    """After authentication: a logged-in person's stored language wins over cookie and browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        language = valid(session.get(SESSION_KEY)) if session is not None else ""
        if language and getattr(request, "user", None) is not None and request.user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


@public
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The switcher (POST, CSRF): Django's view sets the cookie; a logged-in person keeps the
    choice on their user. An unknown code changes nothing and returns to the page."""
    response = django_set_language(request)
    language = valid(request.POST.get("language"))
    if language and request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
        request.session[SESSION_KEY] = language
    return response


NN_SUFFIX = "_nn"


def written(obj: Any, field: str) -> Any:
    """A text the kommune wrote, in the reader's language where the kommune gave it (ADR 0030,
    issue 18 item 4): the field holds the bokmål text (or the only text, as written) and
    ``<field>_nn`` the optional nynorsk text. A nynorsk reader gets the nynorsk text if there
    is one, every other reader the bokmål text; a field with only one of them shows that one
    to everybody. Never translated by machine. Works on model objects and on dicts."""
    if isinstance(obj, dict):
        own, nn = obj.get(field), obj.get(field + NN_SUFFIX)
    else:
        own, nn = getattr(obj, field, None), getattr(obj, field + NN_SUFFIX, None)
    if translation.get_language() == "nn":
        return nn or own
    return own or nn
