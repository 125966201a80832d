"""A tiltak-responsible and a meeting participant from another service read nothing
identifiable before their unit has a basis (issue 13 item 4).

The helsesykepleier (Helsestasjonen, no consent on the case) is made responsible for a
tiltak: no page, partial, API answer or notification of theirs carries the child's name,
the goal or the tiltak text. Inviting them to a samarbeidsmøte is refused with a message
that names them. After a consent covering Helsestasjonen they read the plan.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samarbeid import services
from tests.cases.helpers import case_on_level, consent_for_unit
from tests.samarbeid.helpers import goal, measure

pytestmark = pytest.mark.django_db

GOAL = "Mål MRKPROP-GOAL"
MEASURE = "Tiltak MRKPROP-TILTAK"
CHILD = "Emma Eksempel"


def _assigned(personas):
    case = case_on_level(personas, 1)
    the_goal = goal(personas, case, text=GOAL)
    the_measure = measure(personas, case, the_goal, MEASURE, unit_name="Helsestasjonen", responsible="helsesykepleier")
    return case, the_measure


def _bodies(client, case, measure):
    urls = [
        reverse("home"),
        reverse("notifications"),
        reverse("cases:my_cases"),
        reverse("cases:case_detail", kwargs={"case_id": case.pk}),
        reverse("case-plan", kwargs={"case_id": case.pk}),
        reverse("case-measure-evaluate", kwargs={"case_id": case.pk, "measure_id": measure.pk}),
        reverse("api-cases"),
        reverse("api-case", kwargs={"case_id": case.pk}),
    ]
    bodies = {url: client.get(url).content.decode() for url in urls}
    bodies["search"] = client.post(reverse("search"), {"q": "Emma"}).content.decode()
    return bodies


def test_a_responsible_from_another_service_reads_nothing_before_a_basis(personas, login):
    case, measure = _assigned(personas)
    client = login(personas["helsesykepleier"])
    for url, body in _bodies(client, case, measure).items():
        for marker in (CHILD, GOAL, MEASURE):
            assert marker not in body, (url, marker)


def test_after_a_consent_covering_the_unit_they_read_the_plan(personas, login):
    case, _measure = _assigned(personas)
    consent_for_unit(personas, case, unit_name="Helsestasjonen")
    client = login(personas["helsesykepleier"])
    body = client.get(reverse("case-plan", kwargs={"case_id": case.pk})).content.decode()
    assert GOAL in body and MEASURE in body


def test_a_participant_from_a_unit_without_a_basis_is_refused_with_a_message(personas):
    case = case_on_level(personas, 1)
    with pytest.raises(ValidationError) as refused:
        services.meeting_schedule(
            actor=personas["barnehagelaerer"],
            case_id=case.pk,
            starts_at=timezone.now() + timedelta(days=7),
            place="Møterom MRKPROP-PLACE",
            agenda="Saksliste MRKPROP-AGENDA",
            participant_ids=[personas["helsesykepleier"].pk],
        )
    message = " ".join(refused.value.message_dict["participants"])
    assert personas["helsesykepleier"].full_name in message and "Involver enheten" in message
