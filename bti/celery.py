"""The Celery app. The broker is Redis or RabbitMQ when ``CELERY_BROKER_URL`` is set,
otherwise kombu's filesystem transport in ``.data/celery`` so a real worker and beat run
on a laptop without a broker server."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bti.settings")

app = Celery("bti")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
