from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementeringConfig(AppConfig):
    name = "implementering"
    verbose_name = _("Innføring av BTI")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bti import home_panels
        from implementering import views

        home_panels.register(views.home_panel)
