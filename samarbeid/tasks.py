"""Thin, idempotent tasks: they take ids and call services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from samarbeid import pdfjobs


@shared_task(
    name="samarbeid.tasks.pdf_job_run",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    max_retries=4,
    default_retry_delay=10,
    soft_time_limit=pdfjobs.PDF_SOFT_TIME_LIMIT,
    time_limit=pdfjobs.PDF_TIME_LIMIT,
)
def pdf_job_run(self: Any, job_id: int) -> None:
    """Render a queued PDF job (on the heavy queue); a job that is gone, finished or held
    by another run is left alone (a second delivery after a lost worker waits for the
    first run's heartbeat to stop, then takes over)."""
    try:
        pdfjobs.pdf_job_render(job_id=job_id)
    except pdfjobs.JobBusy:
        raise self.retry(countdown=pdfjobs.PDF_STALL_SECONDS + 5) from None
    except SoftTimeLimitExceeded:
        pdfjobs.pdf_job_fail(job_id=job_id, reason=pdfjobs.reason_timeout())


@shared_task(name="samarbeid.tasks.pdf_jobs_cleanup", ignore_result=True, soft_time_limit=120, time_limit=150)
def pdf_jobs_cleanup() -> int:
    """Delete expired PDF files (schedule with beat every few minutes)."""
    return pdfjobs.pdf_jobs_cleanup()


@shared_task(name="samarbeid.tasks.pdf_jobs_sweep", ignore_result=True, soft_time_limit=50, time_limit=60)
def pdf_jobs_sweep() -> int:
    """Beat, every minute: jobs without progress are queued again or shown as failed."""
    result = pdfjobs.pdf_jobs_sweep()
    return result.requeued + result.resent + result.failed
