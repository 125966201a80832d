"""Every route of a case has a row (issue 13 item 8): a new route under ``<case_id>``
fails here until it is put in the content matrix (``READ``: the body key in
``tests.gate.content.bodies``), declared a pure action (``ACTIONS``: a state change whose
answer is a redirect or the form with its errors; the status matrix in tests/consent covers
who may call it), or listed in ``NOT_YET`` with what it shows (that list only shrinks)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

READ = {
    "cases:case_detail": "case",
    "stafettlogg:timeline": "timeline",
    "case-plan": "plan",
    "case-meetings": "meetings",
    "case-meeting": "meeting",
    "case-measure-evaluate": "evaluate",
    "case-print": "pdf-logg",
    "case-transition": "transition",
    "case-close": "close",
    "samtykke": "consent",
    "hv-case-steps": "steps",
    "samordning": "samordning",
    "individuell-plan": "individuell-plan",
    "individuell-plan-json": "individuell-plan-json",
    "individuell-plan-pdf": "pdf-individuell-plan",
    "innsyn": "innsyn",
    "innsyn-json": "innsyn-json",
    "innsyn-pdf": "pdf-innsyn",
    "case-access-grants": "access-grants",
    "api-case": "api-case",
    "api-case-guardians": "api-guardians",
    "api-case-entries": "api-entries",
    "api-goals": "api-goals",
    "api-measures": "api-measures",
    "api-evaluations": "api-evaluations",
    "api-meetings": "api-meetings",
    "api-transitions": "api-transitions",
    "api-pdf-jobs": "api-pdf-jobs",
    "api-hv-case-steps": "api-steps",
    "api-samtykker": "api-consents",
    "api-samtykke-logg": "api-consent-log",
    "api-innsyn": "api-innsyn",
    "api-tilganger": "api-grants",
    "api-samordning": "api-samordning",
    "api-individuell-plan": "api-individuell-plan",
    "stafettlogg:entry_correct": "entry-correct",
    "anonym-drofting": "drofting",
    "melding-barnevern": "melding",
    "cases:sharing": "sharing",
    # The meeting's calendar file (issue 17): time and place, never the agenda or referat.
    "case-meeting-ics": "meeting-ics",
    "familie-panel": "familie-panel",
    # The family portal (issue 14): staff get nothing here; the family's own markers are
    # asserted per family member and state in tests/gate/test_family_matrix.py (FAMILY).
    "familie-case": "familie-case",
    "familie-consent": "familie-consent",
    "familie-reads": "familie-reads",
    "familie-messages": "familie-messages",
    "api-familie-log": "api-familie-log",
    "api-familie-consents": "api-familie-consents",
    "api-familie-reads": "api-familie-reads",
    # What is registered and when it is deleted (issue 15 item 6): counts and dates only.
    "case-storage": "storage",
    "api-case-storage": "api-storage",
}

# The family audience (issue 14): these routes are read by every family member in every
# state in tests/gate/test_family_matrix.py (staff get a marker-free refusal, above).
FAMILY = {
    name: name
    for name in (
        "familie-case", "familie-consent", "familie-reads", "familie-messages",
        "api-familie-log", "api-familie-consents", "api-familie-reads",
    )
}  # fmt: skip

# POST-only routes whose answer carries what was written: posted in the matrix by the
# reader, the body must hold the posted marker and no content marker of the case.
POSTED = {
    "api-anonym-drofting": "posted-drofting",
    "api-melding-barnevern": "posted-melding",
    "api-case-sharing": "posted-sharing",
}

ACTIONS = {
    "api-case-level", "api-case-close", "api-case-reopen", "api-case-identify", "api-case-entry-correct",
    "api-handover-propose", "api-handover-accept", "api-handover-decline", "api-handover-withdraw",
    "api-hv-case-step", "api-measure-status", "api-meeting-referat", "api-meeting-change", "api-meeting-cancel", "api-transition-accept",
    "api-transition-decline", "api-samtykke-trekk", "api-tilgang-avslutt", "api-barnekoordinator",
    "api-barnekoordinator-slutt", "cases:identify", "cases:decision", "cases:level", "cases:close",
    "cases:reopen", "cases:guardian_add", "stafettlogg:note_add", "stafettlogg:handover_propose",
    "stafettlogg:handover_candidates", "stafettlogg:handover_accept", "stafettlogg:handover_decline",
    "stafettlogg:handover_withdraw", "hv-case-version", "hv-case-step", "samtykke-trekk",
    "case-access-grant-end", "case-goal-new", "case-measure-new", "case-measure-status",
    "case-transition-answer", "case-transition-withdraw", "case-meeting-change", "case-meeting-cancel", "samordning-koordinering",
    "samordning-barnekoordinator", "samordning-barnekoordinator-slutt", "individuell-plan-merk",
    "familie-status", "familie-address", "familie-hold", "familie-member", "familie-consent-withdraw",
    "familie-ask", "familie-message-reply", "familie-read-grant", "familie-consent-renew",
}  # fmt: skip

# Routes that show case content and are not in the content matrix yet (what they show).
NOT_YET: dict[str, str] = {}


def _names(patterns, prefix: str = "", namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace or "") if x) if p.namespace else namespace
            yield from _names(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and "case_id" in prefix + str(p.pattern):
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_case_route_has_a_row():
    routes = set(_names(get_resolver().url_patterns))
    declared = set(READ) | ACTIONS | set(NOT_YET) | set(POSTED)
    assert not routes - declared, f"case routes without a row in the content matrix: {sorted(routes - declared)}"
    assert not declared - routes, f"rows for routes that no longer exist: {sorted(declared - routes)}"
    rows = [set(READ), ACTIONS, set(NOT_YET), set(POSTED)]
    assert sum(len(r) for r in rows) == len(set().union(*rows)), "a route has two rows"


# Every export route (CSV/XLSX) has a row: the body key in ``tests.gate.content.exports``, or
# why it carries no case content.
EXPORTS = {"overview-export-csv": "export-csv", "overview-export-xlsx": "export-xlsx"}
NO_CASE_CONTENT = {
    "survey-report-csv": "a survey round's aggregated answers (tests/undersokelse)",
    "api-survey-report-csv": "the same, in the API",
    "ka-import-example": "an example file with made-up rows",
}


def _exports(patterns, prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _exports(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            path = (prefix + str(p.pattern)).rstrip("/")
            if path.endswith(("csv", "xlsx")):
                yield p.name


def test_every_export_route_has_a_row():
    found = set(_exports(get_resolver().url_patterns))
    assert found == set(EXPORTS) | set(NO_CASE_CONTENT), sorted(found ^ (set(EXPORTS) | set(NO_CASE_CONTENT)))
