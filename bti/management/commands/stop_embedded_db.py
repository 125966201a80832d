from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Stopper den innebygde PostgreSQL-serveren (.data/pg)."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        from bti.embedded_db import stop_embedded_database

        stop_embedded_database()
