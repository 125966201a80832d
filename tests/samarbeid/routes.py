"""Sample URL kwargs for the samarbeid pages (merged into tests/routes.py SAMPLE_KWARGS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from samarbeid import services
from samarbeid.models import PdfJob
from tests.samarbeid import helpers


def _case(personas) -> dict[str, Any]:
    return {"case_id": helpers.plan_case(personas)["case"].pk}


def _measure(personas) -> dict[str, Any]:
    built = helpers.plan_case(personas)
    return {"case_id": built["case"].pk, "measure_id": built["measure"].pk}


def _meeting(personas) -> dict[str, Any]:
    built = helpers.plan_case(personas)
    return {"case_id": built["case"].pk, "meeting_id": built["meeting"].pk}


def _transition(personas) -> dict[str, Any]:
    case = helpers.plan_case(personas)["case"]
    return {"case_id": case.pk, "transition_id": helpers.transition_to_school(personas, case).pk}


def _catalogue_item(personas) -> dict[str, Any]:
    item = services.catalogue_item_save(
        actor=personas["fagadmin"], name="Psykologisk førstehjelp", description="Samtaleverktøy for barn 8–15 år."
    )
    return {"item_id": item.pk}


def _job(personas) -> dict[str, Any]:
    case = helpers.plan_case(personas)["case"]
    job = PdfJob.objects.create(
        kommune_id=case.kommune_id, case=case, requested_by=personas["barnehagelaerer"], kind="logg"
    )
    return {"job_id": job.pk}


SAMPLE_KWARGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "case-plan": _case,
    "case-goal-new": _case,
    "case-measure-new": _case,
    "case-measure-status": _measure,
    "case-measure-evaluate": _measure,
    "case-meetings": _case,
    "case-meeting": _meeting,
    "case-transition": _case,
    "case-transition-answer": _transition,
    "case-transition-withdraw": _transition,
    "case-print": _case,
    "case-close": _case,
    "print-job": _job,
    "print-job-download": _job,
    "print-job-retry": _job,
    "catalogue-edit": _catalogue_item,
}
