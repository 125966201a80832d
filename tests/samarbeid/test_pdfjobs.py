"""Background PDF jobs survive a dead worker (docs/adr/0019): one claim at a time, a
heartbeat, beat's sweeper with a bounded number of attempts, and «Utskriften feilet – prøv
igjen» with the reason for the person who ordered it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from samarbeid import pdfjobs, printing
from samarbeid.models import PdfJob, PdfJobStatus
from samarbeid.tasks import pdf_job_run, pdf_jobs_sweep
from tests.samarbeid import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(personas, monkeypatch):
    monkeypatch.setattr("bti.innsyn.record_access", lambda **kw: None)
    built = helpers.plan_case(personas)
    return PdfJob.objects.create(
        kommune_id=built["case"].kommune_id,
        case=built["case"],
        requested_by=personas["barnehagelaerer"],
        kind="logg",
        entry_count=3,
        heartbeat_at=timezone.now(),
    )


def _age(job: PdfJob, **kwargs: object) -> None:
    """Pretend the job was last heard of this long ago."""
    PdfJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(**kwargs))  # type: ignore[arg-type]


def test_it_renders_once_when_the_task_is_delivered_twice(job):
    pdf_job_run.apply(args=(job.pk,))
    job.refresh_from_db()
    first = job.file_name
    assert job.status == PdfJobStatus.DONE and job.attempts == 1 and default_storage.exists(first)
    pdf_job_run.apply(args=(job.pk,))  # the relay or the broker delivers it again
    job.refresh_from_db()
    assert job.status == PdfJobStatus.DONE and job.attempts == 1 and job.file_name == first


def test_it_leaves_a_job_to_the_run_whose_heartbeat_is_fresh(job):
    PdfJob.objects.filter(pk=job.pk).update(status=PdfJobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now())
    with pytest.raises(pdfjobs.JobBusy):
        pdfjobs.pdf_job_render(job_id=job.pk)
    with pytest.raises(Retry):  # the task tries again once the heartbeat could have stopped
        pdf_job_run.apply(args=(job.pk,), throw=True)
    job.refresh_from_db()
    assert job.status == PdfJobStatus.RUNNING and job.attempts == 1


def test_it_takes_over_a_job_whose_worker_died(job):
    PdfJob.objects.filter(pk=job.pk).update(status=PdfJobStatus.RUNNING, attempts=1, progress=30)
    _age(job, seconds=pdfjobs.PDF_STALL_SECONDS + 1)
    pdf_job_run.apply(args=(job.pk,))  # the redelivered message after the worker was lost
    job.refresh_from_db()
    assert job.status == PdfJobStatus.DONE and job.attempts == 2


def test_the_sweeper_queues_a_stalled_job_again_and_it_finishes(job, django_capture_on_commit_callbacks):
    PdfJob.objects.filter(pk=job.pk).update(
        status=PdfJobStatus.RUNNING, attempts=1, progress=30, stage="Setter opp sidene"
    )
    _age(job, minutes=2)
    with django_capture_on_commit_callbacks(execute=True):
        result = pdfjobs.pdf_jobs_sweep()
    assert (result.requeued, result.failed) == (1, 0)
    job.refresh_from_db()
    assert job.status == PdfJobStatus.DONE and job.attempts == 2 and job.progress == 100


def test_the_sweeper_leaves_healthy_jobs_alone(job):
    PdfJob.objects.filter(pk=job.pk).update(status=PdfJobStatus.RUNNING, attempts=1)
    assert pdf_jobs_sweep.apply().get() == 0
    job.refresh_from_db()
    assert job.status == PdfJobStatus.RUNNING


def test_it_shows_failed_with_the_reason_after_the_last_attempt_and_tries_again(
    job, personas, login, django_capture_on_commit_callbacks
):
    PdfJob.objects.filter(pk=job.pk).update(status=PdfJobStatus.RUNNING, attempts=pdfjobs.PDF_MAX_ATTEMPTS)
    _age(job, minutes=2)
    result = pdfjobs.pdf_jobs_sweep()
    assert (result.requeued, result.failed) == (0, 1)
    job.refresh_from_db()
    assert job.status == PdfJobStatus.FAILED and "3 ganger" in job.error
    client = login(personas["barnehagelaerer"])
    url = reverse("print-job", kwargs={"job_id": job.pk})
    page = client.get(url).content.decode()
    assert page.count("<h1") == 1
    assert "Utskriften feilet – prøv igjen" in page and "stoppet før den var ferdig, 3 ganger" in page
    assert reverse("print-job-retry", kwargs={"job_id": job.pk}) in page and "Prøv igjen</button>" in page
    assert 'hx-trigger="every 1s"' not in page  # no more polling
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1" not in partial and "Utskriften feilet – prøv igjen" in partial
    # The API shows the same.
    api = client.get(reverse("api-pdf-job", kwargs={"job_id": job.pk})).json()
    assert api["status"] == "failed" and "3 ganger" in api["error"] and api["attempts"] == 3
    # «Prøv igjen»: a new job with the same selection, which finishes.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("print-job-retry", kwargs={"job_id": job.pk}))
    new = PdfJob.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("print-job", kwargs={"job_id": new.pk})
    new.refresh_from_db()
    assert new.status == PdfJobStatus.DONE and new.kind == job.kind and new.case_id == job.case_id
    assert "Last ned PDF" in client.get(response["Location"]).content.decode()


def test_only_the_person_who_ordered_may_try_again_and_only_a_failed_job(job, personas, login):
    url = reverse("print-job-retry", kwargs={"job_id": job.pk})
    assert login(personas["styrer"]).post(url).status_code == 404
    response = login(personas["barnehagelaerer"]).post(url, follow=True)
    assert "Bare en utskrift som har feilet, kan prøves igjen." in response.content.decode()
    api = login(personas["barnehagelaerer"]).post(reverse("api-pdf-job-retry", kwargs={"job_id": job.pk}))
    assert api.status_code == 400 and "Bare en utskrift som har feilet" in str(api.json())
    assert PdfJob.objects.count() == 1


def test_the_api_orders_a_failed_job_again(job, personas, login, django_capture_on_commit_callbacks):
    PdfJob.objects.filter(pk=job.pk).update(status=PdfJobStatus.FAILED, error="x")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(personas["barnehagelaerer"]).post(reverse("api-pdf-job-retry", kwargs={"job_id": job.pk}))
    assert response.status_code == 202
    assert PdfJob.objects.get(pk=response.json()["id"]).status == PdfJobStatus.DONE


def test_a_queued_job_is_sent_again_and_given_up_when_it_never_starts(job, django_capture_on_commit_callbacks):
    _age(job, seconds=pdfjobs.PDF_QUEUE_RESEND_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert pdfjobs.pdf_jobs_sweep().resent == 1
    job.refresh_from_db()
    assert job.status == PdfJobStatus.DONE
    stuck = PdfJob.objects.create(
        kommune_id=job.kommune_id,
        case=job.case,
        requested_by=job.requested_by,
        kind="logg",
        created_at=timezone.now() - timedelta(hours=1),
        heartbeat_at=timezone.now() - timedelta(minutes=10),
    )
    assert pdfjobs.pdf_jobs_sweep().failed == 1
    stuck.refresh_from_db()
    assert stuck.status == PdfJobStatus.FAILED and "kom ikke i gang" in stuck.error


def test_it_fails_a_job_that_runs_past_its_time_limit(job, monkeypatch):
    def slow(*args: object, **kwargs: object) -> bytes:
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(printing, "render", slow)
    pdf_job_run.apply(args=(job.pk,))
    job.refresh_from_db()
    assert job.status == PdfJobStatus.FAILED and "tok for lang tid" in job.error
    assert pdf_job_run.soft_time_limit == pdfjobs.PDF_SOFT_TIME_LIMIT < (pdf_job_run.time_limit or 0)


def test_it_prints_nothing_when_access_ended_before_the_worker_got_to_it(job, personas):
    """The styrer ordered it; her role in the unit ended before the worker got to the job."""
    from bti.models import Membership

    styrer = personas["styrer"]
    PdfJob.objects.filter(pk=job.pk).update(requested_by=styrer)
    Membership.objects.filter(user=styrer).update(valid_until=timezone.localdate() - timedelta(days=1))
    pdf_job_run.apply(args=(job.pk,))
    job.refresh_from_db()
    assert job.status == PdfJobStatus.FAILED and job.file_name == ""
    assert job.error == "Du har ikke lenger tilgang til saken, eller utvalget er ugyldig."
