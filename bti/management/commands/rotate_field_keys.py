"""Re-encrypt every encrypted field with the newest key of FIELD_ENCRYPTION_KEYS.

Key rotation (docs/security.md):
1. Generate a key: ``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``.
2. Put it FIRST in FIELD_ENCRYPTION_KEYS, keep the old keys after it; restart the app.
3. Run ``manage.py rotate_field_keys``.
4. Remove the old keys from FIELD_ENCRYPTION_KEYS; restart.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from bti import fields


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields (fødselsnummer) with the newest FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for table, column in fields.encrypted_columns():
            with transaction.atomic():
                changed = fields.rewrite_column(connection, table, column, fields.rotate)
            total += changed
            self.stdout.write(f"{table}.{column}: {changed} verdier kryptert på nytt")
        self.stdout.write(self.style.SUCCESS(f"Ferdig: {total} verdier"))
