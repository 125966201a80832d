from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bti.integrity import load_checkpoints, verify_day_logs


class Command(BaseCommand):
    help = (
        "Kontrollerer innsynsloggen og sikkerhetsloggen mot de signerte dagssummene i LOG_ANCHOR_DIR: "
        "slettede, endrede og etterregistrerte rader og en tømt tabell navngis per dag."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=date.fromisoformat, help="Bare dager fra og med (ÅÅÅÅ-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = load_checkpoints()
        for problem in loaded.problems:
            self.stderr.write(problem)
        if not loaded.checkpoints:
            raise CommandError(f"Ingen gyldige sjekkpunkter i {settings.LOG_ANCHOR_DIR}. Kjør «manage.py anchor_logs».")
        problems = verify_day_logs(loaded, since=options.get("since"))
        for p in problems:
            self.stderr.write(f"{p.log} {p.day}: {p.problem}" if p.day else p.problem)
        if problems or loaded.problems:
            raise CommandError(
                f"Loggene er endret: {len(problems)} dager med avvik, {len(loaded.problems)} feil i sjekkpunktene."
            )
        self.stdout.write(self.style.SUCCESS("Innsynsloggen og sikkerhetsloggen stemmer med sjekkpunktene."))
