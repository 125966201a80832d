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


@shared_task(name="bti.tasks.submit_keys_cleanup", ignore_result=True)
def submit_keys_cleanup() -> int:
    """The keys of sent forms are kept a week (bti/submit_keys.py)."""
    from bti.submit_keys import cleanup

    return cleanup()


@shared_task(name="bti.tasks.innsynslogg_partitions", ignore_result=True)
def innsynslogg_partitions() -> str:
    """The innsynslogg's monthly partitions (bti/partitions.py): create the months ahead
    and drop those past retention when the worker connects as the table owner; as the
    application role (which can do neither) only warn when next month's partition is
    missing, so the operator runs ``manage.py innsynslogg_partitions`` (docs/retention.md)."""
    import logging

    from django.db import connection

    from bti import partitions

    with connection.cursor() as cursor:
        if not partitions.is_partitioned(cursor):
            return "not partitioned"
        if partitions.is_owner(cursor):
            created = partitions.ensure_partitions()
            dropped = partitions.drop_expired()
            return f"created {len(created)}, dropped {len(dropped)}"
        missing = partitions.missing_months(cursor)
    if missing:
        logging.getLogger("bti.partitions").warning(
            "innsynslogg: no partition for %s; rows go to the default partition. "
            "Run manage.py innsynslogg_partitions as the owner.",
            ", ".join(f"{m:%Y-%m}" for m in missing),
        )
    return f"missing {len(missing)}"
