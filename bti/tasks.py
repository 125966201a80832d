from __future__ import annotations

from celery import shared_task


@shared_task(name="bti.tasks.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Scheduled by beat; proves the worker and the broker are alive."""
    return "ok"


@shared_task(
    name="bti.tasks.anchor_logs", ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def anchor_logs(full: bool = False) -> str:
    """Write the next signed checkpoint of the logs (bti/integrity.py)."""
    from bti.integrity import write_checkpoint

    return write_checkpoint(full=full).name
