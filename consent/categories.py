"""Which information category each stafettlogg entry belongs to (docs/adr/0011-consent-entry-categories-and-the-gate.md).

The stafettlogg model has no category field; the category of an entry is
``entry.data["kategori"]`` when the writer set one, else the category of its kind in
``KIND_CATEGORY``, else ``stafettlogg``. Kinds added by other apps (plans, kartlegging)
are listed here by name so the mapping is ready when they arrive.
"""

from __future__ import annotations

from typing import Any

DEFAULT_CATEGORY = "stafettlogg"
# Only barnevern and the case's own people read it; never given by a consent, and an entry
# of it is not even listed as hidden to others (barnevern discretion, C-21).
BARNEVERN = "barnevern"
# Read by everyone who reads the case: «everything» in readable_categories.
ALL = "*"

# The categories every kommune has (code, name, is_health, sort); consent/migrations/0002 creates
# them, and ``consent.services.categories_for`` recreates them if a table flush removed them.
DEFAULT_CATEGORIES: list[tuple[str, str, bool, int]] = [
    ("stafettlogg", "Stafettlogg", False, 1),
    ("plan_tiltak", "Plan og tiltak", False, 2),
    ("kartlegging", "Kartlegging", False, 3),
    ("helseopplysninger", "Helseopplysninger", True, 4),
]

KIND_CATEGORY: dict[str, str] = {
    "undring": DEFAULT_CATEGORY,
    "konkretisering": DEFAULT_CATEGORY,
    "deling": DEFAULT_CATEGORY,
    "beslutning": DEFAULT_CATEGORY,
    "nivaendring": DEFAULT_CATEGORY,
    "stafettholder": DEFAULT_CATEGORY,
    "identifisering": DEFAULT_CATEGORY,
    "notat": DEFAULT_CATEGORY,
    "samtale_barn": DEFAULT_CATEGORY,
    "samtale_foresatte": DEFAULT_CATEGORY,
    "avslutning": DEFAULT_CATEGORY,
    "gjenapning": DEFAULT_CATEGORY,
    "korrigering": DEFAULT_CATEGORY,
    # Kinds of the plans issue (plan, tiltak, evaluering, samarbeidsmøte).
    "plan": "plan_tiltak",
    "tiltak": "plan_tiltak",
    "evaluering": "plan_tiltak",
    "mote": "plan_tiltak",
    "kartlegging": "kartlegging",
    "helse": "helseopplysninger",
    # Kinds of the samordning app (who coordinates, the barnekoordinator, individuell plan).
    "samordning": DEFAULT_CATEGORY,
    "barnekoordinator": DEFAULT_CATEGORY,
}


def entry_category(entry: Any) -> str:
    data = entry.data if isinstance(getattr(entry, "data", None), dict) else {}
    explicit = data.get("kategori")
    if isinstance(explicit, str) and explicit:
        return explicit
    return KIND_CATEGORY.get(entry.kind, DEFAULT_CATEGORY)


def may_read(categories: frozenset[str], category: str) -> bool:
    return ALL in categories or category in categories


def category_label(code: str) -> str:
    """The display name of a default category (the code itself for a kommune's own)."""
    names = {c: name for c, name, _health, _sort in DEFAULT_CATEGORIES}
    names[BARNEVERN] = "Barnevern"
    return names.get(code, code)
