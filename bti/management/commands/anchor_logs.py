from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from bti.integrity import public_key_b64, write_checkpoint


class Command(BaseCommand):
    help = "Skriver et signert sjekkpunkt av loggene (kjedehoder og dagssummer) til LOG_ANCHOR_DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="Alle saker, ikke bare de endrede")
        parser.add_argument(
            "--accept-legacy",
            action="store_true",
            help="Gå god for loggføringer skrevet før kjeden fikk nøkkel (én gang, etter oppgraderingen)",
        )
        parser.add_argument(
            "--public-key", action="store_true", help="Skriv bare ut den offentlige nøkkelen (til revisor)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["public_key"]:
            from bti.integrity import current_key_id

            self.stdout.write(f"{current_key_id()}:{public_key_b64(settings.LOG_INTEGRITY_KEYS[0])}")
            return
        checkpoint = write_checkpoint(full=options["full"], accept_legacy=options["accept_legacy"])
        section = checkpoint.body["sections"].get("stafettlogg", {})
        self.stdout.write(
            self.style.SUCCESS(
                f"Sjekkpunkt nr. {checkpoint.body['number']} skrevet ({checkpoint.name}): "
                f"{len(section.get('cases', {}))} saker."
            )
        )
