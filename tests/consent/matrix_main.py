"""Matrix rows for the routes that arrived on main after the consent branch (caseflow,
security, handlingsveileder, samarbeid, oversikt, the cases API and search): what each
route needs in the URL, built on the case of the consent state (``ctx.case``) where the
route is about a case. ``tests/consent/matrix.py`` gives each spec its allowed cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.consent.helpers import StateCase


def case_kw(ctx: StateCase) -> dict[str, Any]:
    return {"case_id": ctx.case.pk}


def _personas(ctx: StateCase) -> dict[str, Any]:
    return ctx.extra["personas"]


def _cached(ctx: StateCase, key: str, build: Callable[[], Any]) -> Any:
    if key not in ctx.extra:
        ctx.extra[key] = build()
    return ctx.extra[key]


def _goal(ctx: StateCase) -> Any:
    from tests.samarbeid import helpers

    return _cached(ctx, "goal", lambda: helpers.goal(_personas(ctx), ctx.case))


def _measure(ctx: StateCase) -> dict[str, Any]:
    from tests.samarbeid import helpers

    measure = _cached(ctx, "measure", lambda: helpers.measure(_personas(ctx), ctx.case, _goal(ctx)))
    return {"case_id": ctx.case.pk, "measure_id": measure.pk}


def _meeting(ctx: StateCase) -> dict[str, Any]:
    from tests.samarbeid import helpers

    meeting = _cached(ctx, "meeting", lambda: helpers.meeting(_personas(ctx), ctx.case))
    return {"case_id": ctx.case.pk, "meeting_id": meeting.pk}


def _transition(key: str) -> Callable[[StateCase], dict[str, Any]]:
    """A transition to Solberg skole on a case of its own (a proposed transition opens the
    case to the school, which would change every other row), one per route."""

    def build(ctx: StateCase) -> dict[str, Any]:
        from tests.cases.helpers import case_on_level
        from tests.samarbeid import helpers

        def make() -> tuple[int, int]:
            case = case_on_level(_personas(ctx), 1)
            return case.pk, helpers.transition_to_school(_personas(ctx), case).pk

        case_id, transition_id = _cached(ctx, f"transition-{key}", make)
        return {"case_id": case_id, "transition_id": transition_id}

    return build


def _entry(ctx: StateCase) -> dict[str, Any]:
    from stafettlogg.models import Entry

    entry = Entry.objects.filter(case=ctx.case).order_by("seq").first()
    assert entry is not None
    return {"case_id": ctx.case.pk, "entry_id": entry.pk}


def _child(ctx: StateCase) -> dict[str, Any]:
    return {"child_id": ctx.case.child_id}


def _job(ctx: StateCase) -> dict[str, Any]:
    from samarbeid.models import PdfJob

    job = _cached(
        ctx,
        "job",
        lambda: PdfJob.objects.create(
            kommune_id=ctx.case.kommune_id, case=ctx.case, requested_by=_personas(ctx)["barnehagelaerer"], kind="logg"
        ),
    )
    return {"job_id": job.pk}


def _notification(ctx: StateCase) -> dict[str, Any]:
    from tests.routes import _notification as build

    return _cached(ctx, "notification", lambda: build(_personas(ctx)))


def _catalogue_item(ctx: StateCase) -> dict[str, Any]:
    from samarbeid import services

    item = _cached(
        ctx,
        "catalogue_item",
        lambda: services.catalogue_item_save(
            actor=_personas(ctx)["fagadmin"], name="Psykologisk førstehjelp", description="Samtaleverktøy."
        ),
    )
    return {"item_id": item.pk}


def _guide(ctx: StateCase) -> dict[str, Any]:
    from tests.routes import _hv_guide

    return {"guide_id": _hv_guide(_personas(ctx)).pk}


def _draft(ctx: StateCase) -> Any:
    from tests.routes import _hv_draft

    return _cached(ctx, "draft", lambda: _hv_draft(_personas(ctx)))


def _version(ctx: StateCase) -> dict[str, Any]:
    return {"version_id": _draft(ctx).pk}


def _step(ctx: StateCase) -> dict[str, Any]:
    return {"step_id": _draft(ctx).steps.order_by("level", "position").first().pk}


def _tool(ctx: StateCase) -> dict[str, Any]:
    from handlingsveileder.models import Tool

    def make() -> Any:
        step = _draft(ctx).steps.order_by("level", "position").first()
        return Tool.objects.create(
            kommune_id=step.kommune_id, step=step, title="Samtaleguide", url="https://example.org/"
        )

    return {"tool_id": _cached(ctx, "tool", make).pk}


def _case_step(ctx: StateCase) -> dict[str, Any]:
    from handlingsveileder.models import Step

    step = Step.objects.filter(version__guide__service__name="Barnehage", version__guide__kommune=ctx.case.kommune_id)
    first = step.order_by("-version_id", "level", "position").first()
    assert first is not None
    return {"case_id": ctx.case.pk, "step_id": first.pk}


def _search_marker(ctx: StateCase) -> str:
    return f"/saker/{ctx.case.pk}/"


def _slug(ctx: StateCase) -> dict[str, Any]:
    return {"slug": "eksempel"}


def _none(ctx: StateCase) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Spec:
    route: str
    kwargs: Callable[[StateCase], dict[str, Any]] = _none
    method: str = "GET"
    check: str = "status"
    query: str = ""
    json: bool = False
    marker: Callable[[StateCase], str] | None = None


POST_JSON: dict[str, Any] = {"method": "POST", "json": True}

SPECS: list[Spec] = [
    # bti, security, citizen
    Spec("ping"),
    Spec("security-overview"),
    Spec("mfa-verify"),
    Spec("mfa-enrol"),
    Spec("mfa-recovery-codes", method="POST"),
    Spec("security-step-up"),
    Spec("passkey-register-options", method="POST", json=True),
    Spec("passkey-register", method="POST", json=True),
    Spec("passkey-auth-options", method="POST", json=True),
    Spec("passkey-authenticate", method="POST", json=True),
    Spec("oidc-start", _slug, check="any"),
    Spec("oidc-callback", check="any"),
    Spec("citizen-home", check="any"),
    Spec("citizen-login", check="any"),
    # search
    Spec("search", query="q=Emma"),
    Spec("search", query="q=Emma", check="content", marker=_search_marker),
    # case pages
    Spec("cases:undring_new"),
    Spec("cases:my_cases"),
    Spec("cases:unit_cases"),
    Spec("cases:shared_cases"),
    Spec("cases:case_detail", case_kw),
    Spec("cases:case_detail", case_kw, check="content"),
    Spec("cases:sharing", case_kw),
    Spec("cases:identify", case_kw),
    Spec("cases:decision", case_kw),
    Spec("cases:level", case_kw),
    Spec("cases:close", case_kw),
    Spec("cases:reopen", case_kw),
    Spec("cases:guardian_add", case_kw),
    Spec("stafettlogg:timeline", case_kw),
    Spec("stafettlogg:timeline", case_kw, check="content"),
    Spec("stafettlogg:note_add", case_kw),
    Spec("stafettlogg:entry_correct", _entry),
    Spec("stafettlogg:handover_propose", case_kw),
    Spec("stafettlogg:handover_candidates", case_kw),
    Spec("stafettlogg:handover_accept", case_kw),
    Spec("stafettlogg:handover_decline", case_kw),
    Spec("stafettlogg:handover_withdraw", case_kw),
    # handlingsveileder
    Spec("hv-list"),
    Spec("hv-levels"),
    Spec("hv-guide", _guide),
    Spec("hv-guide-pdf", _guide),
    Spec("hv-draft-create", _guide, method="POST"),
    Spec("hv-import", _guide),
    Spec("hv-version", _version),
    Spec("hv-edit", _version),
    Spec("hv-step-new", _version),
    Spec("hv-diff", _version),
    Spec("hv-publish", _version),
    Spec("hv-export", _version),
    Spec("hv-step-edit", _step),
    Spec("hv-step-move", _step, method="POST"),
    Spec("hv-tool-add", _step, method="POST"),
    Spec("hv-tool-file", _tool),
    Spec("hv-tool-remove", _tool, method="POST"),
    Spec("hv-step-remove", _step, method="POST"),
    Spec("hv-case-steps", case_kw),
    Spec("hv-case-version", case_kw, method="POST"),
    Spec("hv-case-step", _case_step, method="POST"),
    # samarbeid
    Spec("case-plan", case_kw),
    Spec("case-goal-new", case_kw),
    Spec("case-measure-new", case_kw),
    Spec("case-measure-status", _measure),
    Spec("case-measure-evaluate", _measure),
    Spec("case-meetings", case_kw),
    Spec("case-meeting", _meeting),
    Spec("case-meeting-ics", _meeting),
    Spec("case-meeting-change", _meeting, method="POST"),
    Spec("case-meeting-cancel", _meeting, method="POST"),
    Spec("case-transition", case_kw),
    Spec("case-transition-answer", _transition("answer")),
    Spec("case-transition-withdraw", _transition("withdraw")),
    Spec("case-print", case_kw),
    Spec("case-close", case_kw),
    Spec("print-job", _job),
    Spec("print-job-download", _job),
    Spec("print-job-retry", _job, method="POST"),
    Spec("my-meetings"),
    Spec("incoming-transitions"),
    Spec("catalogue"),
    Spec("catalogue-new"),
    Spec("catalogue-edit", _catalogue_item),
    Spec("my-old-entries"),
    # oversikt
    Spec("notifications"),
    Spec("notification-settings"),
    Spec("notification-open", _notification),
    Spec("notification-read", _notification, method="POST"),
    Spec("notifications-read-all", method="POST"),
    Spec("overview"),
    Spec("overview-export-csv"),
    Spec("overview-export-xlsx"),
    Spec("overview-detect", method="POST"),
    # API
    Spec("api-children"),
    Spec("api-child", _child),
    Spec("api-cases"),
    Spec("api-case", case_kw),
    Spec("api-case-level", case_kw, **POST_JSON),
    Spec("api-case-close", case_kw, **POST_JSON),
    Spec("api-case-reopen", case_kw, **POST_JSON),
    Spec("api-case-identify", case_kw, **POST_JSON),
    Spec("api-case-sharing", case_kw, **POST_JSON),
    Spec("api-case-guardians", case_kw),
    Spec("api-case-entries", case_kw),
    Spec("api-case-entries", case_kw, check="content"),
    Spec("api-case-entry-correct", _entry, **POST_JSON),
    Spec("api-handover-propose", case_kw, **POST_JSON),
    Spec("api-handover-accept", case_kw, **POST_JSON),
    Spec("api-handover-decline", case_kw, **POST_JSON),
    Spec("api-handover-withdraw", case_kw, **POST_JSON),
    Spec("api-hv-list"),
    Spec("api-hv-guide", _guide),
    Spec("api-hv-version", _version),
    Spec("api-hv-case-steps", case_kw),
    Spec("api-hv-case-step", _case_step, **POST_JSON),
    Spec("api-goals", case_kw),
    Spec("api-measures", case_kw),
    Spec("api-measure-status", _measure, **POST_JSON),
    Spec("api-evaluations", _measure),
    Spec("api-meetings", case_kw),
    Spec("api-meeting-referat", _meeting, **POST_JSON),
    Spec("api-meeting-change", _meeting, **POST_JSON),
    Spec("api-meeting-cancel", _meeting, **POST_JSON),
    Spec("api-transitions", case_kw),
    Spec("api-transition-accept", _transition("api-accept"), **POST_JSON),
    Spec("api-transition-decline", _transition("api-decline"), **POST_JSON),
    Spec("api-pdf-jobs", case_kw, **POST_JSON),
    Spec("api-pdf-job", _job),
    Spec("api-pdf-job-download", _job),
    Spec("api-pdf-job-retry", _job, **POST_JSON),
    Spec("api-catalogue"),
    Spec("api-notifications"),
    Spec("api-notifications-unread"),
    Spec("api-notification-read", _notification, **POST_JSON),
    Spec("api-overview"),
    # Last before logout: they end the session (the test logs in again after them).
    Spec("citizen-logout", method="POST", check="any"),
    Spec("logout-everywhere", method="POST", check="any"),
]
