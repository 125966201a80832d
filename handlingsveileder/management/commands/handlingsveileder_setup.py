from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bti.models import Kommune
from handlingsveileder import services
from handlingsveileder.models import GuideVersion


class Command(BaseCommand):
    help = (
        "Gir hver kommune BTI-standardmalen og én handlingsveileder per tjeneste med malen for "
        "tjenestens type (basis-, hjelpe- eller voksentjeneste), og gir fagadministratorene "
        "redigeringsrett. En handlingsveileder som allerede har versjoner, blir ikke endret "
        "(kan kjøres flere ganger)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for kommune in Kommune.objects.all():
            before = GuideVersion.objects.filter(kommune=kommune).count()
            guides = services.kommune_setup(kommune)
            added = GuideVersion.objects.filter(kommune=kommune).count() - before
            self.stdout.write(f"{kommune.name}: {len(guides)} handlingsveiledere, {added} nye versjoner fra malene")
