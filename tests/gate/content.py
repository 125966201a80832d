"""A case with a unique marker in every text field of every content object, named by
case, object and category (issue 13 item 8), and the routes that show case content."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from cases.models import Case
from consent import services as consent_services
from samarbeid import services as plan_services
from stafettlogg import services as log_services
from tests.consent.helpers import identified_case, unit

STAF, PLAN, HELSE = "stafettlogg", "plan_tiltak", "helseopplysninger"


@dataclass
class ContentCase:
    case: Case
    guardian: Any
    markers: dict[str, str] = field(default_factory=dict)  # marker -> category
    meeting_id: int = 0
    measure_id: int = 0
    note_id: int = 0
    healthnote_id: int = 0

    def of(self, *categories: str) -> set[str]:
        return {m for m, c in self.markers.items() if c in categories}

    @property
    def all(self) -> set[str]:
        return set(self.markers)


def build(personas: dict[str, Any], *, age: int = 9) -> ContentCase:
    """Owned by Lia barnehage (Kari Nordmann), nivå 2; no consent yet."""
    case, guardian = identified_case(personas, age=age)
    kari = personas["barnehagelaerer"]
    cc = ContentCase(case=case, guardian=guardian)

    def mark(obj: str, category: str) -> str:
        marker = f"MX{case.pk}x{obj}x{category}"
        cc.markers[marker] = category
        return marker

    cc.note_id = log_services.note_add(actor=kari, case_id=case.pk, kind="notat", text=mark("note", STAF)).pk
    cc.healthnote_id = log_services.note_add(
        actor=kari, case_id=case.pk, kind="samtale_barn", text=mark("healthnote", HELSE), category=HELSE
    ).pk
    goal = plan_services.goal_create(
        actor=kari, case_id=case.pk, text=mark("goaltext", PLAN), agreed_with=mark("goalwith", PLAN)
    )
    plan_services.goal_create(
        actor=kari, case_id=case.pk, text=mark("healthgoal", HELSE), agreed_with="mor", category=HELSE
    )
    today = timezone.localdate()
    measure = plan_services.measure_create(
        actor=kari,
        case_id=case.pk,
        goal_id=goal.pk,
        description=mark("measure", PLAN),
        responsible_unit_id=unit("Lia barnehage").pk,
        responsible_user_id=kari.pk,
        start_date=today,
        evaluation_date=today + timedelta(days=30),
    )
    cc.measure_id = measure.pk
    plan_services.evaluation_record(
        actor=kari,
        case_id=case.pk,
        measure_id=measure.pk,
        what_happened=mark("evalwhat", PLAN),
        child_view=mark("evalchild", PLAN),
        parents_view=mark("evalparents", PLAN),
        decision="fortsette",
        next_evaluation_date=today + timedelta(days=60),
    )
    meeting = plan_services.meeting_schedule(
        actor=kari,
        case_id=case.pk,
        starts_at=timezone.now() + timedelta(days=3),
        place="Lia barnehage",
        agenda=mark("agenda", PLAN),
        participant_ids=[],
        family_participants=mark("family", PLAN),
    )
    cc.meeting_id = meeting.pk
    from tests.samarbeid.helpers import held

    held(meeting)  # the referat is written after the meeting
    plan_services.meeting_write_referat(
        actor=kari,
        case_id=case.pk,
        meeting_id=meeting.pk,
        referat=mark("referat", PLAN),
        decisions=mark("decision", PLAN),
        tasks=mark("tasks", PLAN),
    )
    return cc


def consent(personas: dict[str, Any], cc: ContentCase, categories: tuple[str, ...], **kwargs: Any) -> Any:
    today = timezone.localdate()
    defaults: dict[str, Any] = {
        "guardian_ids": [cc.guardian.pk],
        "by_young_person": False,
        "decision": "given",
        "valid_from": today,
        "valid_until": today + timedelta(days=365),
    }
    defaults.update(kwargs)
    return consent_services.consent_register(
        actor=personas["barnehagelaerer"],
        case_id=cc.case.pk,
        unit_ids=[unit("PPT Eksempel").pk],
        category_codes=list(categories),
        purpose="Vurdering",
        form="written",
        child_view="Vil ha hjelp.",
        **defaults,
    )


PDF = "[PDF]\n"  # the text of a real PDF starts so (an error page does not)


def pdf_text(content: bytes) -> str:
    if not content.startswith(b"%PDF"):
        return content.decode(errors="replace")
    return PDF + "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def xlsx_text(content: bytes) -> str:
    """Every cell of every sheet, one row a line (an error page is returned as it is)."""
    if not content.startswith(b"PK"):
        return content.decode(errors="replace")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        ";".join("" if v is None else str(v) for v in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def exports(client: Client) -> dict[str, str]:
    """The export routes (CSV and XLSX bodies): aggregates only, never a case's content."""
    return {
        "export-csv": client.get("/oversikt/eksport.csv").content.decode("utf-8-sig", errors="replace"),
        "export-xlsx": xlsx_text(client.get("/oversikt/eksport.xlsx").content),
    }


def bodies(client: Client, api: APIClient, cc: ContentCase) -> dict[str, str]:
    """Every route that shows this case's content, as the reader gets it (HTML, htmx
    partial, JSON, PDF text). A 404 gives its (marker-free) error page."""
    c = cc.case.pk
    out: dict[str, str] = {}
    for name, url in {
        "case": f"/saker/{c}/",
        "timeline": f"/saker/{c}/logg/",
        "plan": f"/saker/{c}/plan/",
        "meetings": f"/saker/{c}/moter/",
        "meeting": f"/saker/{c}/moter/{cc.meeting_id}/",
        "evaluate": f"/saker/{c}/plan/tiltak/{cc.measure_id}/evaluer/",
        "print": f"/saker/{c}/utskrift/",
        "transition": f"/saker/{c}/overgang/",
        "close": f"/saker/{c}/avslutning/",
        "consent": f"/saker/{c}/samtykke/",
        "steps": f"/saker/{c}/trinn/",
        "samordning": f"/saker/{c}/samordning/",
        "individuell-plan": f"/saker/{c}/individuell-plan/",
        "individuell-plan-json": f"/saker/{c}/individuell-plan.json",
        "innsyn": f"/saker/{c}/innsyn/",
        "innsyn-json": f"/saker/{c}/innsyn.json",
        "access-grants": f"/saker/{c}/tilgang/",
        "entry-correct": f"/saker/{c}/logg/{cc.note_id}/korriger/",
        "entry-correct-health": f"/saker/{c}/logg/{cc.healthnote_id}/korriger/",
        "drofting": f"/saker/{c}/anonym-drofting/",
        "melding": f"/saker/{c}/melding-barnevern/",
        "sharing": f"/saker/{c}/deling/",
        "meeting-ics": f"/saker/{c}/moter/{cc.meeting_id}/kalender.ics",
        "familie-panel": f"/saker/{c}/familie/",
        "storage": f"/saker/{c}/lagring/",
        # The family's own pages: staff get the (marker-free) 404.
        "familie-case": f"/familie/sak/{c}/",
        "familie-consent": f"/familie/sak/{c}/samtykke/",
        "familie-reads": f"/familie/sak/{c}/hvem-har-lest/",
        "familie-messages": f"/familie/sak/{c}/meldinger/",
        # The family's API: a staff session is not a family session (401/403).
        "api-familie-log": f"/api/v1/familie/saker/{c}/logg/",
        "api-familie-consents": f"/api/v1/familie/saker/{c}/samtykker/",
        "api-familie-reads": f"/api/v1/familie/saker/{c}/lesinger/",
        # The lists and search (issue 13 item 6): they show cases, never content.
        "my-cases": "/saker/mine/",
        "unit-cases": "/saker/enhet/",
        "home": "/",
    }.items():
        out[name] = client.get(url).content.decode()
    out["timeline-htmx"] = client.get(f"/saker/{c}/logg/", HTTP_HX_REQUEST="true").content.decode()
    out["case-htmx"] = client.get(f"/saker/{c}/", HTTP_HX_REQUEST="true").content.decode()
    for name, url in {
        "api-goals": f"/api/v1/cases/{c}/goals/",
        "api-measures": f"/api/v1/cases/{c}/measures/",
        "api-evaluations": f"/api/v1/cases/{c}/measures/{cc.measure_id}/evaluations/",
        "api-meetings": f"/api/v1/cases/{c}/meetings/",
        "api-entries": f"/api/v1/cases/{c}/entries/",
        "api-case": f"/api/v1/cases/{c}/",
        "api-storage": f"/api/v1/cases/{c}/lagring/",
        "api-guardians": f"/api/v1/cases/{c}/guardians/",
        "api-transitions": f"/api/v1/cases/{c}/transitions/",
        "api-pdf-jobs": f"/api/v1/cases/{c}/pdf-jobs/",
        "api-steps": f"/api/v1/saker/{c}/trinn/",
        "api-consents": f"/api/v1/saker/{c}/samtykker/",
        "api-consent-log": f"/api/v1/saker/{c}/samtykke-logg/",
        "api-innsyn": f"/api/v1/saker/{c}/innsyn/",
        "api-grants": f"/api/v1/saker/{c}/tilganger/",
        "api-samordning": f"/api/v1/saker/{c}/samordning/",
        "api-individuell-plan": f"/api/v1/saker/{c}/individuell-plan/",
        "api-cases": "/api/v1/cases/",
        "api-children": "/api/v1/children/",
    }.items():
        out[name] = api.get(url).content.decode()
    for kind in ("logg", "plan", "referat", "sammendrag"):
        data = {"kind": kind, "meeting": cc.meeting_id} if kind == "referat" else {"kind": kind}
        out[f"pdf-{kind}"] = pdf_text(client.post(f"/saker/{c}/utskrift/", data).content)
    for name, url in {
        "pdf-innsyn": f"/saker/{c}/innsyn.pdf",
        "pdf-individuell-plan": f"/saker/{c}/individuell-plan.pdf",
    }.items():
        out[name] = pdf_text(client.get(url).content)
    out["search"] = client.post("/sok/", {"q": cc.case.display_name.split(" ")[0]}).content.decode()
    out.update(exports(client))
    return out


def leaks(found: dict[str, str], visible: set[str], all_markers: set[str]) -> list[str]:
    """(route, marker) pairs that break the rule: a hidden marker shown anywhere, or a
    visible one missing from every route."""
    problems = []
    for route, body in found.items():
        for marker in all_markers - visible:
            if marker in body:
                problems.append(f"{route}: shows {marker}")
    for marker in visible:
        if not any(marker in body for body in found.values()):
            problems.append(f"nowhere: {marker} is missing")
    return problems
