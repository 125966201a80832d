"""Helpers for survey tests: extra staff in demo units, a round opened by KoRus, answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from bti.models import Membership, Unit, User
from undersokelse import questions, services
from undersokelse.models import SurveyRound

# A positive answer to every question, and a middling one.
HIGH = dict.fromkeys(questions.SCORED_KEYS, 5)
LOW = dict.fromkeys(questions.SCORED_KEYS, 2)


def staff(unit_name: str, count: int, prefix: str = "ansatt") -> list[User]:
    unit = Unit.objects.get(name=unit_name)
    people = []
    for i in range(count):
        slug = f"{prefix}.{unit.pk}.{i}"
        user = User.objects.create_user(
            email=f"{slug}@eksempel.kommune.no", full_name=f"Testansatt {slug}", kommune=unit.kommune, is_demo=True
        )
        Membership.objects.create(user=user, unit=unit, role="ansatt")
        people.append(user)
    return people


def open_round(
    personas: dict[str, Any], unit_names: list[str], *, title: str = "Runde 1", days_ago: int = 1
) -> SurveyRound:
    today = timezone.localdate()
    kommune_id = personas["barnehagelaerer"].kommune_id
    survey = services.round_save(
        actor=personas["korus"],
        kommune_id=kommune_id,
        title=title,
        opens_on=today - timedelta(days=days_ago),
        closes_on=today + timedelta(days=14),
        unit_ids=list(Unit.objects.filter(name__in=unit_names).values_list("pk", flat=True)),
    )
    return services.round_open(actor=personas["korus"], round_id=survey.pk)


def answer(user: User, survey: SurveyRound, scores: dict[str, int] | None = None, **texts: str) -> None:
    keyed = {key.replace("__", "."): value for key, value in texts.items()}
    services.answer_submit(actor=user, round_id=survey.pk, scores=scores or HIGH, texts=keyed, confirmed=True)


def closed_round(
    personas: dict[str, Any],
    *,
    title: str = "Høst",
    scores: dict[str, int] = HIGH,
    small: int = 3,
    days_ago: int = 30,
    small_scores: dict[str, int] | None = None,
) -> SurveyRound:
    """A closed round: Solberg skole 7 answers, Nordby skole 6, Helsestasjonen ``small``
    (coarsened at closing); each answer has the free text «Fritekst-<title>-<user id>»."""
    big = staff("Solberg skole", 7, prefix=f"{title}-skole")
    nordby = staff("Nordby skole", 6, prefix=f"{title}-nordby")
    helse = staff("Helsestasjonen", small, prefix=f"{title}-helse")
    survey = open_round(personas, ["Solberg skole", "Nordby skole", "Helsestasjonen"], title=title, days_ago=days_ago)
    for user in big + nordby:
        answer(user, survey, scores, vurderinger__fritekst=f"Fritekst-{title}-{user.pk}")
    for user in helse:
        answer(user, survey, small_scores or scores, vurderinger__fritekst=f"Fritekst-{title}-{user.pk}")
    return services.round_close(actor=personas["korus"], round_id=survey.pk)
