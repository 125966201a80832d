from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BtiConfig(AppConfig):
    name = "bti"
    verbose_name = _("Kjerne")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bti import db_roles, integrity  # noqa: F401  (integrity registers the day logs)
        from bti.security import checks, signals

        signals.connect()
        checks.register()
        post_migrate.connect(db_roles.on_post_migrate, dispatch_uid="bti-db-roles-grants")
