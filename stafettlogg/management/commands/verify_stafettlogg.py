from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bti.integrity import load_checkpoints
from stafettlogg.anchors import anchored_heads, vouched_legacy
from stafettlogg.verify import verify_chains


class Command(BaseCommand):
    help = (
        "Kontrollerer stafettloggen: den nøkkelsignerte hash-kjeden i hver sak og de signerte sjekkpunktene "
        "(LOG_ANCHOR_DIR). Avslutter med feil og navngir hvert brudd: endret, slettet, avkortet, omskrevet, tømt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", type=int, help="Bare denne saken")

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = load_checkpoints()
        for problem in loaded.problems:
            self.stderr.write(problem)
        if not loaded.checkpoints:
            raise CommandError(
                f"Ingen gyldige sjekkpunkter i {settings.LOG_ANCHOR_DIR}: avkorting og omskriving kan ikke "
                "oppdages. Kjør «manage.py anchor_logs» (Celery beat gjør det jevnlig)."
            )
        breaks = list(
            verify_chains(
                options.get("case"),
                heads=anchored_heads(loaded.checkpoints),
                legacy=vouched_legacy(loaded.checkpoints),
            )
        )
        for b in breaks:
            where = f"Sak {b.case_id}: loggføring #{b.seq}" + (f" (id {b.entry_id})" if b.entry_id else "")
            self.stderr.write(f"[{b.kind}] {where} {b.problem}" if b.case_id else f"[{b.kind}] {b.problem}")
        if breaks or loaded.problems:
            first = breaks[0] if breaks else None
            raise CommandError(
                f"Stafettloggen er endret: {len(breaks)} brudd, {len(loaded.problems)} feil i sjekkpunktene."
                + (f" Første: {first.kind}, sak {first.case_id}, loggføring #{first.seq}." if first else "")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Stafettloggen er uendret: alle kjeder stemmer med nøkkelen og {len(loaded.checkpoints)} sjekkpunkter."
            )
        )
