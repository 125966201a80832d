"""The innsynslogg's monthly partitions (docs/adr/0027, docs/retention.md).

Run as the table owner (it is in ``OWNER_COMMANDS``), e.g. daily from cron or a systemd
timer; idempotent:

    manage.py innsynslogg_partitions                 # create the months ahead
    manage.py innsynslogg_partitions --drop-expired --dry-run   # list what would be dropped
    manage.py innsynslogg_partitions --drop-expired  # drop them (recorded and anchored)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bti import partitions


class Command(BaseCommand):
    help = "Lager innsynsloggens månedspartisjoner på forhånd og sletter måneder som er ute av oppbevaringstiden."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ahead", type=int, default=partitions.AHEAD_MONTHS, help="måneder fram i tid")
        parser.add_argument("--drop-expired", action="store_true", help="slett måneder ute av oppbevaringstiden")
        parser.add_argument("--dry-run", action="store_true", help="vis bare hva som ville blitt slettet")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["dry_run"]:
            for name in partitions.ensure_partitions(ahead=options["ahead"]):
                self.stdout.write(f"laget {name}")
        if options["drop_expired"]:
            for item in partitions.drop_expired(dry_run=options["dry_run"]):
                verb = "ville slettet" if options["dry_run"] else "slettet"
                self.stdout.write(f"{verb} {item.partition}: {item.rows} rader ({item.rule}, {item.years} år)")
