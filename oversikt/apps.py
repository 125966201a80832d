from __future__ import annotations

from django.apps import AppConfig


class OversiktConfig(AppConfig):
    name = "oversikt"
    verbose_name = "Oversikt, varsler og oppfølgingsbrudd"

    def ready(self) -> None:
        from bti.models import Service, Unit
        from bti.replica import register_replica_readable
        from oversikt.models import Alarm, CaseFact, LevelFact

        # The overview's de-identified summary rows and their labels may be read from the
        # replica (ADR 0020); who may see the overview is decided on the primary.
        register_replica_readable(CaseFact, LevelFact, Alarm, Unit, Service)
