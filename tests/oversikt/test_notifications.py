"""The notification centre: events, header count, list, mark as read, e-mail and digest."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from oversikt import services
from oversikt.models import EmailMode, Notification, NotificationKind, NotificationPreference
from stafettlogg import services as log_services
from tests.cases.helpers import case_on_level

pytestmark = pytest.mark.django_db


def make(user, n: int = 1) -> list[Notification]:
    return [
        Notification.objects.create(kommune_id=user.kommune_id, user=user, kind=NotificationKind.ALARM, text=f"V{i}")
        for i in range(n)
    ]


def test_it_notifies_and_emails_the_person_proposed_as_stafettholder(personas, django_capture_on_commit_callbacks):
    case = case_on_level(personas, 1)
    ola = personas["kontaktlaerer"]
    with django_capture_on_commit_callbacks(execute=True):
        log_services.handover_propose(actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=ola.pk)
    [note] = Notification.objects.filter(user=ola)
    assert note.kind == NotificationKind.HANDOVER_PROPOSED
    assert [m.to for m in mail.outbox] == [[ola.email]]
    body = str(mail.outbox[0].subject) + str(mail.outbox[0].body)
    assert "Emma" not in body and reverse("notification-open", kwargs={"notification_id": note.pk}) in body
    assert Notification.objects.get(pk=note.pk).emailed_at is not None


def test_it_notifies_a_person_named_stafettholder_by_someone_else(personas):
    from cases import services as case_services
    from tests.cases.helpers import undring

    case = undring(personas, anonymous=False)
    case_services.case_change_level(
        actor=personas["styrer"],
        case_id=case.pk,
        to_level=1,
        reason="Videre",
        stafettholder_id=personas["barnehagelaerer"].pk,
    )
    assert Notification.objects.filter(user=personas["barnehagelaerer"], kind="stafett_overtatt").count() == 1
    assert not Notification.objects.filter(user=personas["styrer"]).exists()


def test_it_offers_meeting_and_measure_notifications_to_the_plans_app(personas):
    case = case_on_level(personas, 1)
    kari, lise = personas["barnehagelaerer"], personas["styrer"]
    sent = services.notify_meeting(actor=kari, case_id=case.pk, meeting_id=7, user_ids=[kari.pk, lise.pk])
    assert [n.user for n in sent] == [lise]
    again = services.notify_meeting(actor=kari, case_id=case.pk, meeting_id=7, user_ids=[lise.pk])
    assert again == []
    changed = services.notify_meeting(actor=kari, case_id=case.pk, meeting_id=7, user_ids=[lise.pk], changed=True)
    assert changed[0].kind == NotificationKind.MEETING_CHANGED
    assert services.notify_measure_assigned(actor=kari, case_id=case.pk, measure_id=3, user_id=lise.pk) is not None
    # Someone who cannot see the case is not told about it.
    assert (
        services.notify_measure_assigned(actor=kari, case_id=case.pk, measure_id=3, user_id=personas["ppt"].pk) is None
    )


def test_it_shows_the_unread_count_in_the_header(personas, login):
    make(personas["barnehagelaerer"], 3)
    body = login(personas["barnehagelaerer"]).get(reverse("home")).content.decode()
    assert '<span class="nav-badge">3' in body
    other = login(personas["styrer"]).get(reverse("home")).content.decode()
    assert "nav-badge" not in other


def test_it_lists_only_my_notifications_with_pinned_queries(personas, login, django_assert_num_queries):
    kari = personas["barnehagelaerer"]
    make(personas["styrer"], 2)
    client = login(kari)
    make(kari, 1)
    client.get(reverse("notifications"))
    with django_assert_num_queries(6):
        body = client.get(reverse("notifications")).content.decode()
    assert body.count('class="ds-card notification') == 1
    make(kari, 49)
    with django_assert_num_queries(6):
        body = client.get(reverse("notifications")).content.decode()
    assert body.count('class="ds-card notification') == 50


def test_it_marks_one_as_read_with_and_without_htmx(personas, login):
    kari = personas["barnehagelaerer"]
    a, b = make(kari, 2)
    client = login(kari)
    response = client.post(reverse("notification-read", args=[a.pk]))
    assert response.status_code == 302
    response = client.post(reverse("notification-read", args=[b.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="varsel-{b.pk}"' in response.content.decode() and "<html" not in response.content.decode()
    assert Notification.objects.filter(user=kari, read_at__isnull=True).count() == 0
    partial = client.get(reverse("notifications"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and f"varsel-{a.pk}" in partial


def test_it_refuses_to_touch_another_persons_notification(personas, login):
    [theirs] = make(personas["styrer"])
    client = login(personas["barnehagelaerer"])
    assert client.post(reverse("notification-read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notification-open", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_it_marks_all_as_read(personas, login):
    kari = personas["barnehagelaerer"]
    make(kari, 3)
    [theirs] = make(personas["styrer"])
    login(kari).post(reverse("notifications-read-all"))
    assert not Notification.objects.filter(user=kari, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_it_saves_the_email_preference_and_explains_bad_input(personas, login):
    client = login(personas["barnehagelaerer"])
    response = client.post(reverse("notification-settings"), {"email_mode": "hver-time"})
    assert response.status_code == 400
    assert "Velg et av valgene." in response.content.decode()
    client.post(reverse("notification-settings"), {"email_mode": EmailMode.DIGEST})
    assert NotificationPreference.objects.get(user=personas["barnehagelaerer"]).email_mode == EmailMode.DIGEST


def test_it_sends_one_digest_instead_of_one_mail_each(personas, django_capture_on_commit_callbacks):
    kari = personas["barnehagelaerer"]
    services.preference_set(actor=kari, email_mode=EmailMode.DIGEST)
    case = case_on_level(personas, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_meeting(actor=personas["styrer"], case_id=case.pk, meeting_id=1, user_ids=[kari.pk])
        services.notify_measure_assigned(actor=personas["styrer"], case_id=case.pk, measure_id=1, user_id=kari.pk)
    assert mail.outbox == []
    from oversikt.tasks import send_digests

    send_digests()
    send_digests()
    assert len(mail.outbox) == 1
    assert "2 nye varsler" in mail.outbox[0].body and "Emma" not in mail.outbox[0].body


def test_it_serves_notifications_over_the_api(personas, login):
    kari = personas["barnehagelaerer"]
    [mine] = make(kari)
    [theirs] = make(personas["styrer"])
    client = login(kari)
    data = client.get("/api/v1/varsler/").json()
    assert [r["id"] for r in data["results"]] == [mine.pk]
    assert client.get("/api/v1/varsler/antall-uleste/").json() == {"uleste": 1}
    assert client.post(f"/api/v1/varsler/{theirs.pk}/lest/").status_code == 404
    assert client.post(f"/api/v1/varsler/{mine.pk}/lest/").json()["read_at"] is not None


def test_it_sends_an_e_mail_late_whose_task_was_lost_and_only_once(personas):
    """A broker that lost its queue lost the e-mail task: beat's resend finds the notification
    ten minutes on and the e-mail goes out once, however often the resend runs."""
    from datetime import timedelta

    from django.utils import timezone

    from oversikt.tasks import resend_unsent_emails

    kari, lise = personas["barnehagelaerer"], personas["styrer"]
    services.preference_set(actor=lise, email_mode=EmailMode.DIGEST)
    lost, fresh, digest = make(kari, 2) + make(lise)
    Notification.objects.filter(pk__in=[lost.pk, digest.pk]).update(created_at=timezone.now() - timedelta(minutes=11))
    assert resend_unsent_emails() == 1
    assert resend_unsent_emails() == 0
    assert [m.to for m in mail.outbox] == [[kari.email]]
    assert reverse("notification-open", kwargs={"notification_id": lost.pk}) in mail.outbox[0].body
    assert Notification.objects.get(pk=fresh.pk).emailed_at is None  # its own task may still come
