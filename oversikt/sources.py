"""The small interface the oppfølgingsbrudd rules need from the apps above the overview.

``samarbeid`` (tiltak past their evaluation date) and ``consent`` (consents about to
expire) register their selector as a follow-up rule source
(``bti.registries.register_followup_source`` in their ``AppConfig.ready``); the overview
imports neither. A rule whose source is not registered is skipped (and the leader
overview says «ikke tilgjengelig ennå»).

* ``measures_evaluation_overdue(*, kommune_id, today)`` yields dicts ``{"case_id",
  "measure_id", "responsible_id", "evaluation_date"}`` of tiltak in open cases whose
  evaluation date has passed without an evaluation.
* ``consents_expiring(*, kommune_id, until)`` yields dicts ``{"case_id", "consent_id",
  "valid_until"}`` of active consents of open cases that expire on or before ``until``
  (already expired ones included).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bti.registries import followup_source

Rows = list[dict[str, Any]]

MEASURES_EVALUATION_OVERDUE = "measures_evaluation_overdue"
CONSENTS_EXPIRING = "consents_expiring"
MEASURES_EVALUATION_DUE = "measures_evaluation_due"


def measures_evaluation_overdue(*, kommune_id: int, today: date) -> Rows | None:
    """Tiltak past their evaluation date, or None while samarbeid does not provide them."""
    selector = followup_source(MEASURES_EVALUATION_OVERDUE)
    return None if selector is None else list(selector(kommune_id=kommune_id, today=today))


def consents_expiring(*, kommune_id: int, until: date) -> Rows | None:
    """Consents of open cases expiring by ``until``, or None while consent does not provide them."""
    selector = followup_source(CONSENTS_EXPIRING)
    return None if selector is None else list(selector(kommune_id=kommune_id, until=until))


def missing_rules() -> list[str]:
    """The alarm rules whose app does not provide its selector yet."""
    missing = []
    if followup_source(MEASURES_EVALUATION_OVERDUE) is None:
        missing.append("evaluering_forfalt")
    if followup_source(CONSENTS_EXPIRING) is None:
        missing.append("samtykke_utloper")
    return missing


def missing_sources() -> list[str]:
    """Every source the daily beat needs and does not find: the alarm rules and the
    evaluation reminder (a test fails on any, issue 17: no silent skip)."""
    missing = missing_rules()
    if followup_source(MEASURES_EVALUATION_DUE) is None:
        missing.append("evaluering_snart")
    return missing


def measures_evaluation_due(*, kommune_id: int, today: date, until: date) -> Rows | None:
    """Tiltak whose evaluation date is from ``today`` to ``until``, or None without a source."""
    selector = followup_source(MEASURES_EVALUATION_DUE)
    return None if selector is None else list(selector(kommune_id=kommune_id, today=today, until=until))
