from __future__ import annotations

from django.apps import AppConfig


class OversiktConfig(AppConfig):
    name = "oversikt"
    verbose_name = "Oversikt, varsler og oppfølgingsbrudd"
