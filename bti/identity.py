"""One identity for a login: the form an e-mail address is compared in.

Every place that compares addresses (login, lockout, invitations, import, OpenID Connect
matching) compares ``normalise_email(address)``, so «Siv.Skog@…», «SIV.SKOG@…» and a
full-width or space-padded spelling are one person, not five.
"""

from __future__ import annotations

import unicodedata


def normalise_email(address: str | None) -> str:
    """Unicode NFKC, surrounding whitespace removed, case folded (the whole address:
    no Norwegian mail system treats the local part as case-sensitive)."""
    if not address:
        return ""
    return unicodedata.normalize("NFKC", str(address)).strip().casefold()
