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

    log_services.note_add(actor=kari, case_id=case.pk, kind="notat", text=mark("note", STAF))
    log_services.note_add(
        actor=kari, case_id=case.pk, kind="samtale_barn", text=mark("healthnote", HELSE), category=HELSE
    )
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


def pdf_text(content: bytes) -> str:
    if not content.startswith(b"%PDF"):
        return content.decode(errors="replace")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


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
    }.items():
        out[name] = api.get(url).content.decode()
    for kind in ("logg", "plan", "referat"):
        data = {"kind": kind, "meeting": cc.meeting_id} if kind == "referat" else {"kind": kind}
        out[f"pdf-{kind}"] = pdf_text(client.post(f"/saker/{c}/utskrift/", data).content)
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
