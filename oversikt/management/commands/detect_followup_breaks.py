"""Run the oppfølgingsbrudd detection now (the same as the daily Celery beat run)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from bti.models import Kommune
from oversikt import facts, services


class Command(BaseCommand):
    help = "Finn oppfølgingsbrudd og varsle stafettholdere (og ledere etter fristen). Trygt å kjøre flere ganger."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--kommune", help="Kommunenummer (standard: alle kommuner)")
        parser.add_argument(
            "--days-ahead",
            type=int,
            default=0,
            help="Kjør som om det var så mange dager senere (for å prøve reglene på demodata).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kommuner = Kommune.objects.all()
        if options.get("kommune"):
            kommuner = kommuner.filter(number=options["kommune"])
        for kommune in kommuner:
            now = timezone.now() + timedelta(days=options["days_ahead"])
            result = services.detect_followup_breaks(kommune_id=kommune.pk, now=now)
            facts.refresh_facts(kommune_id=kommune.pk)
            self.stdout.write(
                f"{kommune.name}: {result.findings} funn, {result.new_alarms} nye, "
                f"{result.notifications} varsler, {result.resolved} løst"
                + (f" (ikke tilgjengelig: {', '.join(result.skipped_rules)})" if result.skipped_rules else "")
            )
