"""One beat sends, however many run (bti/beat.py, ADR 0020).

The lease in-process (taken, refused, fenced, released, handed over with the schedule's
state, no database), then two real ``celery beat`` processes: only the holder sends, the
other takes over when the holder is killed, and no run of the schedule happens twice."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import OperationalError, connection
from django.utils import timezone

from bti.beat import LEASE, LeasedScheduler
from bti.models import ScheduleLease, ScheduleRun
from tests.deploy.helpers import url_of_test_database

ENTRY = "beat-test-every-second"


def _app() -> Celery:
    app = Celery("beat-test", set_as_current=False)
    app.conf.beat_schedule = {ENTRY: {"task": "bti.tasks.heartbeat", "schedule": 1.0}}
    return app


class Recording(LeasedScheduler):
    def __init__(self, *args, **kwargs):
        self.sent: list[str] = []
        super().__init__(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        self.sent.append(entry.name)


@pytest.mark.django_db
def test_it_lets_one_beat_send_and_fences_the_one_that_lost_the_lease(settings, caplog):
    settings.BEAT_LEASE_SECONDS = 30
    a, b = Recording(_app()), Recording(_app())
    assert a.renew() and not b.renew()
    assert ScheduleLease.objects.get(name=LEASE).holder == a.holder

    a.apply_entry(a.schedule[ENTRY])
    b.apply_entry(b.schedule[ENTRY])
    assert a.sent == [ENTRY] and b.sent == []  # the waiting beat sends nothing
    recorded = ScheduleRun.objects.get(name=ENTRY)

    # a stalls past its lease: b takes over with a's state, and a is fenced off.
    ScheduleLease.objects.filter(name=LEASE).update(expires_at=timezone.now() - timedelta(seconds=1))
    with caplog.at_level(logging.INFO, logger="bti.beat"):
        assert b.renew()
        assert b.schedule[ENTRY].last_run_at == recorded.last_run_at
        a.apply_entry(a.schedule[ENTRY])
    assert a.sent == [ENTRY] and not a.holding
    assert any("mistet planleggerlåsen" in r.getMessage() for r in caplog.records)

    # A clean stop hands the lease over at once.
    b.close()
    assert a.renew() and not b.holding


@pytest.mark.django_db
def test_it_sends_nothing_while_the_database_is_away(monkeypatch):
    beat = Recording(_app())
    assert beat.renew()

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    assert beat.renew() is False
    beat.apply_entry(beat.schedule[ENTRY])
    assert beat.sent == [] and not beat.holding
    assert beat.tick() == beat.tick_seconds


def _beat(tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url_of_test_database(),
        "DATABASE_POOL": "0",
        "BEAT_LEASE_SECONDS": "3",
        "BEAT_TEST_LOG": str(tmp_path / "sent.log"),
        "BEAT_TEST_BROKER_DIR": str(tmp_path / "broker"),
        "LOG_LEVEL": "INFO",
    }
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.deploy.beat_app", "beat", "--loglevel=INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _sends(tmp_path: Path) -> list[tuple[int, float]]:
    path = tmp_path / "sent.log"
    if not path.exists():
        return []
    return [(int(pid), float(at)) for pid, at, _task in (line.split() for line in path.read_text().splitlines())]


def _wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_it_runs_each_schedule_once_with_two_beats_started(tmp_path):
    (tmp_path / "broker").mkdir()
    first = _beat(tmp_path, "first")
    second = None
    try:
        _wait_for(lambda: any(pid == first.pid for pid, _ in _sends(tmp_path)), 60, "the first beat to send")
        second = _beat(tmp_path, "second")
        _wait_for(lambda: "venter" in (tmp_path / "second.log").read_text(), 60, "the second beat to wait")
        time.sleep(3)  # both running: only the holder sends
        first.send_signal(signal.SIGKILL)  # dies without releasing the lease
        first.wait(10)
        killed_at = time.time()
        _wait_for(lambda: any(pid == second.pid for pid, _ in _sends(tmp_path)), 30, "the second beat to take over")
        time.sleep(2.5)
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(20)
    sends = _sends(tmp_path)
    by_first = [at for pid, at in sends if pid == first.pid]
    by_second = [at for pid, at in sends if pid == second.pid]
    assert len(by_first) >= 4 and len(by_second) >= 2, sends
    assert {pid for pid, _ in sends} == {first.pid, second.pid}
    # The second beat sent nothing while the first held the lease ...
    assert min(by_second) > killed_at, (by_first, by_second, killed_at)
    # ... and no run happened twice: one entry every second, never two sends close together.
    times = sorted(at for _pid, at in sends)
    assert min(b - a for a, b in pairwise(times)) > 0.5, times
    assert ScheduleLease.objects.get(name=LEASE).holder.split(":")[1] == str(second.pid)
