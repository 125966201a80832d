"""``manage.py apply_retention [--dry-run] [--date YYYY-MM-DD] [--kommune ID]``: the daily
retention task by hand; the dry run lists exactly what the real run then does."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from arkiv import retention


class Command(BaseCommand):
    help = "Slett (kasser) saker der oppbevaringstiden er ute; --dry-run viser hva som ville skjedd."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Vis hva som ville blitt slettet, slett ingenting.")
        parser.add_argument("--date", help="Kjør som om i dag var denne datoen (YYYY-MM-DD).")
        parser.add_argument("--kommune", type=int, help="Bare denne kommunen (id).")
        parser.add_argument("--json", action="store_true", help="Skriv resultatet som JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(f"Ugyldig dato: {options['date']} (bruk YYYY-MM-DD)") from exc
        out = retention.apply(today=today, dry_run=options["dry_run"], kommune_id=options["kommune"])
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "dry_run": options["dry_run"],
                        "done": [i.as_dict() for i in out.done],
                        "waiting": [i.as_dict() for i in out.waiting],
                    },
                    ensure_ascii=False,
                )
            )
            return
        verb = "Ville slettet" if options["dry_run"] else "Slettet"
        for item in out.done:
            self.stdout.write(
                f"{verb} sak {item.case_id} ({item.unit}), avsluttet {item.closed_on}, etter regel {item.rule}"
            )
        for item in out.waiting:
            self.stdout.write(f"Venter på arkivets kvittering: sak {item.case_id} ({item.unit}), regel {item.rule}")
        self.stdout.write(f"{verb}: {len(out.done)} saker. Venter på arkivet: {len(out.waiting)}.")
