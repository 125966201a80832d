"""Celery tasks of the survey: thin, idempotent, calling services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bti.languages import in_language_of
from bti.models import User
from undersokelse import services
from undersokelse.models import Respondent, SurveyRound

SUBJECTS = {
    "invitasjon": gettext_lazy("Du er invitert til BTI-undersøkelsen"),
    "paminnelse": gettext_lazy("Påminnelse: BTI-undersøkelsen"),
}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_survey_mail(survey_id: int, user_ids: list[int], kind: str) -> int:
    """The e-mail names the kommune and links to the answer page; nothing else. Skips people
    who have answered in the meantime."""
    survey = SurveyRound.objects.filter(pk=survey_id).select_related("kommune").first()
    if survey is None or not survey.is_open:
        return 0
    answered = set(Respondent.objects.filter(round=survey, has_answered=True).values_list("user_id", flat=True))
    link = settings.SITE_URL.rstrip("/") + reverse("survey-answer", kwargs={"round_id": survey.pk})
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(pk__in=answered).select_related("kommune"):
        with in_language_of(user):  # each person's own language, else the kommune's (ADR 0030)
            body = _(
                "%(kommune)s ber deg svare på BTI-undersøkelsen «%(title)s» innen %(date)s. "
                "Svarene er anonyme: ingen kan se hva du har svart.\n\n%(link)s\n"
            ) % {
                "kommune": survey.kommune.name,
                "title": survey.title,
                "date": f"{survey.closes_on:%d.%m.%Y}",
                "link": link,
            }
            send_mail(str(SUBJECTS.get(kind, SUBJECTS["invitasjon"])), body, None, [user.email])
        sent += 1
    return sent


@shared_task
def close_due_rounds() -> int:
    return services.close_due_rounds()


@shared_task
def shuffle_open_rounds() -> int:
    return services.shuffle_open_rounds()
