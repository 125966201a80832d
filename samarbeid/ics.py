"""A samarbeidsmøte as an iCalendar invitation (RFC 5545, the ``icalendar`` library; ADR 0024).

The file names the meeting and the case number, the place and the video link, never the
child's name or the agenda (a calendar is synced to phones and shared with assistants): the
agenda stays behind the read gate on the meeting page, which the description links to.
``SEQUENCE`` is the meeting's version, so a calendar replaces an earlier invitation of the
same meeting (same ``UID``) when the meeting is moved; a cancelled meeting is answered with
``METHOD:CANCEL`` and ``STATUS:CANCELLED`` (a 200 with a clear cancellation, never a 500), which removes it from the calendar (ADR 0029).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

MEETING_LENGTH = timedelta(hours=1)


def meeting_uid(meeting: Any) -> str:
    return f"samarbeidsmote-{meeting.pk}@bti-samhandling"


def meeting_ics(meeting: Any, *, link: str) -> bytes:
    """The invitation of one meeting (``METHOD:PUBLISH``, or ``METHOD:CANCEL`` once it is
    cancelled; the participants are told in the app, the file is for their own calendar).
    ORGANIZER (the person who planned it) is there because a CANCEL needs one (RFC 5546)."""
    cancelled = getattr(meeting, "status", "") == "avlyst"
    cal = Calendar()
    cal.add("prodid", "-//BTI-samhandling//samarbeidsmøte//NO")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", int(getattr(meeting, "version", 1) or 1))
    event.add("dtstamp", timezone.now())
    organiser = getattr(meeting, "created_by", None)
    if organiser is not None and organiser.email:
        event.add("organizer", vCalAddress(f"mailto:{organiser.email}"), parameters={"cn": organiser.full_name})
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + MEETING_LENGTH)
    summary = _("Samarbeidsmøte i sak %(case)s") % {"case": meeting.case_id}
    if cancelled:
        summary = _("Avlyst: %(summary)s") % {"summary": summary}
    event.add("summary", summary)
    where = meeting.place or (_("Video") if meeting.video_link else "")
    if where:
        event.add("location", where)
    if meeting.video_link and not cancelled:
        event.add("url", meeting.video_link)
    event.add("description", _("Saksliste og deltakere: %(link)s") % {"link": link})
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()
