"""Which information category a piece of case content belongs to (docs/adr/0013-read-gate-and-category-model.md).

The category is data: every stafettlogg entry and every samarbeid object stores it in a
``category`` column, set when written (the kind's default, ``KIND_CATEGORY``, or the
writer's stricter choice). The codes live in the core (``bti.categories``); the defaults
per kind live beside the kinds (``stafettlogg.models.KIND_CATEGORY``), which names only
kinds that exist (tests/stafettlogg/test_categories.py).
"""

from __future__ import annotations

from typing import Any

from bti.categories import ALL as ALL
from bti.categories import BARNEVERN as BARNEVERN
from bti.categories import DEFAULT_CATEGORIES as DEFAULT_CATEGORIES
from bti.categories import DEFAULT_CATEGORY as DEFAULT_CATEGORY
from bti.categories import HELSE as HELSE
from bti.categories import PLAN_TILTAK as PLAN_TILTAK
from bti.categories import category_label as category_label
from bti.categories import may_read as may_read
from stafettlogg.models import KIND_CATEGORY as KIND_CATEGORY


def entry_category(entry: Any) -> str:
    """The stored category of an entry (or of a row dict with ``category``)."""
    stored = getattr(entry, "category", None)
    if stored is None and isinstance(entry, dict):
        stored = entry.get("category")
    if isinstance(stored, str) and stored:
        return stored
    return KIND_CATEGORY.get(getattr(entry, "kind", ""), DEFAULT_CATEGORY)
