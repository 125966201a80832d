"""Issue 18 item 2: what is made for a person outside their own request — a notification
e-mail, a survey invitation, a PDF a worker renders — is in that person's language, else
their kommune's administrative language, else bokmål (ADR 0030)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from oversikt import services
from oversikt.models import Notification, NotificationKind
from tests.samarbeid import helpers
from tests.samarbeid.test_printing import pdf_text

pytestmark = pytest.mark.django_db

NB_FOOTER = "Av personvernhensyn står det ikke noe om barnet"
NN_FOOTER = "Av personvernomsyn står det ikkje noko om barnet"
EN_FOOTER = "To protect privacy, this e-mail says nothing about the child"


def _mail_to(user) -> str:
    mail.outbox.clear()
    note = Notification.objects.create(
        kommune_id=user.kommune_id, user=user, kind=NotificationKind.ALARM, text="Språkmarkør-V1"
    )
    assert services.email_send_notification(notification_id=note.pk)
    [message] = mail.outbox
    return f"{message.subject}\n{message.body}"


def test_a_notification_mail_is_in_the_recipients_language_whatever_the_sender_reads(personas):
    ola = personas["kontaktlaerer"]
    ola.language = "en"
    ola.save(update_fields=["language"])
    with translation.override("nb"):  # the worker or the sender's request: bokmål
        body = _mail_to(ola)
    assert "New notification in BTI-samhandling" in body and EN_FOOTER in body
    assert NB_FOOTER not in body and "Nytt varsel" not in body
    assert "Språkmarkør-V1" not in body  # the text stays in the portal, never in the e-mail


def test_a_person_without_a_choice_gets_the_kommunes_language_and_bokmal_without_one(personas):
    ola = personas["kontaktlaerer"]
    kommune = ola.kommune
    kommune.language = "nn"
    kommune.save(update_fields=["language"])
    body = _mail_to(type(ola).objects.select_related("kommune").get(pk=ola.pk))
    assert NN_FOOTER in body and NB_FOOTER not in body
    kommune.language = ""
    kommune.save(update_fields=["language"])
    with translation.override("en"):
        body = _mail_to(type(ola).objects.select_related("kommune").get(pk=ola.pk))
    assert NB_FOOTER in body and EN_FOOTER not in body


def test_the_digest_is_in_the_recipients_language(personas):
    from oversikt.models import EmailMode, NotificationPreference

    ola = personas["kontaktlaerer"]
    ola.language = "nn"
    ola.save(update_fields=["language"])
    NotificationPreference.objects.update_or_create(user=ola, defaults={"email_mode": EmailMode.DIGEST})
    Notification.objects.create(kommune_id=ola.kommune_id, user=ola, kind=NotificationKind.ALARM, text="Markør-D1")
    mail.outbox.clear()
    assert services.email_send_digest(user_id=ola.pk) == 1
    [message] = mail.outbox
    assert NN_FOOTER in message.body and NB_FOOTER not in message.body and "Markør-D1" not in message.body


def test_a_pdf_rendered_by_a_worker_is_in_the_language_of_who_ordered_it(personas):
    from samarbeid import printing

    built = helpers.plan_case(personas)
    kari = personas["barnehagelaerer"]
    kari.language = "en"
    kari.save(update_fields=["language"])
    spec = printing.spec_from_params(kind="logg", params={}, user=kari, case=built["case"])
    with translation.override("nb"):  # a Celery worker has no request: bokmål is active
        text = pdf_text(printing.render(spec, user=kari))
    assert "Printed" in text and "by Kari Nordmann" in text
    assert "Skrevet ut" not in text
    assert "Emma virker trist" in text  # what staff wrote is shown as written
    assert translation.get_language() == "nb"  # and the worker's language is left as it was
