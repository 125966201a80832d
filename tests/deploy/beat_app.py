"""The project's Celery app for the two-beat test (tests/bti/test_beat.py): one entry every
second, a broker on the file system, and a line per sent message (pid, time, task) in
``BEAT_TEST_LOG``. Started as ``celery -A tests.deploy.beat_app beat``."""

from __future__ import annotations

import os
import time
from typing import Any

from celery.signals import before_task_publish

from bti.celery import app

_folder = os.environ["BEAT_TEST_BROKER_DIR"]
app.conf.update(
    broker_url="filesystem://",
    broker_transport_options={"data_folder_in": _folder, "data_folder_out": _folder, "control_folder": _folder},
    beat_schedule={"beat-test-every-second": {"task": "bti.tasks.heartbeat", "schedule": 1.0}},
)


@before_task_publish.connect
def _record(sender: str | None = None, **kwargs: Any) -> None:
    with open(os.environ["BEAT_TEST_LOG"], "a", encoding="utf-8") as out:
        out.write(f"{os.getpid()} {time.time():.3f} {sender}\n")
