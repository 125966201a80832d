"""Celery tasks: thin, take ids, exit cleanly when the row is gone, declare their
retries, and are idempotent (the services they call are)."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import shared_task
from django.db import OperationalError

from bti.models import Kommune
from bti.outbox import enqueue
from oversikt import facts, freshness, selectors, services, sources
from oversikt.models import EmailMode, NotificationPreference

RETRY: dict[str, Any] = {
    "autoretry_for": (OperationalError, smtplib.SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": 30,
    # Below the broker's visibility timeout (settings), or a waiting retry is delivered twice.
    "retry_backoff_max": 240,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
    "soft_time_limit": 240,
    "time_limit": 270,
}
# An e-mail is one SMTP call: a stuck server must not hold a worker for long.
MAIL: dict[str, Any] = {**RETRY, "soft_time_limit": 60, "time_limit": 90}


@shared_task(name="oversikt.detect_all", ignore_result=True, **RETRY)
def detect_all() -> int:
    """Beat, daily: one detection task per kommune."""
    ids = list(Kommune.objects.values_list("pk", flat=True))
    for kommune_id in ids:
        enqueue(detect_for_kommune, kommune_id)
    return len(ids)


@shared_task(name="oversikt.detect_for_kommune", ignore_result=True, **RETRY)
def detect_for_kommune(kommune_id: int) -> int:
    if not Kommune.objects.filter(pk=kommune_id).exists():
        return 0
    result = services.detect_followup_breaks(kommune_id=kommune_id)
    # The reminder before an evaluation date rides the same daily beat (idempotent by key).
    services.notify_evaluations_due(kommune_id=kommune_id)
    return result.new_alarms


@shared_task(name="oversikt.send_notification_email", ignore_result=True, **MAIL)
def send_notification_email(notification_id: int) -> bool:
    return services.email_send_notification(notification_id=notification_id)


@shared_task(name="oversikt.send_digests", ignore_result=True, **RETRY)
def send_digests() -> int:
    """Beat, daily: one digest task per user who chose the daily e-mail."""
    ids = list(NotificationPreference.objects.filter(email_mode=EmailMode.DIGEST).values_list("user_id", flat=True))
    for user_id in ids:
        enqueue(send_digest, user_id)
    return len(ids)


@shared_task(name="oversikt.send_digest", ignore_result=True, **MAIL)
def send_digest(user_id: int) -> int:
    return services.email_send_digest(user_id=user_id)


@shared_task(name="oversikt.refresh_all_facts", ignore_result=True, **RETRY)
def refresh_all_facts() -> int:
    """Beat, every 15 minutes: rebuild the overview's summary rows per kommune."""
    ids = list(Kommune.objects.values_list("pk", flat=True))
    for kommune_id in ids:
        enqueue(refresh_kommune_facts, kommune_id)
    return len(ids)


@shared_task(name="oversikt.refresh_kommune_facts", ignore_result=True, **RETRY)
def refresh_kommune_facts(kommune_id: int) -> bool:
    if not Kommune.objects.filter(pk=kommune_id).exists():
        return False
    freshness.refresh_started(kommune_id)
    facts.refresh_facts(kommune_id=kommune_id)
    selectors.warm_overview(kommune_id, skipped_rules=sources.missing_rules())
    return True


@shared_task(name="oversikt.resend_unsent_emails", ignore_result=True, **RETRY)
def resend_unsent_emails() -> int:
    """Beat, every five minutes: e-mails whose task never ran are queued again (each one is
    sent once: ``email_send_notification`` checks ``emailed_at``)."""
    ids = services.emails_unsent()
    for notification_id in ids:
        enqueue(send_notification_email, notification_id)
    return len(ids)
