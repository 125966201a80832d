from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stafettlogg.verify import verify_chains


class Command(BaseCommand):
    help = "Kontrollerer hash-kjeden i stafettloggen. Avslutter med feil og navngir første brudd."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", type=int, help="Bare denne saken")

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = list(verify_chains(options.get("case")))
        if breaks:
            for b in breaks:
                self.stderr.write(f"Sak {b.case_id}: loggføring #{b.seq} (id {b.entry_id}) {b.problem}")
            raise CommandError(
                f"Stafettloggen er endret: {len(breaks)} brudd. Første: sak {breaks[0].case_id}, loggføring #{breaks[0].seq}."
            )
        self.stdout.write(self.style.SUCCESS("Stafettloggen er uendret: alle kjeder stemmer."))
