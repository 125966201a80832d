"""The access matrix (issue #6 point 10): route × persona × consent state → allowed or denied.

One row per route (and method / check). ``test_matrix.py`` requests every row as every
persona in every consent state and fails on any cell that differs, and on any route of
the URL resolver without a row. To add a route from another branch, add a ``Row``.

Consent states (tests/consent/helpers.py): ``none``; ``valid`` (PPT: stafettlogg + plan og
tiltak); ``expired``; ``withdrawn``; ``refused``; ``other_category`` (PPT: kartlegging
only); ``barnevern`` (melding på opplysningsplikt, barnevern involved without consent).

Checks:
* ``status``: allowed = the gate let the request through (2xx, 400 with form errors, or a
  redirect that is not to the login page); denied = 404/403 or a redirect to login.
* ``any``: allowed unless 404/403 (logout redirects everyone to the login page).
* ``content``: allowed = the marker of the row (secret note text, search hit) is in the
  body; denied = 404 or the marker is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.arkiv import routes as arkiv_routes
from tests.consent.helpers import SECRET_NOTE, STATES, StateCase
from tests.consent.matrix_main import (
    _case_step,
    _catalogue_item,
    _child,
    _entry,
    _guide,
    _job,
    _measure,
    _meeting,
    _none,
    _notification,
    _search_marker,
    _slug,
    _step,
    _tool,
    _transition,
    _version,
)
from tests.kommuneadmin import routes as ka_routes

ALL = frozenset(STATES)
NONE: frozenset[str] = frozenset()

LOGGED_IN = (
    "barnehagelaerer",
    "styrer",
    "kontaktlaerer",
    "rektor",
    "ppt",
    "helsesykepleier",
    "barnehagelaerer2",
    "fagadmin",
    "kommunalsjef",
    "kommuneadmin",
    "bti_koordinator",
    "sysadmin",
    "utenforstaaende",
    "barnevern",
    "korus",
)
PERSONAS = ("anonym", *LOGGED_IN)


def only(**allowed: frozenset[str]) -> Mapping[str, frozenset[str]]:
    return {p: allowed.get(p, NONE) for p in PERSONAS}


def everyone_logged_in() -> Mapping[str, frozenset[str]]:
    return {p: (NONE if p == "anonym" else ALL) for p in PERSONAS}


def public() -> Mapping[str, frozenset[str]]:
    return dict.fromkeys(PERSONAS, ALL)


# The case's own people: barnehagelaerer (owner unit, stafettholder) and styrer (owner unit leader).
OWN = {"barnehagelaerer": ALL, "styrer": ALL}
# Who may open the case: own people, PPT while a consent scope is valid, barnevern on its basis.
CASE_READERS = only(**OWN, ppt=frozenset({"valid", "other_category"}), barnevern=frozenset({"barnevern"}))
# A plan or meeting object by id: only readers of «Plan og tiltak» find it (issue 13, the read gate).
PLAN_READERS = only(**OWN, ppt=frozenset({"valid"}), barnevern=frozenset({"barnevern"}))
# Who may read the stafettlogg category: PPT only with the category in the consent.
LOG_READERS = only(**OWN, ppt=frozenset({"valid"}), barnevern=frozenset({"barnevern"}))
CASE_OWN = only(**OWN)


def case_kw(ctx: StateCase) -> dict[str, Any]:
    return {"case_id": ctx.case.pk}


def no_kw(ctx: StateCase) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Row:
    route: str
    allow: Mapping[str, frozenset[str]]
    kwargs: Callable[[StateCase], dict[str, Any]] = no_kw
    method: str = "GET"
    check: str = "status"
    query: str = ""
    marker: Callable[[StateCase], str] = field(default=lambda ctx: SECRET_NOTE)
    json: bool = False
    data: Mapping[str, str] | None = None  # a POST's form body


# Everyone of the demo kommune (not the outsider from another kommune).
SAME_KOMMUNE = {p: (NONE if p in ("anonym", "utenforstaaende", "korus") else ALL) for p in PERSONAS}
# The sending unit (stafettholder, leader) and the receiving school of a proposed transition.
TRANSITION_PEOPLE = only(barnehagelaerer=ALL, styrer=ALL, kontaktlaerer=ALL, rektor=ALL)

# The leader overview: unit leaders for their units, kommunalsjef and BTI-koordinator for the kommune.
LEADERS = only(styrer=ALL, rektor=ALL, kommunalsjef=ALL, bti_koordinator=ALL)

# Routes after which the test logs the persona in again.
SESSION_ENDERS = {"logout", "logout-everywhere", "citizen-logout"}

MAIN_ROWS: list[Row] = [
    Row("ping", everyone_logged_in()),
    Row("security-overview", everyone_logged_in()),
    Row("mfa-verify", everyone_logged_in()),
    Row("mfa-enrol", everyone_logged_in()),
    Row("mfa-recovery-codes", everyone_logged_in(), method="POST"),
    Row("security-step-up", everyone_logged_in()),
    Row("passkey-register-options", everyone_logged_in(), method="POST", json=True),
    Row("passkey-register", everyone_logged_in(), method="POST", json=True),
    # No persona has a passkey: 404 for everyone.
    Row("passkey-auth-options", only(), method="POST", json=True),
    Row("passkey-authenticate", everyone_logged_in(), method="POST", json=True),
    # The demo kommune has no identity provider configured: 404 for everyone.
    Row("oidc-start", only(), _slug, check="any"),
    Row("oidc-callback", public(), check="any"),
    Row("citizen-home", public(), check="any"),
    Row("citizen-login", public(), check="any"),
    # search: the page for everyone; a hit only for those who may open the case.
    # Search is a POST (no name in the URL, issue 13 item 6).
    Row("search", everyone_logged_in()),
    Row("search", everyone_logged_in(), method="POST", data={"q": "Emma"}),
    Row("search", CASE_READERS, method="POST", data={"q": "Emma"}, check="content", marker=_search_marker),
    Row("cases:undring_new", everyone_logged_in()),
    Row("cases:my_cases", everyone_logged_in()),
    Row("cases:unit_cases", everyone_logged_in()),
    Row("cases:shared_cases", everyone_logged_in()),
    Row("cases:case_detail", CASE_READERS, case_kw),
    Row("cases:case_detail", LOG_READERS, case_kw, check="content"),
    Row("cases:sharing", only(), case_kw),
    Row("cases:identify", CASE_OWN, case_kw),
    Row("cases:decision", only(), case_kw),
    Row("cases:level", CASE_OWN, case_kw),
    Row("cases:close", CASE_OWN, case_kw),
    Row("cases:reopen", only(), case_kw),
    Row("cases:guardian_add", CASE_OWN, case_kw),
    Row("stafettlogg:timeline", CASE_READERS, case_kw),
    Row("stafettlogg:timeline", LOG_READERS, case_kw, check="content"),
    Row("stafettlogg:note_add", CASE_OWN, case_kw),
    Row("stafettlogg:entry_correct", CASE_OWN, _entry),
    Row("stafettlogg:handover_propose", CASE_OWN, case_kw),
    Row("stafettlogg:handover_candidates", CASE_OWN, case_kw),
    Row("stafettlogg:handover_accept", CASE_READERS, case_kw),
    Row("stafettlogg:handover_decline", CASE_READERS, case_kw),
    Row("stafettlogg:handover_withdraw", CASE_OWN, case_kw),
    Row("hv-list", everyone_logged_in()),
    Row("hv-levels", only(sysadmin=ALL)),
    Row("hv-guide", SAME_KOMMUNE, _guide),
    Row("hv-guide-pdf", SAME_KOMMUNE, _guide),
    Row("hv-draft-create", only(fagadmin=ALL, sysadmin=ALL), _guide, method="POST"),
    Row("hv-import", only(fagadmin=ALL, sysadmin=ALL), _guide),
    Row("hv-version", only(fagadmin=ALL, sysadmin=ALL), _version),
    Row("hv-edit", only(fagadmin=ALL, sysadmin=ALL), _version),
    Row("hv-step-new", only(fagadmin=ALL, sysadmin=ALL), _version),
    Row("hv-diff", only(fagadmin=ALL, sysadmin=ALL), _version),
    Row("hv-publish", only(fagadmin=ALL, sysadmin=ALL), _version),
    Row("hv-export", only(fagadmin=ALL, sysadmin=ALL), _version),
    Row("hv-step-edit", only(fagadmin=ALL, sysadmin=ALL), _step),
    Row("hv-step-move", only(fagadmin=ALL, sysadmin=ALL), _step, method="POST"),
    Row("hv-tool-add", only(fagadmin=ALL, sysadmin=ALL), _step, method="POST"),
    # A link tool has no file: 404 for everyone. The remove row runs once per state, so the
    # first persona allowed (fagadmin) removes it and sysadmin then gets 404.
    Row("hv-tool-file", only(), _tool),
    Row("hv-tool-remove", only(fagadmin=ALL), _tool, method="POST"),
    Row("hv-step-remove", only(fagadmin=ALL, sysadmin=ALL), _step, method="POST"),
    Row("hv-case-steps", CASE_READERS, case_kw),
    Row("hv-case-version", CASE_OWN, case_kw, method="POST"),
    Row("hv-case-step", CASE_OWN, _case_step, method="POST"),
    # samarbeid: the plan and meeting pages are read pages for every case reader.
    Row("case-plan", CASE_READERS, case_kw),
    Row("case-goal-new", CASE_READERS, case_kw),
    Row("case-measure-new", CASE_READERS, case_kw),
    Row("case-measure-status", CASE_READERS, _measure),
    Row("case-measure-evaluate", PLAN_READERS, _measure),
    Row("case-meetings", CASE_READERS, case_kw),
    Row("case-meeting", PLAN_READERS, _meeting),
    Row("case-meeting-ics", PLAN_READERS, _meeting),
    # Change and cancel: an empty form is refused with a message (400), nothing changes.
    Row("case-meeting-change", PLAN_READERS, _meeting, method="POST"),
    Row("case-meeting-cancel", PLAN_READERS, _meeting, method="POST"),
    Row("case-transition", CASE_READERS, case_kw),
    # A transition to Solberg skole on a case of its own: the sending and the receiving unit.
    Row("case-transition-answer", TRANSITION_PEOPLE, _transition("answer")),
    Row("case-transition-withdraw", TRANSITION_PEOPLE, _transition("withdraw")),
    Row("case-print", CASE_READERS, case_kw),
    Row("case-close", CASE_READERS, case_kw),
    Row("case-storage", CASE_READERS, case_kw),
    # The job belongs to its requester; it is not rendered, so the download is 404 for all.
    Row("print-job", only(barnehagelaerer=ALL), _job),
    Row("print-job-download", only(), _job),
    Row("print-job-retry", only(barnehagelaerer=ALL), _job, method="POST"),
    Row("my-meetings", everyone_logged_in()),
    Row("incoming-transitions", everyone_logged_in()),
    Row("catalogue", everyone_logged_in()),
    Row("catalogue-new", everyone_logged_in()),
    Row("catalogue-edit", everyone_logged_in(), _catalogue_item),
    Row("my-old-entries", everyone_logged_in()),
    Row("notifications", everyone_logged_in()),
    Row("notification-settings", everyone_logged_in()),
    Row("notification-open", only(barnehagelaerer=ALL), _notification),
    Row("notification-read", only(barnehagelaerer=ALL), _notification, method="POST"),
    Row("notifications-read-all", everyone_logged_in(), method="POST"),
    Row("overview", LEADERS),
    Row("overview-export-csv", LEADERS),
    Row("overview-export-xlsx", LEADERS),
    Row("overview-detect", LEADERS, method="POST"),
    Row("api-children", everyone_logged_in()),
    Row("api-child", CASE_READERS, _child),
    Row("api-cases", everyone_logged_in()),
    Row("api-case", CASE_READERS, case_kw),
    Row("api-case-storage", CASE_READERS, case_kw),
    # The matrix posts an empty body: these endpoints validate the body before the case
    # gate, so everyone logged in gets 400 (never 2xx); the gate for valid bodies is tested
    # in tests/cases/test_api.py and tests/samarbeid/test_api.py.
    Row("api-case-level", everyone_logged_in(), case_kw, method="POST", json=True),
    Row("api-case-close", everyone_logged_in(), case_kw, method="POST", json=True),
    Row("api-case-reopen", everyone_logged_in(), case_kw, method="POST", json=True),
    Row("api-case-identify", everyone_logged_in(), case_kw, method="POST", json=True),
    Row("api-case-sharing", everyone_logged_in(), case_kw, method="POST", json=True),
    Row("api-case-guardians", CASE_READERS, case_kw),
    Row("api-case-entries", CASE_READERS, case_kw),
    Row("api-case-entries", LOG_READERS, case_kw, check="content"),
    Row("api-case-entry-correct", everyone_logged_in(), _entry, method="POST", json=True),
    Row("api-handover-propose", everyone_logged_in(), case_kw, method="POST", json=True),
    Row("api-handover-accept", CASE_READERS, case_kw, method="POST", json=True),
    Row("api-handover-decline", everyone_logged_in(), case_kw, method="POST", json=True),
    Row("api-handover-withdraw", CASE_OWN, case_kw, method="POST", json=True),
    Row("api-hv-list", everyone_logged_in()),
    Row("api-hv-guide", SAME_KOMMUNE, _guide),
    Row("api-hv-version", only(fagadmin=ALL, sysadmin=ALL), _version),
    Row("api-hv-case-steps", CASE_READERS, case_kw),
    Row("api-hv-case-step", everyone_logged_in(), _case_step, method="POST", json=True),
    Row("api-goals", CASE_READERS, case_kw),
    Row("api-measures", CASE_READERS, case_kw),
    Row("api-measure-status", everyone_logged_in(), _measure, method="POST", json=True),
    Row("api-evaluations", PLAN_READERS, _measure),
    Row("api-meetings", CASE_READERS, case_kw),
    Row("api-meeting-referat", everyone_logged_in(), _meeting, method="POST", json=True),
    Row("api-meeting-change", everyone_logged_in(), _meeting, method="POST", json=True),
    Row("api-meeting-cancel", everyone_logged_in(), _meeting, method="POST", json=True),
    Row("api-transitions", CASE_READERS, case_kw),
    Row("api-transition-accept", TRANSITION_PEOPLE, _transition("api-accept"), method="POST", json=True),
    Row("api-transition-decline", TRANSITION_PEOPLE, _transition("api-decline"), method="POST", json=True),
    Row("api-pdf-jobs", CASE_READERS, case_kw, method="POST", json=True),
    Row("api-pdf-job", only(barnehagelaerer=ALL), _job),
    Row("api-pdf-job-download", only(), _job),
    Row("api-pdf-job-retry", only(barnehagelaerer=ALL), _job, method="POST", json=True),
    Row("api-catalogue", everyone_logged_in()),
    Row("api-notifications", everyone_logged_in()),
    Row("api-notifications-unread", everyone_logged_in()),
    Row("api-notification-read", only(barnehagelaerer=ALL), _notification, method="POST", json=True),
    Row("api-overview", LEADERS),
    # Session enders: the test logs the persona in again after each.
    Row("citizen-logout", public(), method="POST", check="any"),
    Row("logout-everywhere", public(), method="POST", check="any"),
]


def _survey_kw(ctx: StateCase) -> dict[str, Any]:
    from tests.undersokelse.routes import _round

    return _round(ctx.extra["personas"])


def _kommune_kw(ctx: StateCase) -> dict[str, Any]:
    return {"kommune_id": ctx.extra["personas"]["barnehagelaerer"].kommune_id}


def _item_kw(ctx: StateCase) -> dict[str, Any]:
    from tests.undersokelse.routes import _item

    return _item(ctx.extra["personas"])


def _feedback_kw(ctx: StateCase) -> dict[str, Any]:
    from tests.undersokelse.routes import _feedback

    return _feedback(ctx.extra["personas"])


# BTI-undersøkelsen and implementation support (issue 19). The round is opened by KoRus for
# Lia barnehage: its people may answer; KoRus and the BTI-koordinator run it; the kommune's
# aggregate roles read results. POSTs with an empty body are refused with a message (302).
SURVEY_RUN = only(korus=ALL, bti_koordinator=ALL)
SURVEY_READ = only(korus=ALL, bti_koordinator=ALL, kommunalsjef=ALL)
LIA = only(barnehagelaerer=ALL, styrer=ALL, fagadmin=ALL)
IMPL_READ = only(kommunalsjef=ALL, bti_koordinator=ALL)
# Leaders of a unit (training of their own staff, feedback to them) and the koordinator.
IMPL_LEADERS = only(styrer=ALL, rektor=ALL, bti_koordinator=ALL)
BTI_KOMMUNE_ROWS: list[Row] = [
    Row("survey-home", everyone_logged_in()),
    Row("survey-kommune", SURVEY_READ, _kommune_kw),
    Row("survey-round-new", SURVEY_RUN, _kommune_kw),
    Row("survey-round", SURVEY_READ, _survey_kw),
    Row("survey-round-edit", SURVEY_RUN, _survey_kw),
    Row("survey-round-open", SURVEY_RUN, _survey_kw, method="POST"),
    Row("survey-round-close", SURVEY_RUN, _survey_kw, method="POST"),
    Row("survey-round-remind", SURVEY_RUN, _survey_kw, method="POST"),
    Row("survey-answer", LIA, _survey_kw),
    Row("survey-results", SURVEY_READ, _survey_kw),
    Row("survey-report-pdf", SURVEY_READ, _survey_kw),
    Row("survey-report-csv", SURVEY_READ, _survey_kw),
    Row("impl-project", IMPL_READ),
    Row("impl-project-save", only(bti_koordinator=ALL), method="POST"),
    Row("impl-member-add", only(bti_koordinator=ALL), method="POST"),
    Row("impl-item-add", only(bti_koordinator=ALL), method="POST"),
    Row("impl-item-status", only(bti_koordinator=ALL), _item_kw, method="POST"),
    Row("impl-kartlegging", IMPL_READ),
    Row("impl-training", IMPL_LEADERS),
    Row("impl-feedback-inbox", IMPL_LEADERS),
    Row("impl-feedback-reply", IMPL_LEADERS, _feedback_kw, method="POST"),
    Row("feedback", everyone_logged_in()),
    # The same over the API (the POSTs' empty body is refused with 400 and a reason).
    Row("api-survey-kommuner", everyone_logged_in()),
    Row("api-survey-invitations", everyone_logged_in()),
    Row("api-survey-rounds", SURVEY_READ, _kommune_kw),
    Row("api-survey-rounds", SURVEY_RUN, _kommune_kw, method="POST", json=True),
    Row("api-survey-round", SURVEY_READ, _survey_kw),
    Row("api-survey-round-open", SURVEY_RUN, _survey_kw, method="POST", json=True),
    Row("api-survey-round-close", SURVEY_RUN, _survey_kw, method="POST", json=True),
    Row("api-survey-round-remind", SURVEY_RUN, _survey_kw, method="POST", json=True),
    Row("api-survey-answer", LIA, _survey_kw),
    Row("api-survey-answer", LIA, _survey_kw, method="POST", json=True),
    Row("api-survey-results", SURVEY_READ, _survey_kw),
    Row("api-survey-report-csv", SURVEY_READ, _survey_kw),
    Row("api-impl-project", IMPL_READ),
    Row("api-impl-members", only(bti_koordinator=ALL), method="POST", json=True),
    Row("api-impl-items", only(bti_koordinator=ALL), method="POST", json=True),
    Row("api-impl-item-status", only(bti_koordinator=ALL), _item_kw, method="POST", json=True),
    Row("api-impl-kartlegging", IMPL_READ),
    Row("api-impl-kartlegging", only(bti_koordinator=ALL), method="POST", json=True),
    Row("api-impl-training", IMPL_LEADERS),
    Row("api-impl-training", IMPL_LEADERS, method="POST", json=True),
    Row("api-impl-inbox", IMPL_LEADERS),
    # The feedback is to the BTI-koordinator: a unit leader may not answer it over the API.
    Row("api-impl-feedback-reply", only(bti_koordinator=ALL), _feedback_kw, method="POST", json=True),
    Row("api-feedback", everyone_logged_in()),
    Row("api-feedback", everyone_logged_in(), method="POST", json=True),
    Row("api-feedback-by-code", everyone_logged_in(), method="POST", json=True),
]

ROWS: list[Row] = [
    # bti
    Row("home", everyone_logged_in()),
    Row("login", public()),
    Row("accessibility", public()),
    Row("healthz", public()),
    Row("api-me", everyone_logged_in()),
    # The schema and Swagger UI require login on main (bti/urls.py wraps them in ``authenticated``).
    Row("api-schema", everyone_logged_in()),
    Row("api-docs", everyone_logged_in()),
    # consent pages
    Row("samtykke", CASE_READERS, case_kw),
    Row("samtykke", CASE_OWN, case_kw, method="POST"),
    Row(
        "samtykke-trekk",
        CASE_OWN,
        lambda ctx: {"case_id": ctx.case.pk, "consent_id": ctx.extra["nav_consent"].pk},
    ),
    Row(
        "samtykke-trekk",
        CASE_OWN,
        lambda ctx: {"case_id": ctx.case.pk, "consent_id": ctx.extra["nav_consent"].pk},
        method="POST",
    ),
    Row("melding-barnevern", CASE_OWN, case_kw),
    Row("melding-barnevern", CASE_OWN, case_kw, method="POST"),
    Row("anonym-drofting", CASE_OWN, case_kw),
    Row("anonym-drofting", CASE_OWN, case_kw, method="POST"),
    Row("innsyn", CASE_OWN, case_kw),
    Row("innsyn-pdf", CASE_OWN, case_kw),
    Row("innsyn-json", CASE_OWN, case_kw),
    # Innsyn per person (issue 15 item 5): the kommune's administrator only, behind step-up;
    # what the package holds is asserted with markers in tests/consent/test_person_innsyn.py.
    Row("innsyn-person-sok", only(kommuneadmin=ALL), _none),
    Row("innsyn-person", only(kommuneadmin=ALL), _child),
    Row("innsyn-person-pdf", only(kommuneadmin=ALL), _child),
    Row("innsyn-person-json", only(kommuneadmin=ALL), _child),
    Row("api-innsyn-person-sok", only(kommuneadmin=ALL), _none, method="POST", json=True),
    Row("api-innsyn-person", only(kommuneadmin=ALL), _child),
    Row("drofting-les", only(barnehagelaerer=ALL, ppt=ALL), lambda ctx: {"drofting_id": ctx.drofting.pk}),
    # A summary with a flagged word: only its writer sees or confirms it until it is shared.
    Row("drofting-les", only(barnehagelaerer=ALL), lambda ctx: {"drofting_id": ctx.extra["drofting_flagged"].pk}),
    Row(
        "drofting-bekreft",
        only(barnehagelaerer=ALL),
        lambda ctx: {"drofting_id": ctx.extra["drofting_flagged"].pk},
        method="POST",
    ),
    Row("tilgangskontroll", everyone_logged_in()),
    # Time-limited access (issue 16): the owning unit's leader only.
    Row("case-access-grants", only(styrer=ALL), case_kw),
    Row("case-access-grants", only(styrer=ALL), case_kw, method="POST"),
    Row("case-access-grant-end", only(styrer=ALL), ka_routes.grant_kw, method="POST"),
    Row("api-tilganger", only(styrer=ALL), case_kw),
    Row("api-tilganger", only(styrer=ALL), case_kw, method="POST", json=True),
    Row("api-tilgang-avslutt", only(styrer=ALL), ka_routes.grant_kw, method="POST", json=True),
    # Samordning and individuell plan (issue 16): readers of the case read, the coordinators write.
    Row("samordning", CASE_READERS, case_kw),
    Row("samordning", LOG_READERS, case_kw, check="content", marker=lambda ctx: "Hvem koordinerer</h2>"),
    Row("samordning-koordinering", CASE_OWN, case_kw),
    Row("samordning-koordinering", CASE_OWN, case_kw, method="POST"),
    Row("samordning-barnekoordinator", CASE_OWN, case_kw),
    Row("samordning-barnekoordinator", CASE_OWN, case_kw, method="POST"),
    # The case has no barnekoordinator: 404 for everyone.
    Row("samordning-barnekoordinator-slutt", only(), case_kw),
    Row("individuell-plan", CASE_OWN, case_kw),
    Row("individuell-plan-json", CASE_OWN, case_kw),
    Row("individuell-plan-pdf", CASE_OWN, case_kw),
    Row("individuell-plan-merk", CASE_OWN, case_kw, method="POST"),
    Row("api-samordning", CASE_READERS, case_kw),
    Row("api-samordning", CASE_OWN, case_kw, method="POST", json=True),
    Row("api-barnekoordinator", CASE_OWN, case_kw, method="POST", json=True),
    Row("api-barnekoordinator-slutt", CASE_OWN, case_kw, method="POST", json=True),
    Row("api-individuell-plan", CASE_OWN, case_kw),
    Row(
        "tilgangskontroll-merk",
        only(styrer=ALL),
        lambda ctx: {"entry_id": ctx.extra["ppt_read"].pk},
        method="POST",
    ),
    # consent API
    Row("api-samtykker", CASE_READERS, case_kw),
    Row("api-samtykker", CASE_OWN, case_kw, method="POST", json=True),
    Row(
        "api-samtykke-trekk",
        CASE_OWN,
        lambda ctx: {"case_id": ctx.case.pk, "consent_id": ctx.extra["nav_consent"].pk},
        method="POST",
        json=True,
    ),
    Row("api-samtykke-logg", CASE_READERS, case_kw),
    Row("api-samtykke-logg", LOG_READERS, case_kw, check="content"),
    Row("api-innsyn", CASE_OWN, case_kw),
    Row("api-tilgangskontroll", everyone_logged_in()),
    Row("api-melding-barnevern", CASE_OWN, case_kw, method="POST", json=True),
    Row("api-anonym-drofting", CASE_OWN, case_kw, method="POST", json=True),
    Row("api-drofting", only(barnehagelaerer=ALL, ppt=ALL), lambda ctx: {"drofting_id": ctx.drofting.pk}),
    Row("api-drofting", only(barnehagelaerer=ALL), lambda ctx: {"drofting_id": ctx.extra["drofting_flagged"].pk}),
    Row(
        "api-drofting-bekreft",
        only(barnehagelaerer=ALL),
        lambda ctx: {"drofting_id": ctx.extra["drofting_flagged"].pk},
        method="POST",
        json=True,
    ),
    # Routes that arrived on main after the consent branch (tests/consent/matrix_main.py).
    *MAIN_ROWS,
    *BTI_KOMMUNE_ROWS,
    # The kommune's administration (issue 16): its administrator only; the invitation is public.
    *[Row(route, only(kommuneadmin=ALL), ka_routes.matrix_kwargs(route)) for route in ka_routes.GET_ROUTES],
    *[Row(r, only(kommuneadmin=ALL), ka_routes.matrix_kwargs(r), method="POST") for r in ka_routes.POST_ROUTES],
    Row("invitation-accept", public(), ka_routes.matrix_kwargs("invitation-accept")),
    Row("koordinator", only(bti_koordinator=ALL)),
    *[Row(route, only(kommuneadmin=ALL), ka_routes.matrix_kwargs(route)) for route in ka_routes.API_GET],
    *[
        Row(route, only(kommuneadmin=ALL), ka_routes.matrix_kwargs(route), method="POST", json=True)
        for route in ka_routes.API_POST
    ],
    Row("api-koordinator", only(bti_koordinator=ALL)),
    # The family portal (issue 14): staff see the family panel as they see the case and change
    # it as its workers; the family's own pages need the ID-porten session (none here: all
    # denied); the test ID-porten is open in DEMO_MODE (on in the tests); a leader's questions
    # page lists only their own units' questions.
    Row("familie-panel", CASE_READERS, case_kw),
    *[
        Row(r, CASE_OWN, case_kw, method="POST")
        for r in (
            "familie-status",
            "familie-address",
            "familie-hold",
            "familie-member",
            "familie-message-reply",
            "familie-read-grant",
        )
    ],
    Row("familie-home", only()),
    Row("familie-concern", only()),
    Row("familie-concern", only(), method="POST"),
    Row("familie-case", only(), case_kw),
    Row("familie-consent", only(), case_kw),
    Row("familie-reads", only(), case_kw),
    Row("familie-messages", only(), case_kw),
    Row("familie-messages", only(), case_kw, method="POST"),
    Row(
        "familie-consent-withdraw",
        only(),
        lambda ctx: {"case_id": ctx.case.pk, "consent_id": ctx.consent.pk},
        method="POST",
    ),
    Row(
        "familie-consent-renew",
        only(),
        lambda ctx: {"case_id": ctx.case.pk, "consent_id": ctx.consent.pk},
        method="POST",
    ),
    Row("familie-ask", only(), lambda ctx: {"case_id": ctx.case.pk, "entry_id": 1}, method="POST"),
    Row("api-familie-cases", only()),
    *[Row(r, only(), case_kw) for r in ("api-familie-log", "api-familie-consents", "api-familie-reads")],
    Row("familie-demo-login", public()),
    Row("familie-demo-login", public(), method="POST"),
    Row("familie-questions", everyone_logged_in()),
    # Retention rules (issue 15): the kommune's administrator only, as its other settings.
    *[Row(r, only(kommuneadmin=ALL), arkiv_routes.matrix_kwargs(r)) for r in arkiv_routes.ADMIN_GET],
    *[Row(r, only(kommuneadmin=ALL), arkiv_routes.matrix_kwargs(r), method="POST") for r in arkiv_routes.ADMIN_POST],
    # Last: it ends the session (the test logs in again after it).
    # The language switcher: anyone may choose a language (tests/bti/test_i18n.py).
    Row("set_language", public(), method="POST", check="any"),
    Row("logout", public(), method="POST", check="any"),
]
