"""The living demo kommune (issue 17, item 9): ``seed_demo`` gives every persona a real
workload, written through the services, and the follow-up rules find work in it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStatus
from consent.models import Involvement, LegalBasis
from demo.seed import seed_demo_workload
from oversikt.models import Alarm, AlarmRule, Notification
from oversikt.services import detect_followup_breaks
from samarbeid.models import Measure, Meeting, Transition, TransitionStatus
from stafettlogg.models import HandoverStatus, Stafettholder

pytestmark = pytest.mark.django_db

FAMILY_CASES = {"Theo Nilsen", "Emma Lund"}


@pytest.fixture
def demo(personas):
    created = seed_demo_workload(personas)
    return {"created": created, "kommune_id": personas["barnehagelaerer"].kommune_id}


def _case(name_or_label: str) -> Case:
    return Case.objects.get(
        **({"anonymous_label": name_or_label} if "." in name_or_label else {"child_name": name_or_label})
    )


def _html(client, name: str, **kwargs) -> str:
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response.content.decode()


def test_it_seeds_about_twenty_cases_on_every_level_and_in_every_state(demo):
    # twenty from samarbeid's seeder, two family-portal cases from familie's (Theo Nilsen, Emma Lund)
    assert demo["created"] == 22
    cases = Case.objects.filter(kommune_id=demo["kommune_id"])
    assert cases.count() == 22
    assert set(cases.filter(child_name__in=FAMILY_CASES).values_list("child_name", flat=True)) == FAMILY_CASES
    for level in range(4):
        assert cases.filter(level=level, status=CaseStatus.OPEN).exists(), level
    assert cases.filter(status=CaseStatus.CLOSED).count() == 4
    today = timezone.localdate()
    near = _case("M.K.")
    assert near.level == 0 and near.child_id is None and near.decision_deadline == today + timedelta(days=2)
    assert (
        Stafettholder.objects.filter(case__kommune_id=demo["kommune_id"], status=HandoverStatus.PROPOSED).count() == 1
    )
    assert Transition.objects.filter(status=TransitionStatus.PROPOSED).count() == 1
    assert Transition.objects.filter(status=TransitionStatus.ACCEPTED).count() == 1
    assert Involvement.objects.filter(basis=LegalBasis.OPPLYSNINGSPLIKT, case=_case("Adrian Holm")).exists()
    assert Meeting.objects.filter(starts_at__gt=timezone.now()).count() == 3
    assert Measure.objects.filter(evaluation_date__lt=today).count() == 1


def test_seeding_again_creates_nothing(demo, personas):
    assert seed_demo_workload(personas) == 0
    assert Case.objects.count() == 22


def test_the_command_seeds_the_workload_unless_told_not_to(personas, capsys):
    call_command("seed_demo", "--uten-saker")
    assert Case.objects.count() == 0
    call_command("seed_demo")
    assert Case.objects.count() == 22
    assert "22 nye saker" in capsys.readouterr().out


def test_each_persona_meets_their_own_work_and_nothing_else(demo, personas, login):
    mine = _html(login(personas["barnehagelaerer"]), "cases:my_cases")
    for marker in ("Nora Bakken", "Elias Moen", "Lukas Dahl", "M.K.", "J.S."):
        assert marker in mine
    for marker in ("Sara Lie", "Theo Nilsen", "Jonas Berg", "Ida Strand"):
        assert marker not in mine
    school = _html(login(personas["kontaktlaerer"]), "cases:my_cases")
    for marker in ("Sara Lie", "Theo Nilsen", "William Eide", "Oskar Vik"):
        assert marker in school
    assert "Nora Bakken" not in school
    # PPT takes part on consent: it may open the shared cases, not the others.
    ppt = login(personas["ppt"])
    assert "Lukas Dahl" in _html(ppt, "cases:case_detail", case_id=_case("Lukas Dahl").pk)
    assert ppt.get(reverse("cases:case_detail", kwargs={"case_id": _case("Nora Bakken").pk})).status_code == 404
    # The barnevern persona has the melding.
    vern = login(personas["barnevern"])
    assert "Adrian Holm" in _html(vern, "cases:case_detail", case_id=_case("Adrian Holm").pk)
    assert vern.get(reverse("cases:case_detail", kwargs={"case_id": _case("Lukas Dahl").pk})).status_code == 404


def test_the_followup_rules_find_the_overdue_evaluation_and_the_expiring_consent(demo, personas, login):
    result = detect_followup_breaks(kommune_id=demo["kommune_id"])
    assert result.skipped_rules == []
    overdue = Alarm.objects.get(rule=AlarmRule.EVALUATION_OVERDUE)
    assert overdue.case_id == _case("Elias Moen").pk
    assert Alarm.objects.get(rule=AlarmRule.CONSENT_EXPIRING).case_id == _case("Maja Hauge").pk
    told = Notification.objects.get(alarm=overdue)
    assert told.user == personas["barnehagelaerer"]
    page = _html(login(personas["barnehagelaerer"]), "notifications")
    assert f"#{_case('Elias Moen').pk}" in page or str(_case("Elias Moen").pk) in page
    # No child's name in a notification (DESIGN §3.10).
    assert "Elias" not in told.text


def test_the_ppt_persona_finds_the_shared_cases_and_was_told(demo, personas, login):
    # Issue 17 item 3: «Saker delt med oss» lists the consent cases with what PPT may read.
    ppt = login(personas["ppt"])
    shared = _html(ppt, "cases:shared_cases")
    for marker in ("Lukas Dahl", "Adrian Holm"):
        assert marker in shared
    for marker in ("Nora Bakken", "Maja Hauge", "Emilie Sand"):
        assert marker not in shared
    assert "Lia barnehage" in shared and "Solberg skole" in shared
    told = Notification.objects.filter(user=personas["ppt"], case=_case("Lukas Dahl"))
    assert told.exists()
    assert all("Lukas" not in n.text for n in told)
    assert "Saker delt med oss" in _html(ppt, "notifications")
