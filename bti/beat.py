"""One Celery beat at a time, however many are started (ADR 0020, docs/deployment.md).

``LeasedScheduler`` is celery's own in-memory scheduler (entries from
``CELERY_BEAT_SCHEDULE``) with two things added, both in PostgreSQL:

* a lease (``bti.ScheduleLease``): a beat sends only while it holds the unexpired lease.
  It renews the lease on every tick and again just before each send; a second beat finds
  the lease held and waits, and takes it over when the holder stops (released at once on
  a clean stop) or dies (after ``BEAT_LEASE_SECONDS``). A beat that cannot reach the
  database sends nothing.
* the schedule's state (``bti.ScheduleRun``): when each entry was last sent. The beat
  that takes over continues from there, so a failover neither repeats a run nor skips one.

The lease is plain SQL on the application's own connection (no session state), so it
also works through PgBouncer in transaction mode. Delivery stays at-least-once: a beat
that dies between sending and recording sends that entry again after the takeover, which
the tasks tolerate (they are idempotent).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from typing import Any

from celery.beat import ScheduleEntry, Scheduler
from django.conf import settings
from django.db import DatabaseError, InterfaceError, connection

logger = logging.getLogger("bti.beat")

LEASE = "celery-beat"

_RENEW = """
INSERT INTO bti_schedulelease (name, holder, acquired_at, expires_at)
VALUES (%(name)s, %(holder)s, clock_timestamp(), clock_timestamp() + make_interval(secs => %(seconds)s))
ON CONFLICT (name) DO UPDATE
   SET holder = EXCLUDED.holder,
       acquired_at = CASE WHEN bti_schedulelease.holder = EXCLUDED.holder
                          THEN bti_schedulelease.acquired_at ELSE EXCLUDED.acquired_at END,
       expires_at = EXCLUDED.expires_at
 WHERE bti_schedulelease.holder = EXCLUDED.holder OR bti_schedulelease.expires_at < clock_timestamp()
RETURNING holder
"""

_RELEASE = "UPDATE bti_schedulelease SET expires_at = clock_timestamp() WHERE name = %(name)s AND holder = %(holder)s"


class LeasedScheduler(Scheduler):
    """Celery's scheduler that sends only while it holds the lease (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.lease_seconds = float(getattr(settings, "BEAT_LEASE_SECONDS", 30))
        self.holding = False
        super().__init__(*args, **kwargs)
        # Tick often enough to renew the lease well before it runs out.
        self.tick_seconds = min(float(self.max_interval or 300), max(1.0, self.lease_seconds / 3))
        self.max_interval = int(self.tick_seconds) or 1

    # --- the lease ----------------------------------------------------------------

    def renew(self) -> bool:
        """Take or keep the lease; False when another beat holds it or the database is away."""
        params: dict[str, str | float] = {"name": LEASE, "holder": self.holder, "seconds": self.lease_seconds}
        try:
            with connection.cursor() as cursor:
                cursor.execute(_RENEW, params)
                held = cursor.fetchone() is not None
        except (DatabaseError, InterfaceError) as exc:
            self._discard_connection()
            self._lose(f"databasen svarer ikke ({type(exc).__name__})")
            return False
        if held and not self.holding:
            self._take_over()
        elif not held:
            self._lose("en annen beat har låsen")
        return held

    def release(self) -> None:
        if not self.holding:
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute(_RELEASE, {"name": LEASE, "holder": self.holder})
        except (DatabaseError, InterfaceError):
            self._discard_connection()  # it runs out by itself
        self.holding = False
        logger.info("Beat %s: ga fra seg planleggerlåsen", self.holder)

    def _take_over(self) -> None:
        """Continue the schedule from the state the previous holder left."""
        from bti.models import ScheduleRun

        stored = {run.name: run for run in ScheduleRun.objects.filter(name__in=list(self.schedule))}
        fresh = []
        for name, entry in self.schedule.items():
            if name in stored:
                entry.last_run_at = stored[name].last_run_at
                entry.total_run_count = stored[name].total_run_count
            else:
                # New entry: first run one interval from now, as celery does.
                fresh.append(
                    ScheduleRun(name=name, last_run_at=entry.last_run_at or entry.default_now(), total_run_count=0)
                )
        ScheduleRun.objects.bulk_create(fresh, ignore_conflicts=True)
        self._heap = None  # rebuilt from the loaded state on this tick
        self.holding = True
        logger.info("Beat %s: har planleggerlåsen og sender planlagte oppgaver", self.holder)

    def _lose(self, reason: str) -> None:
        if self.holding:
            logger.warning("Beat %s: mistet planleggerlåsen (%s), sender ingenting", self.holder, reason)
        elif not getattr(self, "_told_waiting", False):
            logger.info("Beat %s: venter (%s)", self.holder, reason)
            self._told_waiting = True
        self.holding = False
        self._heap = None

    @staticmethod
    def _discard_connection() -> None:
        try:
            connection.close()
        except (DatabaseError, InterfaceError):  # pragma: no cover - already broken
            logger.debug("closing a broken connection failed", exc_info=True)

    # --- celery's hooks -----------------------------------------------------------

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if not self.renew():
            return self.tick_seconds
        return min(float(super().tick(*args, **kwargs)), self.tick_seconds)

    def apply_entry(self, entry: ScheduleEntry, producer: Any = None) -> None:
        # Fenced: still ours right before sending (a beat that stalled past its lease
        # finds it taken and sends nothing).
        if not self.renew():
            return
        logger.info("Beat: sender %s (%s)", entry.name, entry.task)
        try:
            self.apply_async(entry, producer=producer, advance=False)
        except Exception:  # the broker; celery's own apply_entry also only logs
            logger.exception("Beat: kunne ikke sende %s; prøves igjen ved neste overtakelse", entry.name)
            return
        self._record(self.schedule[str(entry.name)])

    def _record(self, entry: ScheduleEntry) -> None:
        from bti.models import ScheduleRun

        try:
            ScheduleRun.objects.update_or_create(
                name=entry.name,
                defaults={"last_run_at": entry.last_run_at, "total_run_count": entry.total_run_count},
            )
        except (DatabaseError, InterfaceError):
            self._discard_connection()
            logger.exception("Beat: kunne ikke lagre kjøringen av %s", entry.name)

    def close(self) -> None:
        self.release()
        super().close()

    @property
    def info(self) -> str:
        return f"    . lease -> {LEASE} ({self.lease_seconds:.0f} s), holder {self.holder}"
