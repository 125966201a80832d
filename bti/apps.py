from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BtiConfig(AppConfig):
    name = "bti"
    verbose_name = _("Kjerne")

    def ready(self) -> None:
        from bti.security import checks, signals

        signals.connect()
        checks.register()
        _reconnect_every_second()


def _reconnect_every_second() -> None:
    """psycopg's pool retries a failed connection with a delay that doubles (1, 2, 4, 8 …
    seconds): after a 20 s outage its next try could come 15 s after the database is back,
    and every request until then fails. A steady second between tries costs a refused
    connection per second while the database is down and recovers within a second after
    (docs/reliability.md)."""
    from psycopg_pool.base import AttemptWithBackoff

    AttemptWithBackoff.DELAY_BACKOFF = 1.0
