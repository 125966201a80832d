from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bti.models import Kommune
from handlingsveileder import services


class Command(BaseCommand):
    help = (
        "Gir hver kommune BTI-standardmalen og én handlingsveileder per tjeneste, og gir "
        "fagadministratorene redigeringsrett (kan kjøres flere ganger)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for kommune in Kommune.objects.all():
            guides = services.kommune_setup(kommune)
            self.stdout.write(f"{kommune.name}: {len(guides)} handlingsveiledere")
