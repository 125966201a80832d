from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bti import db_roles


def app_connection() -> Any:
    """A connection as the application role (DATABASE_URL), whatever this process uses."""
    import psycopg

    return psycopg.connect(**db_roles.app_connect_kwargs())


class Command(BaseCommand):
    help = (
        "Logger inn som applikasjonsrollen (DATABASE_URL) og prøver UPDATE, DELETE, TRUNCATE, ALTER TABLE og "
        "DISABLE TRIGGER på de append-only loggene. Feiler hvis noe av det lykkes, eller hvis INSERT ikke går."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with app_connection() as conn, conn.cursor() as cursor:
            cursor.execute("SELECT current_user")
            role = cursor.fetchone()[0]
            probes = db_roles.check_app_role(cursor)
            conn.rollback()
        failed = [p for p in probes if not p.ok]
        for p in probes:
            verdict = "tillatt" if not p.refused else "avvist"
            mark = "ok " if p.ok else "FEIL"
            self.stdout.write(f"{mark} {verdict:8} {p.statement}" + (f"  ({p.detail})" if p.detail else ""))
        if not probes or failed:
            raise CommandError(
                f"Applikasjonsrollen {role} har for mange rettigheter: {len(failed)} av {len(probes)} prøver feilet."
            )
        self.stdout.write(self.style.SUCCESS(f"Applikasjonsrollen {role} kan bare lese og legge til i loggene."))
