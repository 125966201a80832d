"""Issue 17, item 4: a meeting invites its participants (notification + .ics), a tiltak tells
its responsible person, and every notify service of oversikt has a caller (no silent gap)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import reverse
from icalendar import Calendar

from oversikt.models import Notification, NotificationKind
from samarbeid import services
from tests.cases.helpers import case_on_level
from tests.samarbeid import helpers

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_a_scheduled_meeting_notifies_the_participants_but_not_the_organiser(personas):
    case = case_on_level(personas, 1)
    meeting = helpers.meeting(personas, case)
    invited = Notification.objects.filter(kind=NotificationKind.MEETING_INVITED, case_id=case.pk)
    assert list(invited.values_list("user_id", flat=True)) == [personas["styrer"].pk]
    assert f"sak {case.pk}" in invited.get().text
    assert "Emma" not in invited.get().text  # never the child's name
    assert meeting.pk


def test_the_meeting_invitation_opens_in_a_calendar_parser(personas, login):
    case = case_on_level(personas, 1)
    meeting = helpers.meeting(personas, case)
    client = login(personas["styrer"])
    page = client.get(reverse("case-meeting", kwargs={"case_id": case.pk, "meeting_id": meeting.pk})).content.decode()
    ics_url = reverse("case-meeting-ics", kwargs={"case_id": case.pk, "meeting_id": meeting.pk})
    assert f'href="{ics_url}"' in page
    response = client.get(ics_url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    cal = Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    assert str(event["uid"]) == f"samarbeidsmote-{meeting.pk}@bti-samhandling"
    assert event.decoded("dtstart") == meeting.starts_at.replace(microsecond=0)
    assert str(event["location"]) == "Lia barnehage, møterom 1"
    assert str(case.pk) in str(event["summary"])
    # No case content in a file that lands in phone calendars: no name, no agenda.
    text = response.content.decode()
    assert "Emma" not in text and "Hvordan går det" not in text
    assert f"/saker/{case.pk}/moter/{meeting.pk}/" in str(event["description"])


def test_the_invitation_is_refused_to_those_who_may_not_read_the_case(personas, login):
    case = case_on_level(personas, 1)
    meeting = helpers.meeting(personas, case)
    ics_url = reverse("case-meeting-ics", kwargs={"case_id": case.pk, "meeting_id": meeting.pk})
    for outsider in ["ppt", "utenforstaaende", "kontaktlaerer"]:
        response = login(personas[outsider]).get(ics_url)
        assert response.status_code == 404
        assert b"BEGIN:VCALENDAR" not in response.content
    wrong = reverse("case-meeting-ics", kwargs={"case_id": case.pk, "meeting_id": meeting.pk + 10_000})
    assert login(personas["styrer"]).get(wrong).status_code == 404


def test_a_tiltak_tells_its_responsible_person(personas):
    case = case_on_level(personas, 1)
    goal = helpers.goal(personas, case)
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    measure = services.measure_create(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        goal_id=goal.pk,
        description="Markør-wf2-tiltak",
        responsible_unit_id=helpers.unit_id("Lia barnehage"),
        responsible_user_id=personas["styrer"].pk,
        start_date=today,
        evaluation_date=today + timedelta(days=30),
    )
    told = Notification.objects.get(kind=NotificationKind.MEASURE_ASSIGNED, case_id=case.pk)
    assert told.user_id == personas["styrer"].pk and told.key == f"tiltak_tildelt:{measure.pk}:{personas['styrer'].pk}"
    assert "Markør-wf2-tiltak" not in told.text


def test_every_notify_service_has_a_caller():
    """A notify_* function that nothing calls is a notification that never arrives."""
    defined = {
        node.name
        for node in ast.walk(ast.parse((ROOT / "oversikt" / "services.py").read_text()))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("notify_")
    }
    called: set[str] = set()
    registered: dict[str, str] = {}  # event -> notify_* function registered for it
    events_sent: set[str] = set()  # events passed to bti.registries.notify("…")
    for path in ROOT.glob("*/*.py"):
        if path.parts[-2] in {"tests", ".venv", "node_modules"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[0] if node.args else None
            event = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            if name == "register_notifier" and event and len(node.args) > 1:
                target = node.args[1]
                registered[event] = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            elif name == "notify" and event:
                events_sent.add(event)
            else:
                called.add(name)
    called |= {function for event, function in registered.items() if event in events_sent}
    assert defined, "oversikt/services.py defines the notify services"
    assert registered, "oversikt registers notifiers in the core's registry"
    assert defined - called == set()
