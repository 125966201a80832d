"""The API over the same services and policy: 2xx for the people on the case, 4xx with
a reason for bad input, 404 for everyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from samarbeid.models import Meeting, PdfJobStatus
from tests.cases.helpers import case_on_level
from tests.samarbeid import helpers

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    # A real session (not force_authenticate): printing needs a recent login (step-up).
    client = APIClient()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    return client


def test_it_builds_a_plan_through_the_api(personas):
    case = case_on_level(personas, 1)
    kari = api(personas["barnehagelaerer"])
    goal = kari.post(f"/api/v1/cases/{case.pk}/goals/", {"text": "Trives", "agreed_with": "mor"}, format="json")
    assert goal.status_code == 201
    today = timezone.localdate()
    bad = kari.post(
        f"/api/v1/cases/{case.pk}/measures/",
        {"goal_id": goal.data["id"], "description": "Støtte", "start_date": str(today), "evaluation_date": str(today)},
        format="json",
    )
    assert bad.status_code == 400 and "responsible_unit" in bad.data
    measure = kari.post(
        f"/api/v1/cases/{case.pk}/measures/",
        {
            "goal_id": goal.data["id"],
            "description": "Støtte",
            "responsible_unit_id": helpers.unit_id("Lia barnehage"),
            "responsible_user_id": personas["barnehagelaerer"].pk,
            "start_date": str(today),
            "evaluation_date": str(today + timedelta(days=30)),
        },
        format="json",
    )
    assert measure.status_code == 201
    evaluation = kari.post(
        f"/api/v1/cases/{case.pk}/measures/{measure.data['id']}/evaluations/",
        {"what_happened": "Bra", "child_view": "Gøy", "parents_view": "Fint", "decision": "avslutte"},
        format="json",
    )
    assert evaluation.status_code == 201 and evaluation.data["child_view"] == "Gøy"
    plan = kari.get(f"/api/v1/cases/{case.pk}/goals/")
    assert plan.data[0]["measures"][0]["status"] == "avsluttet"
    for who in ("ppt", "utenforstaaende"):
        assert api(personas[who]).get(f"/api/v1/cases/{case.pk}/goals/").status_code == 404
        assert (
            api(personas[who]).post(f"/api/v1/cases/{case.pk}/goals/", {"text": "x", "agreed_with": "y"}).status_code
            == 404
        )


def test_it_schedules_meetings_and_writes_referat_through_the_api(personas):
    case = case_on_level(personas, 1)
    kari = api(personas["barnehagelaerer"])
    past = kari.post(
        f"/api/v1/cases/{case.pk}/meetings/",
        {"starts_at": (timezone.now() - timedelta(days=1)).isoformat(), "place": "Rom", "agenda": "Plan"},
        format="json",
    )
    assert past.status_code == 400 and "starts_at" in past.data
    outside = kari.post(
        f"/api/v1/cases/{case.pk}/meetings/",
        {
            "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
            "place": "Rom",
            "agenda": "Plan",
            "participant_ids": [personas["helsesykepleier"].pk],
        },
        format="json",
    )
    assert outside.status_code == 400 and "participants" in outside.data
    meeting = kari.post(
        f"/api/v1/cases/{case.pk}/meetings/",
        {
            "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
            "video_link": "https://video.example/m",
            "agenda": "Plan",
        },
        format="json",
    )
    assert meeting.status_code == 201
    early = kari.post(
        f"/api/v1/cases/{case.pk}/meetings/{meeting.data['id']}/referat/", {"referat": "For tidlig"}, format="json"
    )
    assert early.status_code == 400 and "har ikke startet" in str(early.data["referat"])
    helpers.held(Meeting.objects.get(pk=meeting.data["id"]))
    referat = kari.post(
        f"/api/v1/cases/{case.pk}/meetings/{meeting.data['id']}/referat/", {"referat": "Godt møte"}, format="json"
    )
    assert referat.status_code == 200 and referat.data["status"] == "gjennomfort"


def test_it_transfers_through_the_api(personas):
    case = case_on_level(personas, 1)
    kari = api(personas["barnehagelaerer"])
    other = kari.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"to_unit_id": helpers.unit_id("Fjell skole"), "kind": "barnehage_skole"},
        format="json",
    )
    assert other.status_code == 400 and "to_unit" in other.data
    created = kari.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"to_unit_id": helpers.unit_id("Solberg skole"), "kind": "barnehage_skole"},
        format="json",
    )
    assert created.status_code == 201
    url = f"/api/v1/cases/{case.pk}/transitions/{created.data['id']}/accept/"
    assert kari.post(url, {}, format="json").status_code == 400
    refused = api(personas["kontaktlaerer"]).post(url, {}, format="json")
    assert refused.status_code == 400 and "nytt samtykke" in str(refused.data)
    helpers.consent_for(personas, case)
    accepted = api(personas["kontaktlaerer"]).post(url, {}, format="json")
    assert accepted.status_code == 200 and accepted.data["status"] == "accepted"
    assert kari.get(f"/api/v1/cases/{case.pk}/transitions/").status_code == 404


def test_it_orders_pdf_jobs_through_the_api(personas, django_capture_on_commit_callbacks):
    built = helpers.plan_case(personas)
    kari = api(personas["barnehagelaerer"])
    with django_capture_on_commit_callbacks(execute=True):
        job = kari.post(f"/api/v1/cases/{built['case'].pk}/pdf-jobs/", {"kind": "logg"}, format="json")
    assert job.status_code == 202 and job.data["status"] == PdfJobStatus.QUEUED
    assert kari.get(f"/api/v1/pdf-jobs/{job.data['id']}/").data["status"] == PdfJobStatus.DONE
    pdf = kari.get(f"/api/v1/pdf-jobs/{job.data['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert api(personas["styrer"]).get(f"/api/v1/pdf-jobs/{job.data['id']}/pdf/").status_code == 404
    assert api(personas["ppt"]).post(f"/api/v1/cases/{built['case'].pk}/pdf-jobs/", {"kind": "logg"}).status_code == 404
    bad = kari.post(f"/api/v1/cases/{built['case'].pk}/pdf-jobs/", {"kind": "referat"}, format="json")
    assert bad.status_code == 400 and "meeting" in bad.data


def test_it_serves_the_catalogue_through_the_api(personas):
    created = api(personas["fagadmin"]).post(
        "/api/v1/catalogue/",
        {"name": "ICDP", "description": "Kurs", "kind": "tiltak", "level": "alle"},
        format="json",
    )
    assert created.status_code == 201
    refused = api(personas["kontaktlaerer"]).post(
        "/api/v1/catalogue/", {"name": "X", "description": "Y", "kind": "tiltak", "level": "alle"}, format="json"
    )
    assert refused.status_code == 400
    assert [i["name"] for i in api(personas["kontaktlaerer"]).get("/api/v1/catalogue/?q=icd").data] == ["ICDP"]


def test_it_declines_a_transition_through_the_api_with_a_reason(personas):
    case = case_on_level(personas, 1)
    transition = helpers.transition_to_school(personas, case)
    url = f"/api/v1/cases/{case.pk}/transitions/{transition.pk}/decline/"
    ola = api(personas["kontaktlaerer"])
    assert ola.post(url, {"reason": ""}, format="json").status_code == 400
    declined = ola.post(url, {"reason": "Emma skal til Nordby skole"}, format="json")
    assert declined.status_code == 200 and declined.data["status"] == "declined"


def test_it_documents_the_samarbeid_api_in_the_schema(personas, login):
    body = login(personas["barnehagelaerer"]).get("/api/schema/").content.decode()
    for path in ("/api/v1/cases/{case_id}/goals/", "/api/v1/cases/{case_id}/meetings/", "/api/v1/pdf-jobs/{job_id}/"):
        assert path in body


def test_it_refuses_a_pdf_job_for_a_log_too_large_with_a_reason(personas, monkeypatch):
    from samarbeid import printing

    built = helpers.plan_case(personas)
    monkeypatch.setattr(printing, "MAX_ENTRIES", 3)
    response = api(personas["barnehagelaerer"]).post(
        f"/api/v1/cases/{built['case'].pk}/pdf-jobs/", {"kind": "logg"}, format="json"
    )
    assert response.status_code == 400
    assert "Velg en kortere periode" in response.data["date_from"][0]
