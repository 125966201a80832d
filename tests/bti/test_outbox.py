"""The transactional outbox (docs/adr/0019): a committed action's task waits in the database
while the broker is away and is delivered when it returns; a rolled-back action queued
nothing; two relays deliver each task once; every enqueue goes through bti.outbox."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django_celery_outbox.models import CeleryOutbox
from django_celery_outbox.relay import Relay, RelayConfig

from bti.celery import BtiCelery
from bti.outbox import enqueue
from samarbeid.models import PdfJob, PdfJobStatus
from samarbeid.tasks import pdf_job_run
from tests.samarbeid import helpers

ROOT = Path(__file__).resolve().parents[2]
DEAD_BROKER = "redis://127.0.0.1:1/0"


def test_every_task_is_queued_through_bti_outbox():
    """`.delay(` or `.apply_async(` elsewhere would bypass the outbox (and lose the task
    when the broker is down): use ``bti.outbox.enqueue``."""
    allowed = {ROOT / "bti" / "outbox.py"}
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "tests", "node_modules", "staticfiles"} or path in allowed:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # The beat scheduler's own ``Scheduler.apply_async(entry)`` sends through
            # ``app.send_task`` (``BtiCelery``: the outbox when the broker is away).
            if re.search(r"\.(delay|apply_async)\(", line) and "self.apply_async(entry" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "queue tasks with bti.outbox.enqueue:\n" + "\n".join(offenders)


@pytest.fixture
def real_outbox(settings: Any, monkeypatch: Any) -> Any:
    """Tasks go to the outbox as in production (not run in-process). Celery lets the
    CELERY_BROKER_URL variable win over any configured broker: the relays below name theirs."""
    from bti.celery import app

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)

    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


def _relay_app(broker: str) -> BtiCelery:
    """The relay's own Celery app, pointed at ``broker``."""
    relay_app = BtiCelery("bti-relay-test", set_as_current=False)
    relay_app.config_from_object("django.conf:settings", namespace="CELERY")
    relay_app.conf.broker_url = broker  # type: ignore[misc]
    relay_app.conf.task_always_eager = False
    relay_app.conf.broker_connection_timeout = 1
    relay_app.conf.task_publish_retry = False
    return relay_app


def _relay_once(broker: str) -> None:
    config = RelayConfig.init(idle_time=0.01, broker_outage_cooldown=0.01, send_timeout=2)
    relay = Relay(_relay_app(broker), config)
    relay._processing()  # one batch, as the loop of `manage.py celery_outbox_relay` does


def _drain_memory_queue(queue: str) -> list[tuple[str, list[Any]]]:
    """The messages the relay put on the in-memory broker: (task name, args)."""
    app = _relay_app("memory://")
    got = []
    with app.connection_for_read() as conn:
        simple = conn.SimpleQueue(queue, no_ack=True)
        while True:
            try:
                message = simple.get(timeout=0.2)
            except simple.Empty:
                break
            got.append((message.headers["task"], list(message.payload[0])))
        simple.close()
    return got


@pytest.mark.django_db(transaction=True)
def test_a_committed_print_order_waits_out_a_broker_outage_and_is_delivered_once(real_outbox, personas, login):
    built = helpers.plan_case(personas)
    client = login(personas["barnehagelaerer"])
    # Building the case told the people involved (their e-mails wait in the outbox too).
    earlier = set(CeleryOutbox.objects.values_list("pk", flat=True))
    # The broker is down: the user's order succeeds all the same.
    response = client.post(reverse("api-pdf-jobs", kwargs={"case_id": built["case"].pk}), {"kind": "logg"})
    assert response.status_code == 202
    job = PdfJob.objects.get(pk=response.json()["id"])
    row = CeleryOutbox.objects.exclude(pk__in=earlier).get()
    assert (row.task_name, row.args) == ("samarbeid.tasks.pdf_job_run", [job.pk])
    _relay_once(DEAD_BROKER)
    row.refresh_from_db()
    assert row.retries == 0  # an outage is not the task's fault: no retry used up
    assert job.status == PdfJobStatus.QUEUED
    # The broker is back: the relay delivers it, exactly once, though two relays run.
    time.sleep(0.05)
    _relay_once("memory://")
    _relay_once("memory://")
    assert not CeleryOutbox.objects.exists()
    delivered = _drain_memory_queue("heavy")  # PDFs have a queue of their own
    assert delivered == [("samarbeid.tasks.pdf_job_run", [job.pk])]
    # A worker runs it (twice, as a relay crash after publishing would): one PDF.
    pdf_job_run.apply(args=tuple(delivered[0][1]))
    pdf_job_run.apply(args=tuple(delivered[0][1]))
    job.refresh_from_db()
    assert job.status == PdfJobStatus.DONE and job.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_action_queued_nothing(real_outbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(pdf_job_run, 12345)
        assert CeleryOutbox.objects.count() == 1
        raise RuntimeError("the change failed")
    assert not CeleryOutbox.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_task_goes_to_the_outbox_when_the_broker_is_down(real_outbox):
    """Beat and a task's own retry publish directly; with the broker away the task is kept."""
    app = _relay_app(DEAD_BROKER)
    app.send_task("bti.tasks.heartbeat")
    assert CeleryOutbox.objects.get().task_name == "bti.tasks.heartbeat"


def test_the_relay_runs_in_every_deployment():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "celery_outbox_relay" in compose and "celery_outbox_relay" in (ROOT / "scripts" / "run.sh").read_text()
