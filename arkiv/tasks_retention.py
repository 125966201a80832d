"""The daily retention task (issue 15 item 3, docs/adr/0026): thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from arkiv import retention
from bti import sealing


@shared_task
def apply_retention() -> int:
    """Shred every case whose retention has ended (beat: daily). A rerun does nothing twice."""
    sealing.clear()
    try:
        return len(retention.apply().done)
    finally:
        sealing.clear()
