"""One identity for a login: the form an e-mail address is compared in.

Every place that compares addresses (login, lockout, invitations, import, OpenID Connect
matching) compares ``normalise_email(address)``, so «Siv.Skog@…», «SIV.SKOG@…» and a
full-width or space-padded spelling are one person, not five.
"""

from __future__ import annotations

import unicodedata
from typing import Any


def normalise_email(address: str | None) -> str:
    """Unicode NFKC, surrounding whitespace removed, case folded (the whole address:
    no Norwegian mail system treats the local part as case-sensitive)."""
    if not address:
        return ""
    return unicodedata.normalize("NFKC", str(address)).strip().casefold()


def axes_username(request: Any, credentials: dict[str, Any] | None = None) -> str:
    """The key django-axes counts failed logins under (``AXES_USERNAME_CALLABLE``): the
    normalised address, so five wrong passwords lock the person whichever way the address
    is spelt, on the login page, the admin's login and anywhere else ``authenticate`` runs."""
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        raw = credentials.get(field) or credentials.get("email")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        raw = data.get(field)
    return normalise_email(raw if isinstance(raw, str) else None)
