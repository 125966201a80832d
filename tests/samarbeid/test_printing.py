"""PDFs with WeasyPrint: content, header, page numbers, who printed; background jobs with
a short-lived link for the requester only; one innsynslogg call per print."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samarbeid import printing
from samarbeid.models import PdfJob, PdfJobStatus
from tests.samarbeid import helpers

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def printed(monkeypatch):
    calls: list[dict] = []
    monkeypatch.setattr("bti.innsyn.record_access", lambda **kw: calls.append(kw))
    return calls


def test_it_prints_the_stafettlogg_with_header_page_numbers_and_printer(personas, login, printed):
    built = helpers.plan_case(personas)
    client = login(personas["barnehagelaerer"])
    response = client.post(reverse("case-print", kwargs={"case_id": built["case"].pk}), {"kind": "logg"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response.content)
    assert "Unntatt offentlighet, jf. offl. § 13 og fvl. § 13" in text
    assert "Side 1 av" in text
    assert "av Kari Nordmann" in text
    assert "Emma virker trist" in text and "Fast voksen i frilek" in text
    assert [c["how"] for c in printed if c["obj_type"].startswith("pdf")] == ["pdf"]
    # Tagged for screen readers (a structure tree, marked content), as every PDF we write.
    root: Any = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]


def test_it_prints_the_plan_and_a_meetings_referat(personas, login, printed):
    built = helpers.plan_case(personas)
    client = login(personas["barnehagelaerer"])
    url = reverse("case-print", kwargs={"case_id": built["case"].pk})
    plan = pdf_text(client.post(url, {"kind": "plan"}).content)
    assert "Emma trives i barnehagen" in plan and "Fast voksen i frilek" in plan
    referat = pdf_text(client.post(url, {"kind": "referat", "meeting": built["meeting"].pk}).content)
    assert "Saksliste" in referat and "Hvordan går det med Emma" in referat
    response = client.post(url, {"kind": "referat"})
    assert "Velg et møte i saken." in response.content.decode()


def test_it_prints_a_period_only(personas, login, printed):
    built = helpers.plan_case(personas)
    client = login(personas["barnehagelaerer"])
    url = reverse("case-print", kwargs={"case_id": built["case"].pk})
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    text = pdf_text(client.post(url, {"kind": "logg", "date_from": future}).content)
    assert "Ingen loggføringer i perioden." in text
    response = client.post(url, {"kind": "logg", "date_from": "2030-01-02", "date_to": "2030-01-01"})
    assert "Sluttdatoen kan ikke være før startdatoen." in response.content.decode()


def test_it_refuses_a_pdf_of_a_case_you_cannot_see(personas, login, printed):
    built = helpers.plan_case(personas)
    for who in ("ppt", "utenforstaaende", "kommunalsjef"):
        response = login(personas[who]).post(
            reverse("case-print", kwargs={"case_id": built["case"].pk}), {"kind": "logg"}
        )
        assert response.status_code == 404
    assert printed == []


def test_it_refuses_a_log_too_large_for_one_print(personas, login, monkeypatch, printed):
    built = helpers.plan_case(personas)
    monkeypatch.setattr(printing, "MAX_ENTRIES", 3)
    response = login(personas["barnehagelaerer"]).post(
        reverse("case-print", kwargs={"case_id": built["case"].pk}), {"kind": "logg"}
    )
    assert response.status_code == 200
    assert "Velg en kortere periode" in response.content.decode()
    assert not PdfJob.objects.exists()


def test_it_renders_large_logs_in_the_background_for_the_requester_only(
    personas, login, monkeypatch, printed, django_capture_on_commit_callbacks
):
    built = helpers.plan_case(personas)
    monkeypatch.setattr(printing, "SYNC_MAX_ENTRIES", 2)
    client = login(personas["barnehagelaerer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("case-print", kwargs={"case_id": built["case"].pk}), {"kind": "logg"})
    job = PdfJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("print-job", kwargs={"job_id": job.pk})
    job.refresh_from_db()  # Celery runs eagerly in tests
    assert job.status == PdfJobStatus.DONE and job.progress == 100
    page = client.get(reverse("print-job", kwargs={"job_id": job.pk})).content.decode()
    assert "<h1" in page and "Last ned PDF" in page
    partial = client.get(reverse("print-job", kwargs={"job_id": job.pk}), HTTP_HX_REQUEST="true").content.decode()
    assert "<h1" not in partial and "Last ned PDF" in partial
    download = reverse("print-job-download", kwargs={"job_id": job.pk})
    # Only for the person who asked.
    assert login(personas["styrer"]).get(download).status_code == 404
    assert login(personas["styrer"]).get(reverse("print-job", kwargs={"job_id": job.pk})).status_code == 404
    client = login(personas["barnehagelaerer"])
    response = client.get(download)
    assert response.status_code == 200
    assert "Fast voksen i frilek" in pdf_text(response.content)
    assert [c["how"] for c in printed if c["obj_type"].startswith("pdf")] == ["pdf"]
    # The link is short-lived.
    PdfJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(download).status_code == 302


def test_it_polls_a_running_job_with_htmx(personas, login):
    built = helpers.plan_case(personas)
    job = PdfJob.objects.create(
        kommune_id=built["case"].kommune_id,
        case=built["case"],
        requested_by=personas["barnehagelaerer"],
        kind="logg",
        status=PdfJobStatus.RUNNING,
        progress=40,
        stage="Setter opp sidene",
    )
    client = login(personas["barnehagelaerer"])
    partial = client.get(reverse("print-job", kwargs={"job_id": job.pk}), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial and 'value="40"' in partial and "Setter opp sidene" in partial


def test_the_task_is_idempotent_and_rechecks_access(personas):
    from samarbeid.services import pdf_job_render

    built = helpers.plan_case(personas)
    job = PdfJob.objects.create(
        kommune_id=built["case"].kommune_id, case=built["case"], requested_by=personas["ppt"], kind="logg"
    )
    pdf_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == PdfJobStatus.FAILED and not job.file_name
    pdf_job_render(job_id=job.pk)  # finished jobs are left alone
    pdf_job_render(job_id=999999)  # gone jobs too
