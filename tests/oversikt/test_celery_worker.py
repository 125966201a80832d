"""A real Celery worker against the machine's Redis runs a task end to end.

Skipped when Redis is not reachable locally; CI (.ci/run sets CELERY_BROKER_URL to
Redis) runs it. It uses a Redis database of its own (5), so it never eats another
process's messages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from oversikt.models import Notification, NotificationKind
from tests.deploy.helpers import url_of_test_database as _database_url

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


def test_it_runs_a_task_in_a_real_worker(redis_broker, personas):
    """A separate `celery worker` process (as in production) on Redis takes the task from
    the broker, runs it against the same database and exits cleanly on a missing row."""
    kari = personas["barnehagelaerer"]
    note = Notification.objects.create(kommune_id=kari.kommune_id, user=kari, kind=NotificationKind.ALARM, text="x")
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "CELERY_BROKER_URL": redis_broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": _database_url(),
        "DATABASE_POOL": "0",
        "DEMO_MODE": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }

    # A queue of this run's own: another test run on the same Redis cannot take its messages.
    queue = f"bti-test-{uuid.uuid4().hex}"

    def send(*ids: int) -> None:
        # `celery call` from a separate process, with the app's own configuration (as production sends).
        for task_id in ids:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "bti",
                    "call",
                    "oversikt.send_notification_email",
                    f"--args=[{task_id}]",
                    f"--queue={queue}",
                ],
                cwd=root,
                env=env,
                check=True,
                timeout=60,
                capture_output=True,
            )

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bti",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-Q",
            queue,
        ],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        send(note.pk + 10_000, note.pk)  # the first row is gone: the task exits cleanly
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            note.refresh_from_db()
            if note.emailed_at is not None:
                break
            time.sleep(0.3)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert note.emailed_at is not None, f"the worker did not run the task:\n{output[-3000:]}"
    assert "Traceback" not in output, output[-3000:]
