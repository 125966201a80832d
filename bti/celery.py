"""The Celery app. The broker is Redis or RabbitMQ when ``CELERY_BROKER_URL`` is set,
otherwise kombu's filesystem transport in ``.data/celery`` so a real worker and beat run
on a laptop without a broker server.

Tasks reach the broker through a transactional outbox (django-celery-outbox, docs/adr/0019):
a task queued inside a transaction is a row in ``celery_outbox`` that commits or rolls back
with the change that caused it, and ``manage.py celery_outbox_relay`` sends it to the broker
when the broker is there. Queue tasks with ``bti.outbox.enqueue``."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from django_celery_outbox import OutboxCelery
from kombu.exceptions import OperationalError as BrokerError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bti.settings")


class BtiCelery(OutboxCelery):
    """Inside a transaction a task goes into the outbox. Outside one (beat, a task's own
    retry, a fan-out from a worker) there is no change to commit with: it goes straight to
    the broker, and into the outbox only when the broker is away, so a retry still gets
    through while the database is down."""

    def send_task(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from django.db import connection, transaction

        if connection.in_atomic_block:
            return super().send_task(name, *args, **kwargs)
        try:
            return Celery.send_task(self, name, *args, **kwargs)
        except BrokerError:
            with transaction.atomic():
                return super().send_task(name, *args, **kwargs)


app = BtiCelery("bti")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
