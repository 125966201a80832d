from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BtiConfig(AppConfig):
    name = "bti"
    verbose_name = _("Kjerne")

    def ready(self) -> None:
        from bti.security import checks, signals

        signals.connect()
        checks.register()
