from __future__ import annotations

from celery import shared_task


@shared_task(name="bti.tasks.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Scheduled by beat; proves the worker and the broker are alive."""
    return "ok"
