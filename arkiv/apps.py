from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArkivConfig(AppConfig):
    name = "arkiv"
    verbose_name = _("Arkiv, oppbevaring og sletting")

    def ready(self) -> None:
        from arkiv import delivery, tasks_delivery, tasks_retention  # noqa: F401  (the worker finds the tasks)
        from arkiv.rules import innsynslogg_retention
        from bti.partitions import register_retention
        from bti.registries import (
            SettingsPage,
            register_archive_status,
            register_entry_listener,
            register_settings_page,
            register_storage_info,
        )

        register_retention(innsynslogg_retention)
        register_entry_listener(delivery.on_entry)
        register_archive_status(delivery.close_status)
        from arkiv import selectors

        # The family portal: the rule and dates, no counts (a count would tell of a held-back entry).
        register_storage_info(lambda case: selectors.storage_info(case, counts=False))
        register_settings_page(
            SettingsPage(
                "arkivlevering",
                _("Arkivlevering"),
                _("Arkivmeldingene til kommunens arkiv: hva som er sendt, kvittert og feilet, og send på nytt."),
                "arkiv-deliveries",
                55,
            )
        )

        register_settings_page(
            SettingsPage(
                "sletting",
                _("Sletting etter regel"),
                _("Hva den daglige slettingen vil gjøre (prøvekjøring), og loggen over saker som er slettet."),
                "arkiv-kassasjon",
                57,
            )
        )
        register_settings_page(
            SettingsPage(
                "oppbevaring",
                _("Oppbevaringsregler"),
                _(
                    "Hvor lenge sakene, innsynsloggen og sikkerhetsloggen beholdes, og om sakene bevares eller kasseres."
                ),
                "arkiv-retention",
                50,
            )
        )
