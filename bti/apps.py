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
        _reconnect_every_second()
        _quiet_outbox_relay()


def _quiet_outbox_relay() -> None:
    """django-celery-outbox logs through structlog, a line per batch twice a second: keep its
    warnings and errors (a broker outage, a dead letter), not the heartbeat."""
    import logging

    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def _reconnect_every_second() -> None:
    """psycopg's pool retries a failed connection with a delay that doubles (1, 2, 4, 8 …
    seconds): after a 20 s outage its next try could come 15 s after the database is back,
    and every request until then fails. A steady second between tries costs a refused
    connection per second while the database is down and recovers within a second after
    (docs/reliability.md)."""
    from psycopg_pool.base import AttemptWithBackoff

    AttemptWithBackoff.DELAY_BACKOFF = 1.0
