"""Oppfølgingsbrudd: each rule fires exactly once per finding, tells the stafettholder,
then the unit leader after the grace period, and never anyone who may not see the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bti.models import Membership, MembershipRole, Unit, User
from cases import services as case_services
from oversikt import services
from oversikt.models import Alarm, AlarmRule, FollowUpSettings, Notification
from stafettlogg import services as log_services
from tests.cases.helpers import case_on_level, undring
from tests.oversikt.helpers import days_later

pytestmark = pytest.mark.django_db


def detect(personas, days: int):
    return services.detect_followup_breaks(kommune_id=personas["barnehagelaerer"].kommune_id, now=days_later(days))


def notes(user: User) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("pk"))


def test_it_alarms_an_overdue_nivaa_0_decision_once_and_the_leader_after_the_grace(
    personas, django_capture_on_commit_callbacks
):
    case = undring(personas, anonymous=False)
    kari, lise = personas["barnehagelaerer"], personas["styrer"]
    assert detect(personas, 10).findings == 0
    with django_capture_on_commit_callbacks(execute=True):
        first = detect(personas, 20)
    assert (first.new_alarms, first.notifications) == (1, 1)
    assert [n.kind for n in notes(kari)] == ["oppfolgingsbrudd"]
    assert f"sak {case.pk}" in notes(kari)[0].text
    assert notes(lise) == []
    with django_capture_on_commit_callbacks(execute=True):
        again = detect(personas, 21)
    assert (again.new_alarms, again.notifications) == (0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        after_grace = detect(personas, 24)
    assert after_grace.notifications == 1
    assert len(notes(lise)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        detect(personas, 29)
    assert (len(notes(kari)), len(notes(lise))) == (1, 1)
    assert Alarm.objects.filter(rule=AlarmRule.DECISION_OVERDUE).count() == 1
    # One e-mail each, with a link and without the child's name or the case content.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([kari.email, lise.email])
    for message in mail.outbox:
        text = str(message.subject) + str(message.body)
        assert "Emma" not in text and "trist" not in text
        assert "/varsler/" in text


def test_it_alarms_a_case_without_activity_by_the_kommunes_limit_per_level(personas):
    case_on_level(personas, 1)
    kommune_id = personas["barnehagelaerer"].kommune_id
    FollowUpSettings.objects.create(kommune_id=kommune_id, level=1, inactivity_days=60)
    assert detect(personas, 31).findings == 0
    result = detect(personas, 61)
    assert result.new_alarms == 1
    assert Alarm.objects.get().rule == AlarmRule.INACTIVE
    assert len(notes(personas["barnehagelaerer"])) == 1  # the stafettholder


def test_it_tells_the_unit_leader_at_once_when_the_stafettholder_has_left_the_unit(personas):
    case_on_level(personas, 1)
    kari = personas["barnehagelaerer"]
    Membership.objects.filter(user=kari).update(valid_until=timezone.localdate() - timedelta(days=1))
    result = detect(personas, 1)
    assert result.new_alarms == 1
    assert Alarm.objects.get().rule == AlarmRule.HOLDER_GONE
    assert notes(kari) == []
    assert len(notes(personas["styrer"])) == 1
    assert detect(personas, 2).notifications == 0


def test_it_alarms_a_handover_not_answered_in_time(personas):
    case = case_on_level(personas, 1)
    log_services.handover_propose(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["kontaktlaerer"].pk
    )
    assert detect(personas, 5).findings == 0
    result = detect(personas, 8)
    assert [a.rule for a in Alarm.objects.all()] == [AlarmRule.HANDOVER_WAITING]
    assert result.new_alarms == 1
    assert [n.kind for n in notes(personas["barnehagelaerer"])] == ["oppfolgingsbrudd"]


def test_it_resolves_alarms_that_no_longer_hold(personas):
    case = undring(personas, anonymous=False)
    detect(personas, 20)
    case_services.case_close(actor=personas["barnehagelaerer"], case_id=case.pk, reason="Ikke grunn til bekymring")
    assert detect(personas, 21).resolved == 1
    assert Alarm.objects.get().resolved_at is not None


def test_no_followup_rule_is_skipped_every_source_is_there(personas):
    """Issue 17: a missing rule source must fail here, not be skipped in silence."""
    from oversikt import sources

    assert sources.missing_rules() == []
    result = detect(personas, 1)
    assert result.skipped_rules == []


def test_it_never_notifies_anyone_outside_barnevern_about_a_barnevern_case(personas):
    unit = Unit.objects.get(name="Barneverntjenesten")
    worker = User.objects.create_user("bv@eksempel.kommune.no", "x" * 12, full_name="Bo Vern", kommune=unit.kommune)
    Membership.objects.create(user=worker, unit=unit, role=MembershipRole.ANSATT)
    case = case_services.undring_create(actor=worker, unit_id=unit.pk, observation="Obs", anonymous_label="X")
    # Nobody outside barnevern can be notified about it, whatever the caller asks for.
    for key, persona in personas.items():
        if key == "barnevern":  # the demo's barnevern caseworker works in that unit
            continue
        assert services.notify(user=persona, kind="oppfolgingsbrudd", text="t", case_id=case.pk) is None
    detect(personas, 20)
    assert set(Notification.objects.values_list("user_id", flat=True)) == {worker.pk}


def test_it_runs_from_the_management_command_idempotently(personas):
    undring(personas)
    Alarm.objects.all().delete()
    kommune = personas["barnehagelaerer"].kommune
    from cases.models import Case

    Case.objects.update(decision_deadline=timezone.localdate() - timedelta(days=1))
    call_command("detect_followup_breaks", "--kommune", kommune.number)
    call_command("detect_followup_breaks", "--kommune", kommune.number)
    assert Alarm.objects.count() == 1
    assert Notification.objects.filter(user=personas["barnehagelaerer"]).count() == 1


def test_it_shifts_time_from_the_management_command(personas):
    undring(personas)
    number = personas["barnehagelaerer"].kommune.number
    call_command("detect_followup_breaks", "--kommune", number, "--days-ahead", "5")
    assert not Alarm.objects.exists()
    call_command("detect_followup_breaks", "--kommune", number, "--days-ahead", "20")
    call_command("detect_followup_breaks", "--kommune", number, "--days-ahead", "21")
    assert Alarm.objects.count() == 1
