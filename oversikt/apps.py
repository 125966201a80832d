from __future__ import annotations

from django.apps import AppConfig


class OversiktConfig(AppConfig):
    name = "oversikt"
    verbose_name = "Oversikt, varsler og oppfølgingsbrudd"

    def ready(self) -> None:
        from bti.models import Service, Unit
        from bti.registries import register_demo_seeder, register_entry_listener, register_notifier
        from bti.replica import register_replica_readable
        from oversikt import demo, freshness, services
        from oversikt.models import Alarm, CaseFact, FactsVersion, LevelFact

        # The stafettlogg's events that notify someone (no stafettlogg → oversikt import).
        register_notifier("handover_proposed", services.notify_handover_proposed)
        register_notifier("became_stafettholder", services.notify_became_stafettholder)
        # Answering a proposal is the act «Du er foreslått som stafettholder» asks for.
        register_notifier("handover_answered", services.handover_answered)

        # Every action writes an entry: the overview's numbers are rebuilt after it commits.
        register_entry_listener(freshness.entry_listener)
        # Last of the demo seeders: the demo kommune's numbers and alarms exist at once.
        register_demo_seeder("oversikt", demo.seed_overview, order=900)

        # The overview's de-identified summary rows and their labels may be read from the
        # replica (ADR 0020); who may see the overview is decided on the primary.
        register_replica_readable(CaseFact, LevelFact, FactsVersion, Alarm, Unit, Service)
