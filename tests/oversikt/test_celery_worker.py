"""A real Celery worker against the machine's Redis runs a task end to end.

Skipped when Redis is not reachable locally; CI (.ci/run sets CELERY_BROKER_URL to
Redis) runs it. It uses a Redis database of its own (5), so it never eats another
process's messages."""

from __future__ import annotations

import os
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail

from oversikt.models import Notification, NotificationKind

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def _redis_url() -> str:
    configured = os.environ.get("CELERY_BROKER_URL", "")
    host = urlsplit(configured).netloc if configured.startswith("redis://") else "127.0.0.1:6379"
    return f"redis://{host}/5"


@pytest.fixture
def redis_broker() -> str:
    import redis

    url = _redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:
        if os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
            pytest.fail(f"Redis broker configured but not reachable: {exc}")
        pytest.skip("Redis not reachable locally; CI runs this test")
    return url


def _reset_connections(app) -> None:
    """Drop pooled broker connections so the next ones use the broker set in conf."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def test_it_runs_a_task_in_a_real_worker(redis_broker, personas, settings):
    from celery.contrib.testing.worker import start_worker

    from bti.celery import app
    from oversikt.tasks import send_notification_email

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    kari = personas["barnehagelaerer"]
    note = Notification.objects.create(kommune_id=kari.kommune_id, user=kari, kind=NotificationKind.ALARM, text="x")
    old = {k: app.conf.get(k) for k in ("broker_url", "task_always_eager", "result_backend")}
    app.conf.update(broker_url=redis_broker, task_always_eager=False, result_backend=None)
    _reset_connections(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            send_notification_email.delay(note.pk)
            send_notification_email.delay(note.pk + 10_000)  # a row that is gone: exits cleanly
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                note.refresh_from_db()
                if note.emailed_at is not None:
                    break
                time.sleep(0.2)
    finally:
        app.conf.update(**old)
        _reset_connections(app)
    assert note.emailed_at is not None, "the worker did not run the task"
    assert [m.to for m in mail.outbox] == [[kari.email]]
