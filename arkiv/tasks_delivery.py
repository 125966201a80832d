"""Celery tasks of the archive delivery: thin and idempotent, calling ``arkiv.delivery``."""

from __future__ import annotations

from celery import shared_task

from arkiv import delivery
from arkiv.models import Delivery, DeliveryStatus


@shared_task
def deliver(delivery_id: int) -> str:
    """One attempt; a failure is queued again with backoff while attempts are left."""
    result = delivery.attempt(delivery_id)
    if result is None:
        return "missing"
    if result.status == DeliveryStatus.FEILET:
        delivery.schedule_retry(result)
    return str(result.status)


@shared_task
def poll_receipts() -> int:
    """Pick up the file-drop kvitteringer that have come (beat: every ten minutes)."""
    done = 0
    for pk in Delivery.objects.filter(status=DeliveryStatus.SENDT).values_list("pk", flat=True):
        found = delivery.poll(pk)
        if found is not None and found.status == DeliveryStatus.KVITTERT:
            done += 1
    return done
