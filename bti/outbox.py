"""The one way to queue a Celery task (docs/adr/0019).

``enqueue(task, *ids)`` records the task in the transactional outbox as part of the
caller's transaction: if the change rolls back, the task was never queued; if it commits,
the relay delivers the task when the broker is there, so a broker outage never turns a
committed action into an error page, and never loses its work. Delivery is at least once:
every task must be idempotent (a relay may send a row twice after a crash).

A guard test (tests/bti/test_outbox.py) fails on any ``.delay(`` or ``.apply_async(`` outside
this module."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction


def enqueue(task: Task, *args: Any, countdown: float | None = None) -> None:
    """Queue ``task(*args)`` with the current transaction (or a transaction of its own)."""
    options: dict[str, Any] = {} if countdown is None else {"countdown": countdown}
    if task.app.conf.task_always_eager:
        # Tests run tasks in-process, when the relay would deliver them: after the caller's
        # transaction commits, or at once outside one (the test case's own transaction,
        # which never commits, does not count).
        connection = transaction.get_connection()
        if any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
            transaction.on_commit(lambda: task.apply_async(args, **options))
        else:
            task.apply_async(args, **options)
        return
    with transaction.atomic():
        task.apply_async(args, **options)
