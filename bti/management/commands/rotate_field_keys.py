"""Re-encrypt every encrypted field with the newest key of FIELD_ENCRYPTION_KEYS.

Key rotation (docs/security.md):
1. Generate a key: ``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``.
2. Put it FIRST in FIELD_ENCRYPTION_KEYS, keep the old keys after it; restart the app.
3. Run ``manage.py rotate_field_keys``.
4. Remove the old keys from FIELD_ENCRYPTION_KEYS; restart.

``--check`` writes nothing: it decrypts every stored value with the configured keys and
fails, naming the column, if any cannot be read. Run it after a restore (docs/deployment.md:
a database restored without the keys it was written with is unreadable where it matters)
and before removing an old key.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from bti import fields


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields (fødselsnummer) with the newest FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Skriv ingenting: kontroller at alle krypterte verdier kan leses med nøklene",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            self._check()
            return
        total = 0
        for table, column in fields.encrypted_columns():
            with transaction.atomic():
                changed = fields.rewrite_column(connection, table, column, fields.rotate)
            total += changed
            self.stdout.write(f"{table}.{column}: {changed} verdier kryptert på nytt")
        self.stdout.write(self.style.SUCCESS(f"Ferdig: {total} verdier"))

    def _check(self) -> None:
        readable = unreadable = plain = 0
        problems = []
        for table, column in fields.encrypted_columns():
            counts = {"ok": 0, "bad": 0, "plain": 0}

            def read(stored: str, counts: dict[str, int] = counts) -> str:
                if not fields.is_encrypted(stored):
                    counts["plain"] += 1
                    return stored
                try:
                    fields.decrypt(stored)
                except ImproperlyConfigured:
                    counts["bad"] += 1
                else:
                    counts["ok"] += 1
                return stored  # unchanged: nothing is written

            fields.rewrite_column(connection, table, column, read)
            readable, unreadable, plain = readable + counts["ok"], unreadable + counts["bad"], plain + counts["plain"]
            self.stdout.write(
                f"{table}.{column}: {counts['ok']} kan leses, {counts['bad']} kan ikke leses, "
                f"{counts['plain']} ukryptert"
            )
            if counts["bad"]:
                problems.append(f"{table}.{column} ({counts['bad']})")
        if problems:
            raise CommandError(
                "Krypterte verdier som ingen nøkkel i FIELD_ENCRYPTION_KEYS kan lese: "
                + ", ".join(problems)
                + ". Er nøklene fra sikkerhetskopien med?"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Nøklene stemmer: {readable} krypterte verdier kan leses ({plain} ukryptert).")
        )
