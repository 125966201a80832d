"""Information categories: the codes every kommune has (docs/adr/0013-read-gate-and-category-model.md).

Every piece of case content (stafettlogg entry, goal, tiltak, evaluation, meeting,
referat) stores its category in a ``category`` column, set when it is written. Consent is
given per recipient unit and category; a reader sees a piece only if they hold its
category. The kommune's own list lives in ``consent.InformationCategory``; the core only
knows the codes below and asks the registered source (``bti.basis``) for the rest.
"""

from __future__ import annotations

DEFAULT_CATEGORY = "stafettlogg"
PLAN_TILTAK = "plan_tiltak"
KARTLEGGING = "kartlegging"
HELSE = "helseopplysninger"
# Only barnevern and the case's own people read it; never given by a consent, and an entry
# of it is not even listed as hidden to others (barnevern discretion, C-21).
BARNEVERN = "barnevern"
# Read by everyone who reads the case: «everything» in a reader's categories.
ALL = "*"

# The categories every kommune has (code, name, is_health, sort); consent/migrations/0002 creates
# them, and ``consent.services.categories_for`` recreates them if a table flush removed them.
DEFAULT_CATEGORIES: list[tuple[str, str, bool, int]] = [
    (DEFAULT_CATEGORY, "Stafettlogg", False, 1),
    (PLAN_TILTAK, "Plan og tiltak", False, 2),
    (KARTLEGGING, "Kartlegging", False, 3),
    (HELSE, "Helseopplysninger", True, 4),
]


def may_read(categories: frozenset[str], category: str) -> bool:
    return ALL in categories or category in categories


def category_label(code: str) -> str:
    """The display name of a default category (the code itself for a kommune's own)."""
    names = {c: name for c, name, _health, _sort in DEFAULT_CATEGORIES}
    names[BARNEVERN] = "Barnevern"
    return names.get(code, code)
