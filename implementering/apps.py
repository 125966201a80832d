from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementeringConfig(AppConfig):
    name = "implementering"
    verbose_name = _("Innføring av BTI")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bti.registries import register_home_panel
        from implementering import views

        register_home_panel(views.home_panel)
