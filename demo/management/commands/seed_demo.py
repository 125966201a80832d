from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.seed import PERSONAS, seed_demo, seed_demo_workload


class Command(BaseCommand):
    help = (
        "Oppretter demokommunen med enheter, én bruker per persona og rundt tjue saker på alle nivåer "
        "(kan kjøres flere ganger)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--uten-saker", action="store_true", help="Bare enheter og personer, ingen saker.")

    def handle(self, *args: Any, **options: Any) -> None:
        users = seed_demo()
        created = 0 if options["uten_saker"] else seed_demo_workload(users)
        self.stdout.write(self.style.SUCCESS(f"Demodata er på plass ({created} nye saker)."))
        if not settings.DEMO_MODE:
            self.stdout.write(self.style.WARNING("DEMO_MODE er av: demobrukerne kan ikke logge inn."))
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.email:40} {persona.full_name} ({persona.title})")
