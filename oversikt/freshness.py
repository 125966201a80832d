"""The leader overview stays fresh after writes (issue 17 item 7): every action on a case
writes one stafettlogg entry, and the entry listener registered here queues one rebuild
of the kommune's summary rows when the writer's transaction commits. The rebuild runs in
the worker (``oversikt.refresh_kommune_facts``, two set-based statements), never in the
writer's request, and at most one is waiting per kommune: a marker in the cache says one
is queued, and the task clears it *before* it reads, so a write committed while it runs
queues the next one. Beat's rebuild every 15 minutes stays as the safety net (a lost
marker or a worker that was down)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction

# Longer than a queued task normally waits; if the worker is down the outbox keeps the
# task, and after this a new write queues another (the rebuild is idempotent).
QUEUED_SECONDS = 300


def queued_key(kommune_id: int) -> str:
    return f"oversikt:oppdatering-i-ko:{kommune_id}"


def refresh_soon(kommune_id: int) -> None:
    """Queue one rebuild of the kommune's summary rows unless one is already waiting."""
    if not cache.add(queued_key(kommune_id), 1, QUEUED_SECONDS):
        return
    from bti.outbox import enqueue
    from oversikt.tasks import refresh_kommune_facts

    enqueue(refresh_kommune_facts, kommune_id)


def refresh_started(kommune_id: int) -> None:
    """Called by the task before it reads: writes from now on queue a rebuild of their own."""
    cache.delete(queued_key(kommune_id))


def entry_listener(*, case: Any, actor: Any, entry: Any) -> None:
    """After the action's transaction commits (a rolled-back action changes no number)."""
    kommune_id = entry.kommune_id
    transaction.on_commit(lambda: refresh_soon(kommune_id))
