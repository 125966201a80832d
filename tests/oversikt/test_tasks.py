"""Tasks are thin, idempotent, exit cleanly when the row is gone, and are scheduled by beat."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from oversikt import tasks
from oversikt.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def test_it_schedules_detection_digests_and_the_overview_refresh():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"oversikt.detect_all", "oversikt.send_digests", "oversikt.refresh_all_facts"} <= scheduled
    for name in ("detect_all", "send_notification_email", "send_digest", "refresh_kommune_facts"):
        task = getattr(tasks, name)
        assert task.max_retries == 5 and task.autoretry_for, name


def test_it_sends_a_notification_email_once_and_ignores_a_missing_row(personas):
    kari = personas["barnehagelaerer"]
    note = Notification.objects.create(kommune_id=kari.kommune_id, user=kari, kind=NotificationKind.ALARM, text="x")
    assert tasks.send_notification_email(note.pk) is True
    assert tasks.send_notification_email(note.pk) is False
    assert tasks.send_notification_email(note.pk + 999) is False
    assert len(mail.outbox) == 1


def test_it_exits_cleanly_for_a_kommune_that_is_gone(personas):
    assert tasks.detect_for_kommune(987654) == 0
    assert tasks.refresh_kommune_facts(987654) is False
    assert tasks.detect_all() == 2  # both demo kommuner, run eagerly
    assert tasks.refresh_all_facts() == 2


def test_it_pins_the_overview_queries_whatever_the_number_of_cases(personas, login, django_assert_num_queries):
    from django.core.cache import cache
    from django.urls import reverse

    from oversikt import facts
    from tests.cases.helpers import undring

    client = login(personas["kommunalsjef"])
    undring(personas)
    facts.refresh_facts(kommune_id=personas["barnehagelaerer"].kommune_id)
    client.get(reverse("overview"))
    cache.clear()
    # issue 20: one query per protected table, not one per filter; issue 21: one read of the
    # facts version that keys the cache (the database the rows come from)
    with django_assert_num_queries(17):
        client.get(reverse("overview"))
    for _ in range(49):
        undring(personas)
    facts.refresh_facts(kommune_id=personas["barnehagelaerer"].kommune_id)
    cache.clear()
    # issue 20: one query per protected table, not one per filter; issue 21: one read of the
    # facts version that keys the cache (the database the rows come from)
    with django_assert_num_queries(17):
        client.get(reverse("overview"))
