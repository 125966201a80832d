"""Thin, idempotent tasks: they take ids and call services."""

from __future__ import annotations

from celery import shared_task

from samarbeid import services


@shared_task(
    name="samarbeid.tasks.pdf_job_run",
    acks_late=True,
    autoretry_for=(OSError,),
    max_retries=2,
    default_retry_delay=10,
)
def pdf_job_run(job_id: int) -> None:
    """Render a queued PDF job; a job that is gone or finished is left alone."""
    services.pdf_job_render(job_id=job_id)


@shared_task(name="samarbeid.tasks.pdf_jobs_cleanup", ignore_result=True)
def pdf_jobs_cleanup() -> int:
    """Delete expired PDF files (schedule with beat every few minutes)."""
    return services.pdf_jobs_cleanup()
