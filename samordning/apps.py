from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamordningConfig(AppConfig):
    name = "samordning"
    verbose_name = _("Samordning og barnekoordinator")

    def ready(self) -> None:
        from bti.registries import CasePanel, register_case_panel

        register_case_panel(CasePanel("samordning", _("Samordning og barnekoordinator"), "samordning", 10))
