"""Background PDF jobs (docs/adr/0008, 0019): ordered, rendered by the heavy worker, swept.

A job survives a dead worker. The task is queued through the outbox with the order, so a
broker outage delays it but never loses it. One task run at a time *claims* the job
(``status=running``, ``attempts + 1``) and beats a heartbeat while WeasyPrint lays it out;
a second delivery of the same task (the relay or the broker may deliver twice) finds the
job done, or claimed with a fresh heartbeat, and leaves it alone. Beat's sweeper
(``pdf_jobs_sweep``) finds jobs whose heartbeat stopped (the worker was killed) and queues
them again, at most ``PDF_MAX_ATTEMPTS`` times in all; then, and when a job never got
going, the person who ordered it sees «Utskriften feilet» with the reason and «Prøv igjen»."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bti import policy
from bti.models import User
from bti.outbox import enqueue
from samarbeid.models import PdfJob, PdfJobStatus, PdfKind

log = logging.getLogger("bti.jobs")

PDF_LINK_MINUTES = 15
# While a job renders, its heartbeat is written this often (from a thread of the task).
PDF_HEARTBEAT_SECONDS = 10
# A running job whose heartbeat is older than this has lost its worker.
PDF_STALL_SECONDS = 60
# Claims per job (the first run and the retries after a lost worker); then it has failed.
PDF_MAX_ATTEMPTS = 3
# A queued job that has waited this long is sent again (a broker that lost its queue) …
PDF_QUEUE_RESEND_SECONDS = 300
# … and one that has not started after this long has failed.
PDF_QUEUE_GIVE_UP_SECONDS = 1800
# The task's limits (samarbeid.tasks): a 2,500-entry log takes 15–25 s on an idle core.
PDF_SOFT_TIME_LIMIT = 240
PDF_TIME_LIMIT = 270

OPEN = (PdfJobStatus.QUEUED, PdfJobStatus.RUNNING)


class JobBusy(Exception):
    """Another run holds the job (its heartbeat is fresh): try again after the stall time."""


def reason_no_access() -> str:
    return _("Du har ikke lenger tilgang til saken, eller utvalget er ugyldig.")


def reason_stopped(attempts: int) -> str:
    return _(
        "Utskriften stoppet før den var ferdig, %(n)s ganger (bakgrunnstjenesten ble avbrutt). "
        "Prøv igjen. Skjer det igjen, velg en kortere periode."
    ) % {"n": attempts}


def reason_timeout() -> str:
    return _("Utskriften tok for lang tid og ble stoppet. Velg en kortere periode og prøv igjen.")


def reason_not_started() -> str:
    return _("Utskriften kom ikke i gang fordi bakgrunnstjenesten ikke svarte. Prøv igjen om litt.")


def _send(job_id: int) -> None:
    from samarbeid.tasks import pdf_job_run

    enqueue(pdf_job_run, job_id)


@transaction.atomic
def pdf_job_create(*, actor: User, case_id: int, kind: str, params: dict[str, Any], entry_count: int) -> PdfJob:
    """Queue a background PDF (large logs). The task is in the outbox with the job."""
    case = policy.access_case(actor, case_id, "view")
    if kind not in PdfKind.values:
        raise ValidationError({"kind": _("Velg hva som skal skrives ut.")})
    job = PdfJob.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        requested_by=actor,
        kind=kind,
        params=params,
        entry_count=entry_count,
        stage=_("Venter på tur"),
        heartbeat_at=timezone.now(),
    )
    _send(job.pk)
    return job


@transaction.atomic
def pdf_job_retry(*, actor: User, job_id: int) -> PdfJob:
    """«Prøv igjen» on a failed job: a new job with the same selection, checked again
    (access and size) as if it were ordered now."""
    from samarbeid import printing

    job = PdfJob.objects.filter(pk=job_id, requested_by=actor).first()
    if job is None:
        raise Http404
    if job.status != PdfJobStatus.FAILED:
        raise ValidationError({"job": _("Bare en utskrift som har feilet, kan prøves igjen.")})
    case = policy.access_case(actor, job.case_id, "view")
    spec = printing.spec_from_params(user=actor, case=case, kind=job.kind, params=job.params)
    return pdf_job_create(
        actor=actor, case_id=case.pk, kind=spec.kind, params=spec.params(), entry_count=spec.entry_count
    )


def pdf_job_still_valid(job: PdfJob, view: Any) -> bool:
    """A finished PDF may be handed out only while its reader reads what it was rendered
    with: a consent withdrawn (or a category lost) since then makes it stale."""
    return job.params.get("categories") == sorted(view.categories)


def _fail(job_id: int, reason: str) -> None:
    PdfJob.objects.filter(pk=job_id, status__in=OPEN).update(
        status=PdfJobStatus.FAILED, error=reason, finished_at=timezone.now()
    )
    log.warning("pdf job %s failed: %s", job_id, reason)


def pdf_job_fail(*, job_id: int, reason: str) -> None:
    """Mark an open job as failed with the reason the person who ordered it will see."""
    _fail(job_id, reason)


def _claim(job_id: int) -> PdfJob | None:
    """Take the job for this run, or None when there is nothing to do (gone, finished, or
    out of attempts). Raises JobBusy while another run's heartbeat is fresh."""
    now = timezone.now()
    with transaction.atomic():
        job = PdfJob.objects.select_for_update().select_related("requested_by").filter(pk=job_id).first()
        if job is None or job.status not in OPEN:
            return None
        if job.status == PdfJobStatus.RUNNING and job.heartbeat_at and job.heartbeat_at > now - _stall():
            raise JobBusy
        if job.attempts >= PDF_MAX_ATTEMPTS:
            _fail(job.pk, reason_stopped(job.attempts))
            return None
        job.status = PdfJobStatus.RUNNING
        job.attempts += 1
        job.heartbeat_at = now
        job.save(update_fields=["status", "attempts", "heartbeat_at"])
    if job.attempts > 1:
        log.info("pdf job %s: attempt %s", job.pk, job.attempts)
    return job


def _stall() -> timedelta:
    return timedelta(seconds=PDF_STALL_SECONDS)


@contextmanager
def _heartbeat(job_id: int) -> Iterator[None]:
    """Write the job's heartbeat every few seconds while the block runs (WeasyPrint's
    layout is one long call that cannot report progress itself)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(PDF_HEARTBEAT_SECONDS):
                PdfJob.objects.filter(pk=job_id, status=PdfJobStatus.RUNNING).update(heartbeat_at=timezone.now())
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"pdf-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def pdf_job_render(*, job_id: int) -> None:
    """Render a queued job (called by the task). Idempotent: a finished job, or one another
    run holds, is left alone. The requester's access is checked again at render time, so a
    withdrawn consent or a lost role stops the print."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from samarbeid import printing

    job = _claim(job_id)
    if job is None:
        return
    user = job.requested_by

    def progress(percent: int, stage: str) -> None:
        PdfJob.objects.filter(pk=job.pk, status=PdfJobStatus.RUNNING).update(
            progress=percent, stage=stage, heartbeat_at=timezone.now()
        )

    try:
        case = policy.access_case(user, job.case_id, "view")
        spec = printing.spec_from_params(user=user, case=case, kind=job.kind, params=job.params)
        with _heartbeat(job.pk):
            content = printing.render(spec, user=user, progress=progress)
    except (Http404, ValidationError):
        _fail(job.pk, reason_no_access())
        return
    except Exception:
        # Let the task's retry (or the sweeper) take it again at once, not after the stall time.
        PdfJob.objects.filter(pk=job.pk, status=PdfJobStatus.RUNNING).update(
            status=PdfJobStatus.QUEUED, heartbeat_at=timezone.now() - _stall()
        )
        raise
    name = f"utskrift/{job.pk}-{secrets.token_hex(16)}.pdf"
    stored = default_storage.save(name, ContentFile(content))
    now = timezone.now()
    finished = PdfJob.objects.filter(pk=job.pk, status=PdfJobStatus.RUNNING).update(
        status=PdfJobStatus.DONE,
        progress=100,
        stage=_("Ferdig"),
        file_name=stored,
        # What the reader could read when it was rendered: the download compares (issue 13 item 5).
        params={**job.params, "categories": sorted(spec.categories or [])},
        finished_at=now,
        expires_at=now + timedelta(minutes=PDF_LINK_MINUTES),
    )
    if not finished:  # the sweeper gave up on this run meanwhile: keep no orphan file
        default_storage.delete(stored)


@dataclass
class SweepResult:
    requeued: int = 0
    resent: int = 0
    failed: int = 0


@transaction.atomic
def pdf_jobs_sweep(*, now: datetime | None = None) -> SweepResult:
    """Beat, every minute: jobs without progress. A running job whose heartbeat stopped is
    queued again (or failed after ``PDF_MAX_ATTEMPTS``); a queued job that waited long is
    sent again (or failed when it never started). Safe to run twice at once (SKIP LOCKED)."""
    now = now or timezone.now()
    result = SweepResult()
    open_jobs = (
        PdfJob.objects.select_for_update(skip_locked=True)
        .annotate(last_sign=Coalesce("heartbeat_at", "created_at"))
        .filter(status__in=OPEN)
    )
    for job in open_jobs.filter(status=PdfJobStatus.RUNNING, last_sign__lt=now - _stall()):
        if job.attempts >= PDF_MAX_ATTEMPTS:
            _fail(job.pk, reason_stopped(job.attempts))
            result.failed += 1
            continue
        PdfJob.objects.filter(pk=job.pk).update(
            status=PdfJobStatus.QUEUED, stage=_("Venter på tur (nytt forsøk)"), heartbeat_at=now
        )
        _send(job.pk)
        result.requeued += 1
        log.warning("pdf job %s: no progress since %s, queued again", job.pk, job.last_sign.isoformat())
    waited = now - timedelta(seconds=PDF_QUEUE_RESEND_SECONDS)
    for job in open_jobs.filter(status=PdfJobStatus.QUEUED, last_sign__lt=waited):
        if job.created_at < now - timedelta(seconds=PDF_QUEUE_GIVE_UP_SECONDS):
            _fail(job.pk, reason_not_started())
            result.failed += 1
            continue
        PdfJob.objects.filter(pk=job.pk).update(heartbeat_at=now)
        _send(job.pk)
        result.resent += 1
    return result


def pdf_jobs_cleanup() -> int:
    """Delete expired PDF files (run by beat); the job rows stay as a record."""
    from django.core.files.storage import default_storage

    count = 0
    for job in PdfJob.objects.filter(expires_at__lt=timezone.now()).exclude(file_name=""):
        if default_storage.exists(job.file_name):
            default_storage.delete(job.file_name)
        PdfJob.objects.filter(pk=job.pk).update(file_name="")
        count += 1
    return count
