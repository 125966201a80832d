"""Crypto-shredding: every case's personal free text is sealed with a data key of its own
(issue 15 item 3, docs/adr/0026-crypto-shredding-and-the-daily-retention-task.md).

* **The key.** One row per case in ``cases_casekey``: 32 random bytes, wrapped (AES-GCM)
  with the master key ``settings.CASE_KEY_MASTER`` (env ``CASE_KEY_MASTER`` or
  ``CASE_KEY_MASTER_FILE``; derived from ``SECRET_KEY`` only in demo, debug and tests).
  The row is created at the case's first sealed write and deleted at kassasjon: without
  it nothing sealed for the case can ever be opened again (the master key alone opens
  nothing).
* **Sealed values** are text ``ck1:<case id>:<base64(nonce ‖ AES-256-GCM ciphertext)>``,
  the case id also bound as associated data, so a value copied into another case does not
  open. ``SealedTextField`` seals at write (``pre_save``: it knows the row, hence the case)
  and opens at read (``from_db_value``); the opened value is an ``Opened`` string that
  still carries what is stored (``stored(value)``), which is what the stafettlogg hash
  chain covers.
* **One key fetch per case.** Keys are held per thread for the current request (cleared
  at every request start and task start, and at most ``_TTL`` seconds). The read gate
  hands over the key row that ``bti.policy.access_case`` joined (``select_related``), so a
  case page opens every row with no extra query; any other read fetches each case's key
  once (``preload`` fetches many in one query).
* A value without the prefix is legacy plain text (rows from before the migration, the
  bench and scale generators) and is returned as it is.

The core imports no feature app: the key table is reached with plain SQL.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

PREFIX = "ck1:"
KEY_TABLE = "cases_casekey"
_TTL = 60.0


def derive_dev_master(secret: str) -> str:
    """The master key derived from the local secret (demo, debug and tests only)."""
    return base64.b64encode(hashlib.sha256(f"bti-case-key-master:{secret}".encode()).digest()).decode()


def _master() -> AESGCM:
    raw = settings.CASE_KEY_MASTER
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("CASE_KEY_MASTER must be 32 bytes in base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured("CASE_KEY_MASTER must be 32 bytes in base64")
    return AESGCM(key)


def master_id() -> str:
    return hashlib.sha256(b"bti-case-master-id:" + settings.CASE_KEY_MASTER.encode()).hexdigest()[:8]


def wrap(case_id: int, data_key: bytes) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + _master().encrypt(nonce, data_key, f"case-key:{case_id}".encode())).decode()


def unwrap(case_id: int, wrapped: str) -> bytes:
    raw = base64.b64decode(wrapped)
    try:
        return _master().decrypt(raw[:12], raw[12:], f"case-key:{case_id}".encode())
    except InvalidTag as exc:
        raise ImproperlyConfigured(f"The key of case {case_id} does not open with CASE_KEY_MASTER") from exc


# --- The per-request key cache ------------------------------------------------------------


class _Held(threading.local):
    def __init__(self) -> None:
        self.keys: dict[int, tuple[bytes | None, float]] = {}
        self.raw = False


_held = _Held()


def clear(**_kwargs: Any) -> None:
    """Forget every key held (at the start of a request or a task)."""
    _held.keys = {}


def forget(case_id: int) -> None:
    _held.keys.pop(int(case_id), None)


def remember(case_id: int, wrapped: str | None) -> None:
    """Hold the key of a case whose key row the caller already loaded (the read gate)."""
    _held.keys[int(case_id)] = (unwrap(int(case_id), wrapped) if wrapped else None, time.monotonic())


def _cached(case_id: int) -> tuple[bool, bytes | None]:
    found = _held.keys.get(case_id)
    if found is None or time.monotonic() - found[1] > _TTL:
        return False, None
    return True, found[0]


def preload(case_ids: Iterable[int]) -> None:
    """Fetch the keys of many cases in one query (a list that shows sealed text)."""
    wanted = sorted({int(c) for c in case_ids if not _cached(int(c))[0]})
    if not wanted:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT case_id, wrapped FROM {KEY_TABLE} WHERE case_id = ANY(%s)", [wanted])  # noqa: S608  # nosec B608
        found = dict(cursor.fetchall())
    for case_id in wanted:
        remember(case_id, found.get(case_id))


def key_for_read(case_id: int) -> bytes | None:
    """The case's data key, or None once it is destroyed (or was never made)."""
    hit, key = _cached(case_id)
    if not hit:
        preload([case_id])
        key = _cached(case_id)[1]
    return key


def key_for_write(case_id: int) -> bytes:
    """The case's data key, made at its first sealed write. A shredded case never gets a
    new one (the insert is conditional on the case not being shredded)."""
    key = key_for_read(case_id)
    if key is not None:
        return key
    fresh = AESGCM.generate_key(bit_length=256)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {KEY_TABLE} (case_id, wrapped, master_id, created_at) "  # noqa: S608  # nosec B608
            "SELECT id, %s, %s, now() FROM cases_case WHERE id = %s AND shredded_at IS NULL "
            "ON CONFLICT (case_id) DO NOTHING",
            [wrap(case_id, fresh), master_id(), case_id],
        )
    forget(case_id)
    key = key_for_read(case_id)
    if key is None:
        raise Shredded(case_id)
    return key


class Shredded(Exception):
    """A write to a case whose key is destroyed (or a case that does not exist)."""


# --- Sealing and opening values ----------------------------------------------------------


class Opened(str):
    """Plain text opened from a sealed value; ``sealed`` is what the database holds."""

    sealed: str

    def __new__(cls, plain: str, sealed: str) -> Opened:
        value = super().__new__(cls, plain)
        value.sealed = sealed
        return value


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(case_id: int, plain: str) -> str:
    """The stored form of ``plain`` for the case (empty stays empty)."""
    if not plain or is_sealed(plain):
        return plain
    nonce = os.urandom(12)
    ct = AESGCM(key_for_write(case_id)).encrypt(nonce, plain.encode(), f"case:{case_id}".encode())
    return f"{PREFIX}{case_id}:{base64.b64encode(nonce + ct).decode()}"


def open_value(stored_value: str) -> str:
    """Plain text of a stored value: legacy plain text as it is, a sealed value opened with
    its case's key, ``""`` once the key is destroyed."""
    if not is_sealed(stored_value):
        return stored_value
    case_part, _sep, body = stored_value[len(PREFIX) :].partition(":")
    case_id = int(case_part)
    key = key_for_read(case_id)
    if key is None:
        return Opened("", stored_value)
    raw = base64.b64decode(body)
    try:
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], f"case:{case_id}".encode()).decode()
    except InvalidTag as exc:
        raise ImproperlyConfigured(f"A sealed value of case {case_id} does not open with its key") from exc
    return Opened(plain, stored_value)


def stored(value: Any) -> Any:
    """What the database holds for a value read through ``SealedTextField``."""
    return value.sealed if isinstance(value, Opened) else value


@contextmanager
def sealed_only() -> Iterator[None]:
    """Read sealed fields as stored, without opening them (the hash-chain verifier), and
    write them as given (the scale generator's plain text)."""
    before = _held.raw
    _held.raw = True
    try:
        yield
    finally:
        _held.raw = before


class SealedTextField(models.TextField):
    """Free text sealed with the case's key. ``case_attr`` names the row's case id."""

    description = "Text sealed with the case's data key (crypto-shredding)"

    def __init__(self, *args: Any, case_attr: str = "case_id", **kwargs: Any) -> None:
        self.case_attr = case_attr
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.case_attr != "case_id":
            kwargs["case_attr"] = self.case_attr
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, conn: Any) -> str | None:
        if value is None or value == "" or _held.raw:
            return value
        return open_value(value)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, Opened):
            return value.sealed
        if not value or is_sealed(value) or _held.raw:  # sealed_only(): written as given
            return value
        return seal(int(getattr(model_instance, self.case_attr)), str(value))


def seal_column(conn: Any, table: str, column: str, case_column: str = "case_id", *, batch: int = 500) -> int:
    """Seal every plain, non-empty value of one column with its row's case key, in
    batches, with plain SQL (usable in migrations). Returns the number of rows sealed."""
    qn = conn.ops.quote_name
    col, tab, cc = qn(column), qn(table), qn(case_column)
    select = (
        f"SELECT id, {cc}, {col} FROM {tab} WHERE id > %s AND {col} <> '' "  # noqa: S608  # nosec B608
        f"AND {col} NOT LIKE 'ck1:%%' ORDER BY id LIMIT %s"
    )
    update = f"UPDATE {tab} SET {col} = %s WHERE id = %s"  # noqa: S608  # nosec B608
    changed, last_pk = 0, 0
    while True:
        with conn.cursor() as cursor:
            cursor.execute(select, [last_pk, batch])
            rows = cursor.fetchall()
            if not rows:
                return changed
            for pk, case_id, plain in rows:
                cursor.execute(update, [seal(int(case_id), plain), pk])
                changed += 1
            last_pk = rows[-1][0]
