"""Reads from a streaming replica, for what may be a few seconds old (ADR 0020).

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database and this router.
Nothing reads from it unless code asks, twice over:

* inside ``replica_reads()`` (the leader overview and its exports open it around their
  selectors, after the access decision), and
* only for models an app registered with ``register_replica_readable`` (de-identified
  summary rows and their labels). Everything else, above all every row that decides
  access (memberships, roles, consents, involvements, stafettholders, sessions), reads
  the primary even inside the block, so a withdrawn consent counts on the next request.

The lag guard: before the replica is used, and then at most every
``DATABASE_REPLICA_CHECK_SECONDS`` per process, it is asked how far it is behind the
primary. Down, or more than ``DATABASE_REPLICA_MAX_LAG_SECONDS`` behind: reads go to the
primary, and the change is logged (once per change, not once per request).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, connections
from django.db.models import Model

logger = logging.getLogger("bti.replica")

REPLICA_ALIAS = "replica"
DOWN_RECHECK_SECONDS = 30.0

# Inside ``replica_reads()``: the block's decision, made at its first replica-readable read
# (None until then) and kept for the rest of the block, so one request's numbers (and the
# cache version that keys them) all come from one database, never half from each.
_reading_replica: ContextVar[list[bool | None] | None] = ContextVar("bti_reading_replica", default=None)
_readable: set[str] = set()  # "app_label.model_name"


def register_replica_readable(*models: type[Model]) -> None:
    """Let reads of these models go to the replica inside ``replica_reads()``. Register
    only rows whose staleness by a few seconds harms nobody: never a row that decides
    who may see what."""
    for model in models:
        _readable.add(model._meta.label_lower)


def is_replica_readable(model: type[Model]) -> bool:
    return model._meta.label_lower in _readable


def configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


@dataclass(frozen=True)
class ReplicaState:
    usable: bool
    lag_seconds: float | None
    reason: str


_state: ReplicaState | None = None
_checked_at = 0.0
_lock = threading.Lock()


def probe(replica_alias: str = REPLICA_ALIAS, primary_alias: str = DEFAULT_DB_ALIAS) -> ReplicaState:
    """How far the replica is behind, measured now.

    Replayed up to the primary's current WAL position: 0 s. Otherwise the age of the
    last transaction it replayed (its commit time on the primary): on a busy primary
    that is the real delay; after a quiet spell it overstates it for a moment, which only
    sends a few reads to the primary. Comparing with the primary's position (not only the
    replica's own received WAL) also catches a replica whose WAL stream has stopped."""
    max_lag = float(getattr(settings, "DATABASE_REPLICA_MAX_LAG_SECONDS", 30))
    try:
        with connections[primary_alias].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), pg_current_wal_lsn()::text")
            primary_in_recovery, primary_lsn = cursor.fetchone()
        if primary_in_recovery:  # the "primary" is itself a standby: nothing to compare with
            return ReplicaState(False, None, "primærdatabasen er en replika")
    except (DatabaseError, InterfaceError) as exc:
        return ReplicaState(False, None, f"primærdatabasen svarer ikke ({type(exc).__name__})")
    try:
        with connections[replica_alias].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()),"
                " EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())",
                [primary_lsn],
            )
            in_recovery, behind_bytes, replay_age = cursor.fetchone()
    except (DatabaseError, InterfaceError) as exc:
        _discard(replica_alias)
        return ReplicaState(False, None, f"replikaen svarer ikke ({type(exc).__name__})")
    if not in_recovery:
        # Not a standby (a promoted replica, or the primary itself): as fresh as it gets.
        return ReplicaState(True, 0.0, "ikke i gjenoppretting")
    if behind_bytes is not None and behind_bytes <= 0:
        return ReplicaState(True, 0.0, "à jour")
    if replay_age is None:
        return ReplicaState(False, None, "replikaen har ikke spilt av noen transaksjon ennå")
    lag = max(0.0, float(replay_age))
    if lag > max_lag:
        return ReplicaState(False, lag, f"{lag:.0f} s etter primærdatabasen (grense {max_lag:.0f} s)")
    return ReplicaState(True, lag, f"{lag:.1f} s etter")


def _discard(alias: str) -> None:
    """Drop a broken replica connection so the next check opens a fresh one."""
    with suppress(DatabaseError, InterfaceError):
        connections[alias].close()


def state() -> ReplicaState:
    """The replica's state, measured at most every ``DATABASE_REPLICA_CHECK_SECONDS``."""
    global _state, _checked_at
    if not configured():
        return ReplicaState(False, None, "ingen replika konfigurert")
    interval = float(getattr(settings, "DATABASE_REPLICA_CHECK_SECONDS", 5))
    with _lock:
        now = time.monotonic()
        if _state is not None and _state.lag_seconds is None and not _state.usable:
            # Down (not merely behind): each check costs a connect timeout, so ask less often.
            interval = max(interval, DOWN_RECHECK_SECONDS)
        if _state is not None and now - _checked_at < interval:
            return _state
        new = probe()
        _log_change(_state, new)
        _state, _checked_at = new, now
        return new


def _log_change(old: ReplicaState | None, new: ReplicaState) -> None:
    if new.usable and (old is None or not old.usable):
        if old is not None:
            logger.warning("Lesereplika brukes igjen (%s)", new.reason)
    elif not new.usable and (old is None or old.usable or old.reason != new.reason):
        logger.warning("Lesereplika brukes ikke, leser fra primærdatabasen: %s", new.reason)


def reset() -> None:
    """Forget the last measurement (tests, and after a configuration change)."""
    global _state, _checked_at
    with _lock:
        _state, _checked_at = None, 0.0


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside the block, reads of replica-readable models may come from the replica: all
    of them or none, as the lag guard says at the block's first such read."""
    token = _reading_replica.set([None])
    try:
        yield
    finally:
        _reading_replica.reset(token)


def alias_for(model: type[Model]) -> str:
    """The database to read ``model`` from here and now (for raw SQL over its table)."""
    block = _reading_replica.get()
    if block is None or not is_replica_readable(model) or not configured():
        return DEFAULT_DB_ALIAS
    if block[0] is None:
        block[0] = state().usable
    return REPLICA_ALIAS if block[0] else DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads: the primary, except as ``alias_for`` says. Writes and migrations: the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return alias_for(model) if _reading_replica.get() is not None else None

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA_ALIAS, None}

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
