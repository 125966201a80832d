"""Sample kwargs for the survey's and the implementation support's routes (tests/routes.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _round(personas: dict[str, Any]) -> dict[str, Any]:
    from tests.undersokelse.helpers import open_round
    from undersokelse.models import SurveyRound

    survey = SurveyRound.objects.filter(title="Rutetest").first() or open_round(
        personas, ["Lia barnehage"], title="Rutetest"
    )
    return {"round_id": survey.pk}


def _kommune(personas: dict[str, Any]) -> dict[str, Any]:
    return {"kommune_id": personas["barnehagelaerer"].kommune_id}


def _item(personas: dict[str, Any]) -> dict[str, Any]:
    from implementering import services

    return {"item_id": services.project_for(personas["barnehagelaerer"].kommune_id).items.first().pk}  # type: ignore[union-attr]


def _feedback(personas: dict[str, Any]) -> dict[str, Any]:
    from implementering.models import Feedback

    feedback = Feedback.objects.first()
    if feedback is None:
        from implementering import services

        feedback, _code = services.feedback_send(
            actor=personas["barnehagelaerer"], recipient="koordinator", text="Rutetest", anonymous=False
        )
    return {"feedback_id": feedback.pk}


SAMPLE_KWARGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "survey-kommune": _kommune,
    "survey-round-new": _kommune,
    "survey-round": _round,
    "survey-round-edit": _round,
    "survey-round-open": _round,
    "survey-round-close": _round,
    "survey-round-remind": _round,
    "survey-answer": _round,
    "survey-results": _round,
    "survey-report-pdf": _round,
    "survey-report-csv": _round,
    "impl-item-status": _item,
    "impl-feedback-reply": _feedback,
}

NOT_PAGES = {
    "survey-round-open": "POST only, tested in tests/undersokelse",
    "survey-round-close": "POST only, tested in tests/undersokelse",
    "survey-round-remind": "POST only, tested in tests/undersokelse",
    "survey-report-pdf": "PDF download, tested in tests/undersokelse",
    "survey-report-csv": "CSV download, tested in tests/undersokelse",
    "impl-project-save": "POST only, tested in tests/implementering",
    "impl-member-add": "POST only, tested in tests/implementering",
    "impl-item-add": "POST only, tested in tests/implementering",
    "impl-item-status": "POST only, tested in tests/implementering",
    "impl-feedback-reply": "POST only, tested in tests/implementering",
}
