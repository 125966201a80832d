from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UndersokelseConfig(AppConfig):
    name = "undersokelse"
    verbose_name = _("BTI-undersøkelsen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bti.registries import register_home_panel
        from undersokelse import views

        register_home_panel(views.home_panel)
