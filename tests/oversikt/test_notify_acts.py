"""Issue 17 item 4: notifications that arrive, once per event, and are marked read when the
act they ask for is done (handover answered, evaluation registered, transition answered,
consent renewed); the daily beat's evaluation reminder is idempotent; no source is missing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from oversikt import services, sources, tasks
from oversikt.models import Notification, NotificationKind
from samarbeid import services as plan_services
from stafettlogg import services as log_services
from tests.cases.helpers import case_on_level
from tests.samarbeid import helpers

pytestmark = pytest.mark.django_db


def test_accepting_the_handover_marks_its_notification_read(personas):
    case = case_on_level(personas, 1)
    ola = personas["kontaktlaerer"]
    from tests.cases.helpers import consent_for_unit

    consent_for_unit(personas, case)
    log_services.handover_propose(actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=ola.pk)
    proposed = Notification.objects.get(user=ola, kind=NotificationKind.HANDOVER_PROPOSED)
    assert proposed.read_at is None
    log_services.handover_accept(actor=ola, case_id=case.pk)
    proposed.refresh_from_db()
    assert proposed.read_at is not None


def test_declining_the_handover_marks_it_read_too(personas):
    case = case_on_level(personas, 1)
    lise = personas["styrer"]
    log_services.handover_propose(actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=lise.pk)
    log_services.handover_decline(actor=lise, case_id=case.pk, reason="Har ikke kapasitet")
    assert Notification.objects.get(user=lise, kind=NotificationKind.HANDOVER_PROPOSED).read_at is not None


def _measure_due_in(personas, days: int, responsible: str = "styrer"):
    case = case_on_level(personas, 1)
    goal = helpers.goal(personas, case)
    today = timezone.localdate()
    return plan_services.measure_create(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        goal_id=goal.pk,
        description="Markør-wf4-tiltak",
        responsible_unit_id=helpers.unit_id("Lia barnehage"),
        responsible_user_id=personas[responsible].pk,
        start_date=today,
        evaluation_date=today + timedelta(days=days),
    )


def test_the_evaluation_reminder_arrives_once_7_days_ahead_and_is_read_when_evaluated(
    personas, login, django_capture_on_commit_callbacks
):
    soon = _measure_due_in(personas, 5)
    later = _measure_due_in(personas, 20)
    kommune_id = soon.kommune_id
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.detect_for_kommune(kommune_id) >= 0  # the daily beat runs the reminder too
    reminders = Notification.objects.filter(kind=NotificationKind.EVALUATION_SOON)
    assert [(n.user_id, n.case_id) for n in reminders] == [(personas["styrer"].pk, soon.case_id)]
    assert not reminders.filter(case_id=later.case_id).exists()
    # Idempotent: the beat runs again (and again) and nobody is told twice.
    assert services.notify_evaluations_due(kommune_id=kommune_id) == 0
    tasks.detect_for_kommune(kommune_id)
    assert reminders.count() == 1
    reminder = reminders.get()
    assert reminder.key == f"evaluering_snart:{soon.pk}:{soon.evaluation_date}"
    page = login(personas["styrer"]).get(reverse("notifications")).content.decode()
    assert "skal evalueres innen" in page and "Markør-wf4-tiltak" not in page
    body = "".join(str(m.body) for m in mail.outbox if personas["styrer"].email in m.to)
    assert "Et tiltak skal evalueres snart" in body and "Markør-wf4-tiltak" not in body
    # Registering the evaluation is the act: the reminder is read.
    plan_services.evaluation_record(
        actor=personas["barnehagelaerer"],
        case_id=soon.case_id,
        measure_id=soon.pk,
        what_happened="Går bra",
        child_view="Liker det",
        parents_view="Fornøyde",
        decision="fortsette",
        next_evaluation_date=timezone.localdate() + timedelta(days=40),
    )
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_the_overdue_alarm_notification_is_read_once_the_evaluation_is_registered(personas):
    measure = _measure_due_in(personas, 30, responsible="barnehagelaerer")
    later = timezone.now() + timedelta(days=33)
    result = services.detect_followup_breaks(kommune_id=measure.kommune_id, now=later)
    assert result.skipped_rules == []
    overdue = Notification.objects.get(kind=NotificationKind.EVALUATION_DUE, case_id=measure.case_id)
    assert overdue.user == personas["barnehagelaerer"] and overdue.read_at is None
    plan_services.evaluation_record(
        actor=personas["styrer"],
        case_id=measure.case_id,
        measure_id=measure.pk,
        what_happened="Avsluttet",
        child_view="Ferdig",
        parents_view="Enige",
        decision="avslutte",
    )
    overdue.refresh_from_db()
    assert overdue.read_at is not None


def test_answering_a_transition_marks_the_units_notification_read(personas):
    built = helpers.plan_case(personas)
    transition = helpers.transition_to_school(personas, built["case"])
    told = Notification.objects.filter(key=f"enhet:transition:{transition.pk}")
    assert told.exists() and told.filter(read_at__isnull=True).count() == told.count()
    plan_services.transition_withdraw(
        actor=personas["barnehagelaerer"], case_id=built["case"].pk, transition_id=transition.pk
    )
    assert not told.filter(read_at__isnull=True).exists()


def test_a_withdrawn_consent_tells_the_stafettholder(personas):
    from consent import services as consent_services
    from tests.consent.helpers import case_in_state

    ctx = case_in_state(personas, "valid")
    consent_services.consent_withdraw(
        actor=personas["styrer"], case_id=ctx.case.pk, consent_id=ctx.consent.pk, withdrawn_by_name="Markør-wf4-mor"
    )
    told = Notification.objects.get(kind=NotificationKind.CONSENT_WITHDRAWN, case_id=ctx.case.pk)
    assert told.user == personas["barnehagelaerer"]
    assert "trukket tilbake" in told.text and "Markør-wf4-mor" not in told.text and "Emma" not in told.text


def test_no_source_of_the_daily_beat_is_missing():
    """A missing source fails here (and the reminder raises), never a silent skip."""
    assert sources.missing_sources() == []


def test_the_reminder_refuses_to_run_without_its_source(personas, monkeypatch):
    monkeypatch.setattr(sources, "measures_evaluation_due", lambda **kw: None)
    with pytest.raises(LookupError):
        services.notify_evaluations_due(kommune_id=personas["barnehagelaerer"].kommune_id)
