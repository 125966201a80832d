"""The small interface the oppfølgingsbrudd rules need from apps that other issues build.

``samarbeid`` (plans, tiltak, meetings) and the consent part of ``consent`` are not on
main yet. Each rule asks here; when the app provides the selector below, the rule runs,
otherwise it is skipped (and the leader overview says «ikke tilgjengelig ennå»).

TODO(plans): provide ``samarbeid.selectors.measures_evaluation_overdue(*, kommune_id, today)``
  yielding dicts ``{"case_id", "measure_id", "responsible_id", "evaluation_date"}`` of tiltak in
  open cases whose evaluation date has passed without an evaluation.
TODO(consent): provide ``consent.selectors.consents_expiring(*, kommune_id, until)`` yielding
  dicts ``{"case_id", "consent_id", "valid_until"}`` of active consents of open cases that
  expire on or before ``until`` (already expired ones included).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from typing import Any

Rows = list[dict[str, Any]]


def _selector(module: str, name: str) -> Callable[..., Any] | None:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    found = getattr(mod, name, None)
    return found if callable(found) else None


def measures_evaluation_overdue(*, kommune_id: int, today: date) -> Rows | None:
    """Tiltak past their evaluation date, or None while samarbeid does not provide them."""
    selector = _selector("samarbeid.selectors", "measures_evaluation_overdue")
    return None if selector is None else list(selector(kommune_id=kommune_id, today=today))


def consents_expiring(*, kommune_id: int, until: date) -> Rows | None:
    """Consents of open cases expiring by ``until``, or None while consent does not provide them."""
    selector = _selector("consent.selectors", "consents_expiring")
    return None if selector is None else list(selector(kommune_id=kommune_id, until=until))


def missing_rules() -> list[str]:
    """The alarm rules whose app does not provide its selector yet."""
    missing = []
    if _selector("samarbeid.selectors", "measures_evaluation_overdue") is None:
        missing.append("evaluering_forfalt")
    if _selector("consent.selectors", "consents_expiring") is None:
        missing.append("samtykke_utloper")
    return missing
