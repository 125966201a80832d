"""Issue 17 item 4: a meeting is moved or cancelled, the participants are told, the .ics
follows (SEQUENCE up, METHOD:CANCEL), opening the meeting marks its notifications read, and
bad input (the past, a referat before the meeting, a second cancel) gets a message, no 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from oversikt.models import Notification, NotificationKind
from samarbeid import services
from samarbeid.models import MeetingStatus
from stafettlogg.models import Entry
from tests.cases.helpers import case_on_level
from tests.samarbeid import helpers

pytestmark = pytest.mark.django_db


def _urls(case, meeting) -> dict[str, str]:
    kw = {"case_id": case.pk, "meeting_id": meeting.pk}
    return {
        name: reverse(f"case-meeting{suffix}", kwargs=kw)
        for name, suffix in (("page", ""), ("ics", "-ics"), ("change", "-change"), ("cancel", "-cancel"))
    }


def _event(client, url: str):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_moving_a_meeting_tells_the_participants_and_bumps_the_ics_sequence(
    personas, login, django_capture_on_commit_callbacks
):
    case = case_on_level(personas, 1)
    meeting = helpers.meeting(personas, case)
    urls = _urls(case, meeting)
    lise = login(personas["styrer"])
    _cal, before = _event(lise, urls["ics"])
    assert int(before["sequence"]) == 1
    kari = login(personas["barnehagelaerer"])
    new_time = timezone.localtime(timezone.now() + timedelta(days=9)).replace(second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = kari.post(
            urls["change"],
            {
                "endre-starts_at": new_time.strftime("%Y-%m-%dT%H:%M"),
                "endre-place": "Markør-wf4-rom 7",
                "endre-version": meeting.version,
            },
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.version == 2 and meeting.place == "Markør-wf4-rom 7"
    changed = Notification.objects.get(kind=NotificationKind.MEETING_CHANGED, case_id=case.pk)
    assert changed.user == personas["styrer"] and changed.key == f"mote_endret:{meeting.pk}:2"
    # The invitation it replaces is read: the bell shows the latest news only.
    invited = Notification.objects.get(kind=NotificationKind.MEETING_INVITED, case_id=case.pk)
    assert invited.read_at is not None and changed.read_at is None
    assert Entry.objects.filter(case=case, data__event="meeting_changed").exists()
    # The notification in the list page and the e-mail (kind and link, no content).
    page = login(personas["styrer"]).get(reverse("notifications")).content.decode()
    assert "Se nytt tidspunkt og sted i saken" in page and "Markør-wf4-rom 7" not in page
    body = "".join(str(m.body) for m in mail.outbox if personas["styrer"].email in m.to)
    assert "Et samarbeidsmøte er endret" in body and "Markør-wf4-rom 7" not in body and "Emma" not in body
    cal, after = _event(login(personas["styrer"]), urls["ics"])
    assert str(cal["method"]) == "PUBLISH"
    assert str(after["uid"]) == str(before["uid"]) and int(after["sequence"]) == 2
    assert after.decoded("dtstart") == new_time
    assert str(after["location"]) == "Markør-wf4-rom 7"


def test_cancelling_a_meeting_tells_the_participants_and_the_ics_cancels_it(
    personas, login, django_capture_on_commit_callbacks
):
    case = case_on_level(personas, 1)
    meeting = helpers.meeting(personas, case)
    urls = _urls(case, meeting)
    kari = login(personas["barnehagelaerer"])
    empty = kari.post(urls["cancel"], {"avlys-reason": "", "avlys-version": meeting.version})
    assert empty.status_code == 400 and "Skriv hvorfor møtet avlyses." in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = kari.post(urls["cancel"], {"avlys-reason": "Markør-wf4-syk", "avlys-version": meeting.version})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AVLYST and meeting.version == 2
    told = Notification.objects.get(kind=NotificationKind.MEETING_CANCELLED, case_id=case.pk)
    assert told.user == personas["styrer"] and "avlyst" in told.text and "Markør-wf4-syk" not in told.text
    body = "".join(str(m.body) for m in mail.outbox if personas["styrer"].email in m.to)
    assert "Et samarbeidsmøte er avlyst" in body and "Markør-wf4-syk" not in body
    lise = login(personas["styrer"])
    assert "Fjern det fra kalenderen din" in lise.get(reverse("notifications")).content.decode()
    # The .ics of a cancelled meeting: a clear cancellation (same UID, higher SEQUENCE), not a 500.
    cal, event = _event(lise, urls["ics"])
    assert str(cal["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 2 and str(event["uid"]) == f"samarbeidsmote-{meeting.pk}@bti-samhandling"
    assert "organizer" in event
    page = lise.get(urls["page"]).content.decode()
    assert "Møtet er avlyst" in page and "Markør-wf4-syk" in page and "Fjern møtet fra kalenderen din" in page
    # A second cancel, a change or a referat of a cancelled meeting: a message, nothing saved.
    again = kari.post(urls["cancel"], {"avlys-reason": "Igjen", "avlys-version": 2})
    assert again.status_code == 400 and "Møtet er allerede avlyst." in again.content.decode()
    moved = kari.post(urls["change"], {"endre-starts_at": "2030-01-01T10:00", "endre-place": "X"})
    assert moved.status_code == 400 and "Møtet er allerede avlyst." in moved.content.decode()
    with pytest.raises(Exception, match="avlyst"):
        services.meeting_write_referat(
            actor=personas["barnehagelaerer"], case_id=case.pk, meeting_id=meeting.pk, referat="Referat"
        )
    # Outsiders still get nothing.
    assert login(personas["utenforstaaende"]).get(urls["ics"]).status_code == 404


def test_bad_input_on_a_meeting_gets_a_message_next_to_the_field(personas, login):
    case = case_on_level(personas, 1)
    meeting = helpers.meeting(personas, case)
    urls = _urls(case, meeting)
    kari = login(personas["barnehagelaerer"])
    past = kari.post(
        urls["change"], {"endre-starts_at": "2020-01-01T10:00", "endre-place": "Rom 1", "endre-version": 1}
    )
    body = past.content.decode()
    assert past.status_code == 400
    assert "Møtet kan ikke flyttes tilbake i tid." in body and 'id="id_endre-starts_at_feil"' in body
    assert "Dette må rettes før vi kan lagre" in body
    same = kari.post(
        urls["change"],
        {
            "endre-starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "endre-place": meeting.place,
            "endre-version": 1,
        },
    )
    assert same.status_code == 400 and "Ingenting er endret" in same.content.decode()
    # Minutes written before the meeting took place: refused with the reason.
    early = kari.post(urls["page"], {"referat": "Markør-wf4-for-tidlig", "version": meeting.version})
    assert early.status_code == 400 and "Møtet har ikke startet ennå" in early.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANLAGT and meeting.referat == ""
    assert not Notification.objects.filter(kind=NotificationKind.MEETING_CHANGED).exists()
    # A reader who may not plan is refused, not given a 500.
    ppt = login(personas["ppt"]).post(urls["cancel"], {"avlys-reason": "x"})
    assert ppt.status_code == 404


def test_opening_the_meeting_marks_its_notifications_read_for_that_person_only(personas, login):
    case = case_on_level(personas, 1)
    meeting = helpers.meeting(personas, case)
    invited = Notification.objects.get(kind=NotificationKind.MEETING_INVITED, case_id=case.pk)
    other = Notification.objects.create(
        kommune_id=case.kommune_id, user=personas["styrer"], kind="oppfolgingsbrudd", text="Annet", key="annet:1"
    )
    assert invited.read_at is None
    login(personas["barnehagelaerer"]).get(_urls(case, meeting)["page"])
    invited.refresh_from_db()
    assert invited.read_at is None  # someone else opening it is not the invitee's act
    login(personas["styrer"]).get(_urls(case, meeting)["page"])
    invited.refresh_from_db()
    other.refresh_from_db()
    assert invited.read_at is not None and other.read_at is None


def test_the_api_moves_and_cancels_a_meeting_with_the_same_rules(personas, django_capture_on_commit_callbacks):
    """Over the API as in the browser: the same services, the same messages, the .ics follows;
    a link that is not http(s), the past and a reader without «Plan og tiltak» are refused."""
    from rest_framework.test import APIClient

    def api(user) -> APIClient:
        client = APIClient()
        client.force_login(user, backend="bti.auth_backends.EmailBackend")
        return client

    case = case_on_level(personas, 1)
    meeting = helpers.meeting(personas, case)
    base = f"/api/v1/cases/{case.pk}/meetings/{meeting.pk}"
    kari = api(personas["barnehagelaerer"])
    later = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    bad_link = kari.post(
        f"{base}/change/", {"starts_at": later.isoformat(), "video_link": "javascript:alert(1)"}, format="json"
    )
    assert bad_link.status_code == 400 and "video_link" in bad_link.data
    past = kari.post(
        f"{base}/change/",
        {"starts_at": (timezone.now() - timedelta(days=1)).isoformat(), "place": "Rom"},
        format="json",
    )
    assert past.status_code == 400 and "tilbake i tid" in str(past.data)
    outsider = api(personas["helsesykepleier"]).post(
        f"{base}/change/", {"starts_at": later.isoformat(), "place": "Api-rom-XK4"}, format="json"
    )
    assert outsider.status_code == 404 and "Api-rom-XK4" not in outsider.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        moved = kari.post(
            f"{base}/change/",
            {"starts_at": later.isoformat(), "place": "Api-rom-XK4", "expected_version": meeting.version},
            format="json",
        )
    assert moved.status_code == 200 and moved.json()["place"] == "Api-rom-XK4"
    assert Notification.objects.filter(kind=NotificationKind.MEETING_CHANGED, case_id=case.pk).count() == 1
    stale = kari.post(f"{base}/cancel/", {"reason": "Syk", "expected_version": 1}, format="json")
    assert stale.status_code == 409
    empty = kari.post(f"{base}/cancel/", {"reason": ""}, format="json")
    assert empty.status_code == 400 and "Skriv hvorfor møtet avlyses." in str(empty.data)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = kari.post(f"{base}/cancel/", {"reason": "Api-avlyst-QP2 sykdom"}, format="json")
    assert cancelled.status_code == 200
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AVLYST
    again = kari.post(f"{base}/cancel/", {"reason": "igjen"}, format="json")
    assert again.status_code == 400
    ics = kari.get(reverse("case-meeting-ics", kwargs={"case_id": case.pk, "meeting_id": meeting.pk}))
    cal = Calendar.from_ical(ics.content)
    assert str(cal["method"]) == "CANCEL"
