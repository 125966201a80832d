"""Every route the suite requests as every persona.

A route with URL parameters needs an entry in ``SAMPLE_KWARGS`` (a function that builds
an object the demo personas can reach and returns the kwargs); the guard test fails on a
route that has neither, so a new page cannot escape the whole-site checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


def _notification(personas: dict[str, Any]) -> dict[str, Any]:
    from oversikt.models import Notification, NotificationKind

    user = personas["barnehagelaerer"]
    n = Notification.objects.create(kommune_id=user.kommune_id, user=user, kind=NotificationKind.ALARM, text="Test")
    return {"notification_id": n.pk}


def _case_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    """A nivå 1 case of Lia barnehage with a few log entries, handover proposed to the school."""
    from cases.models import Case
    from tests.cases.helpers import case_on_level

    case = Case.objects.filter(owner_unit__name="Lia barnehage", level=1).first()
    if case is None:
        case = case_on_level(personas, 1)
        from stafettlogg import services as log_services

        log_services.note_add(actor=personas["barnehagelaerer"], case_id=case.pk, kind="notat", text="Samtale i dag.")
        log_services.handover_propose(
            actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["kontaktlaerer"].pk
        )
    return {"case_id": case.pk}


def _entry_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    from stafettlogg.models import Entry

    kwargs = _case_kwargs(personas)
    entry = Entry.objects.filter(case_id=kwargs["case_id"]).order_by("seq").first()
    assert entry is not None
    return {**kwargs, "entry_id": entry.pk}


_CASE_ROUTES = [
    "cases:case_detail",
    "cases:sharing",
    "cases:identify",
    "cases:decision",
    "cases:level",
    "cases:close",
    "cases:reopen",
    "cases:guardian_add",
    "stafettlogg:timeline",
    "stafettlogg:note_add",
    "stafettlogg:handover_propose",
    "stafettlogg:handover_candidates",
    "stafettlogg:handover_accept",
    "stafettlogg:handover_decline",
    "stafettlogg:handover_withdraw",
]

# url name -> builder(personas) -> kwargs
SAMPLE_KWARGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = dict.fromkeys(_CASE_ROUTES, _case_kwargs)
SAMPLE_KWARGS["stafettlogg:entry_correct"] = _entry_kwargs
SAMPLE_KWARGS["notification-open"] = _notification


def _hv_guide(personas: dict[str, Any]) -> Any:
    from handlingsveileder.models import Handlingsveileder

    return Handlingsveileder.objects.get(kommune=personas["fagadmin"].kommune, service__name="Barnehage")


def _hv_draft(personas: dict[str, Any]) -> Any:
    from handlingsveileder import services

    return services.draft_create(actor=personas["fagadmin"], guide_id=_hv_guide(personas).pk)


def _hv_case(personas: dict[str, Any]) -> dict[str, Any]:
    from bti.models import Unit
    from cases.services import undring_create

    case = undring_create(
        actor=personas["barnehagelaerer"],
        unit_id=Unit.objects.get(name="Lia barnehage").pk,
        observation="Et eksempel på en undring.",
        anonymous_label="E.K.",
    )
    return {"case_id": case.pk}


SAMPLE_KWARGS.update(
    {
        "hv-guide": lambda p: {"guide_id": _hv_guide(p).pk},
        "hv-import": lambda p: {"guide_id": _hv_guide(p).pk},
        "hv-version": lambda p: {"version_id": _hv_draft(p).pk},
        "hv-edit": lambda p: {"version_id": _hv_draft(p).pk},
        "hv-step-new": lambda p: {"version_id": _hv_draft(p).pk},
        "hv-diff": lambda p: {"version_id": _hv_draft(p).pk},
        "hv-publish": lambda p: {"version_id": _hv_draft(p).pk},
        "hv-step-edit": lambda p: {"step_id": _hv_draft(p).steps.order_by("level", "position").first().pk},
        "hv-case-steps": _hv_case,
    }
)


def _consent_case(personas: dict[str, Any]) -> Any:
    from tests.consent.helpers import case_in_state

    return case_in_state(personas, "valid")


def _consent_case_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    return {"case_id": _consent_case(personas).case.pk}


def _consent_withdraw_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    ctx = _consent_case(personas)
    return {"case_id": ctx.case.pk, "consent_id": ctx.consent.pk}


def _drofting_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    return {"drofting_id": _consent_case(personas).drofting.pk}


def _review_mark_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    from bti.innsyn import record_access

    ctx = _consent_case(personas)
    record_access(user=personas["ppt"], obj_type="stafettlogg", obj_id=ctx.case.pk, case=ctx.case)
    from bti.models import AccessLogEntry

    return {"entry_id": AccessLogEntry.objects.filter(case_id=ctx.case.pk).latest("pk").pk}


def _person_innsyn_kwargs(personas: dict[str, Any]) -> dict[str, Any]:
    case = _consent_case(personas).case
    return {"child_id": case.child_id}


SAMPLE_KWARGS.update(
    {
        # innsyn per person (issue 15 item 5)
        "innsyn-person": _person_innsyn_kwargs,
        "innsyn-person-pdf": _person_innsyn_kwargs,
        "innsyn-person-json": _person_innsyn_kwargs,
        # consent (issue #6)
        "samtykke": _consent_case_kwargs,
        "samtykke-trekk": _consent_withdraw_kwargs,
        "melding-barnevern": _consent_case_kwargs,
        "anonym-drofting": _consent_case_kwargs,
        "samtykke-logg": _consent_case_kwargs,
        "innsyn": _consent_case_kwargs,
        "innsyn-pdf": _consent_case_kwargs,
        "innsyn-json": _consent_case_kwargs,
        "drofting-les": _drofting_kwargs,
        "drofting-bekreft": _drofting_kwargs,
        "tilgangskontroll-merk": _review_mark_kwargs,
    }
)

# Routes not fetched as HTML pages by the whole-site test (with the reason).
NOT_PAGES = {
    "logout": "POST only",
    "set_language": "POST only: the language switcher, tested in tests/bti/test_i18n.py",
    "healthz": "JSON, tested in test_health.py",
    "ping": "plain text, the benchmark's bare view",
    "api-schema": "API schema, tested in the API tests",
    "api-docs": "Swagger UI loads from the API, tested in the API tests",
    "oidc-start": "redirects to the kommune's identity provider, tested in tests/bti/test_oidc.py",
    "oidc-callback": "called by the identity provider, tested in tests/bti/test_oidc.py",
    "logout-everywhere": "POST only",
    "mfa-recovery-codes": "POST only",
    "citizen-logout": "POST only",
    "passkey-register-options": "JSON for static/js/passkeys.js, tested in tests/bti/test_passkeys.py",
    "passkey-register": "POST only (JSON)",
    "passkey-auth-options": "JSON for static/js/passkeys.js, tested in tests/bti/test_passkeys.py",
    "passkey-authenticate": "POST only (JSON)",
    "hv-guide-pdf": "PDF, tested in tests/handlingsveileder/test_views.py",
    "hv-export": "JSON download, tested in tests/handlingsveileder/test_exchange.py",
    "hv-tool-file": "file download, tested in tests/handlingsveileder/test_views.py",
    "hv-draft-create": "POST only",
    "hv-step-move": "POST only",
    "hv-step-remove": "POST only",
    "hv-tool-add": "POST only",
    "hv-tool-remove": "POST only",
    "hv-case-version": "POST only",
    "hv-case-step": "POST only",
    "notification-read": "POST only, tested in tests/oversikt",
    "notifications-read-all": "POST only, tested in tests/oversikt",
    "overview-detect": "POST only, tested in tests/oversikt",
    "print-job-retry": "POST only, tested in tests/samarbeid/test_pdfjobs.py",
    "overview-export-csv": "file download, tested in tests/oversikt",
    "overview-export-xlsx": "file download, tested in tests/oversikt",
    "tilgangskontroll-merk": "POST only, tested in tests/consent",
    "drofting-bekreft": "POST only, tested in tests/consent/test_drofting.py",
    "innsyn-pdf": "PDF download, tested in tests/consent (slow to render for every persona)",
    "innsyn-json": "JSON download, tested in tests/consent",
    "innsyn-person-pdf": "PDF download, tested in tests/consent/test_person_innsyn.py",
    "innsyn-person-json": "JSON download, tested in tests/consent/test_person_innsyn.py",
    "case-meeting-ics": "calendar file, tested in tests/samarbeid/test_invitations.py",
    "case-meeting-change": "POST only, tested in tests/samarbeid/test_meeting_changes.py",
    "case-meeting-cancel": "POST only, tested in tests/samarbeid/test_meeting_changes.py",
    "stafettlogg:handover_candidates": "htmx partial (search hits), tested in tests/stafettlogg/test_views.py",
}


def iter_patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> list[tuple[str, str, Any]]:
    """(qualified name, route, callback) for every pattern, admin excluded."""
    resolver = resolver or get_resolver()
    found: list[tuple[str, str, Any]] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += iter_patterns(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            found.append((name, prefix + str(pattern.pattern), pattern.callback))
    return found


# Pages of the samarbeid app (plans, meetings, transitions, printing, closing).
from tests.samarbeid.routes import SAMPLE_KWARGS as _SAMARBEID  # noqa: E402

SAMPLE_KWARGS.update(_SAMARBEID)

# The BTI-undersøkelsen and the implementation support (issue 19).
from tests.undersokelse.routes import NOT_PAGES as _BTI_NOT_PAGES  # noqa: E402
from tests.undersokelse.routes import SAMPLE_KWARGS as _BTI_KOMMUNE  # noqa: E402

SAMPLE_KWARGS.update(_BTI_KOMMUNE)
NOT_PAGES.update(_BTI_NOT_PAGES)
# The kommune's administration and the BTI-koordinator (issue 16).
from tests.kommuneadmin.routes import NOT_PAGES as _KA_NOT_PAGES  # noqa: E402
from tests.kommuneadmin.routes import SAMPLE_KWARGS as _KOMMUNEADMIN  # noqa: E402

SAMPLE_KWARGS.update(_KOMMUNEADMIN)
NOT_PAGES.update(_KA_NOT_PAGES)

# The family portal (issue 14).
from tests.familie.routes import NOT_PAGES as _FAMILIE_NOT_PAGES  # noqa: E402
from tests.familie.routes import SAMPLE_KWARGS as _FAMILIE  # noqa: E402

SAMPLE_KWARGS.update(_FAMILIE)
NOT_PAGES.update(_FAMILIE_NOT_PAGES)
# Archive, retention and deletion (issue 15).
from tests.arkiv.routes import NOT_PAGES as _ARKIV_NOT_PAGES  # noqa: E402
from tests.arkiv.routes import SAMPLE_KWARGS as _ARKIV  # noqa: E402

SAMPLE_KWARGS.update(_ARKIV)
NOT_PAGES.update(_ARKIV_NOT_PAGES)
