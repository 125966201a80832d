"""Field-level encryption at rest for direct identifiers (fødselsnummer and the like).

``EncryptedTextField`` stores ``fernet:<token>`` (AES-128-CBC + HMAC-SHA256, Fernet) made
with the first key of ``settings.FIELD_ENCRYPTION_KEYS``; every key in the list can
decrypt, so keys rotate by putting a new key first and running
``manage.py rotate_field_keys``. Encrypted values are not searchable: keep a keyed hash
(blind index, e.g. ``cases.models.fnr_index``) beside the field for lookups.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


def derive_dev_key(secret: str) -> str:
    """A Fernet key derived from the local secret (demo, debug and tests only)."""
    digest = hashlib.sha256(f"bti-field-encryption:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64 bytes)") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    """Plain text of a stored value. A value without the prefix is legacy plain text
    (rows written before encryption was turned on) and is returned as it is."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted value cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS "
            "(was an old key removed before rotate_field_keys ran?)"
        ) from exc


def rotate(stored: str) -> str:
    """Re-encrypt a stored value with the newest key (plain text gets encrypted)."""
    if not stored:
        return stored
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    return PREFIX + fernet().rotate(stored[len(PREFIX) :].encode()).decode()


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


class EncryptedTextField(models.TextField):
    """A text field encrypted at rest. The empty string stays empty (no identifier given).

    Lookups other than ``isnull`` and equality with ``""`` cannot work on ciphertext;
    search through a blind index instead.
    """

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or (isinstance(value, str) and value.startswith(PREFIX)):
            return value
        return encrypt(str(value))


def rewrite_column(connection: Any, table: str, column: str, transform: Any, *, batch: int = 500) -> int:
    """Apply ``transform`` (e.g. ``rotate`` or ``decrypt``) to every non-empty stored value
    of one column, in batches, with raw SQL (no model code, usable in migrations).
    Returns the number of rows changed."""
    # Table and column names come from model metadata (never from input) and are quoted.
    qn = connection.ops.quote_name
    col, tab = qn(column), qn(table)
    select = f"SELECT id, {col} FROM {tab} WHERE id > %s AND {col} <> '' ORDER BY id LIMIT %s"  # noqa: S608  # nosec B608
    update = f"UPDATE {tab} SET {col} = %s WHERE id = %s"  # noqa: S608  # nosec B608
    changed = 0
    last_pk = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(select, [last_pk, batch])
            rows = cursor.fetchall()
            if not rows:
                return changed
            for pk, stored in rows:
                new = transform(stored)
                if new != stored:
                    cursor.execute(update, [new, pk])
                    changed += 1
            last_pk = rows[-1][0]


def encrypted_columns() -> list[tuple[str, str]]:
    """(table, column) of every EncryptedTextField in the project."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                found.append((model._meta.db_table, field.column))
    return found
