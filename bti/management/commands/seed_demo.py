from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from bti.demo import PERSONAS, seed_demo


class Command(BaseCommand):
    help = "Oppretter demokommunen med enheter og én bruker per persona (kan kjøres flere ganger)."

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo()
        self.stdout.write(self.style.SUCCESS("Demodata er på plass."))
        if not settings.DEMO_MODE:
            self.stdout.write(self.style.WARNING("DEMO_MODE er av: demobrukerne kan ikke logge inn."))
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.email:40} {persona.full_name} ({persona.title})")
