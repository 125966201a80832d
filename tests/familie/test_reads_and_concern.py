"""Who read my child's case (item 4) and raising a concern (item 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bti.models import AccessLogEntry
from cases.models import Case
from familie.models import WhyQuestion
from oversikt.models import Notification
from tests.familie.helpers import families, family_client, staff_client

pytestmark = pytest.mark.django_db

QUESTION = "Spørsmålsmarkør-R1: hvorfor leste PPT saken?"
ANSWER = "Svarmarkør-R2: PPT forbereder kartleggingen dere ble enige om"
CONCERN = "Bekymringsmarkør-B1: Theo gruer seg til skolen hver morgen"


@pytest.fixture
def fam(personas, settings):
    settings.DEMO_MODE = True
    return families(personas)


def test_the_mother_sees_that_ppt_read_the_case_and_asks_why(fam, personas):
    staff_client(personas["ppt"]).get(reverse("cases:case_detail", args=[fam.theo.pk]))
    marte = family_client(fam, "marte")
    body = marte.get(reverse("familie-reads", args=[fam.theo.pk])).content.decode()
    assert "Per Dahl" in body and "PPT Eksempel (PPT)" in body
    read = AccessLogEntry.objects.filter(case_id=fam.theo.pk, user=personas["ppt"]).latest("pk")
    response = marte.post(reverse("familie-ask", args=[fam.theo.pk, read.pk]), {"question": QUESTION})
    assert response.status_code == 302
    q = WhyQuestion.objects.get()
    assert q.question == QUESTION and q.unit_id == read.unit_id
    # The PPT leader is told (no content, no child name) … if the unit has a leader.
    for n in Notification.objects.filter(kind="familie", text__contains="spør hvorfor"):
        assert "Theo" not in n.text and QUESTION not in n.text
    body = marte.get(reverse("familie-reads", args=[fam.theo.pk])).content.decode()
    assert QUESTION in body and "Ikke besvart ennå." in body


def test_the_unit_leader_answers_and_the_family_sees_the_answer(fam, personas):
    from bti.models import Membership, MembershipRole, Unit

    leader = personas["rektor"]
    staff_client(personas["kontaktlaerer"]).get(reverse("cases:case_detail", args=[fam.theo.pk]))
    read = AccessLogEntry.objects.filter(case_id=fam.theo.pk, user=personas["kontaktlaerer"]).latest("pk")
    assert read.unit_id == Unit.objects.get(name="Solberg skole").pk
    assert Membership.objects.filter(user=leader, unit_id=read.unit_id, role=MembershipRole.LEDER).exists()
    marte = family_client(fam, "marte")
    marte.post(reverse("familie-ask", args=[fam.theo.pk, read.pk]), {"question": QUESTION})
    assert Notification.objects.filter(user=leader, kind="familie").exists()
    rektor = staff_client(leader)
    page = rektor.get(reverse("familie-questions")).content.decode()
    assert QUESTION in page
    q = WhyQuestion.objects.get()
    assert rektor.post(reverse("familie-questions"), {"question_id": q.pk, "answer": ANSWER}).status_code == 302
    body = marte.get(reverse("familie-reads", args=[fam.theo.pk])).content.decode()
    assert (
        ANSWER in body and "Ingen spørsmål venter på svar." in rektor.get(reverse("familie-questions")).content.decode()
    )
    # Another unit's leader cannot answer it.
    q.answered_at = None
    q.save()
    other = staff_client(personas["styrer"])
    assert other.post(reverse("familie-questions"), {"question_id": q.pk, "answer": "X"}).status_code == 400


def test_a_question_about_another_cases_read_is_refused(fam, personas):
    staff_client(personas["helsesykepleier"]).get(reverse("cases:case_detail", args=[fam.emma.pk]))
    other = AccessLogEntry.objects.filter(case_id=fam.emma.pk).latest("pk")
    response = family_client(fam, "marte").post(
        reverse("familie-ask", args=[fam.theo.pk, other.pk]), {"question": QUESTION}
    )
    assert response.status_code == 400
    assert "Fant ikke lesingen i saken." in response.content.decode()
    assert not WhyQuestion.objects.exists()


def test_an_empty_question_gets_a_message(fam, personas):
    staff_client(personas["ppt"]).get(reverse("cases:case_detail", args=[fam.theo.pk]))
    read = AccessLogEntry.objects.filter(case_id=fam.theo.pk).latest("pk")
    response = family_client(fam, "marte").post(reverse("familie-ask", args=[fam.theo.pk, read.pk]), {"question": ""})
    assert response.status_code == 400
    assert "Skriv spørsmålet ditt." in response.content.decode()


def test_a_parent_raises_a_concern_and_the_unit_leader_sees_the_new_niva_0_case(fam, personas):
    from bti.models import Unit

    marte = family_client(fam, "marte")
    lia = Unit.objects.get(name="Lia barnehage")
    response = marte.post(
        reverse("familie-concern"), {"child": fam.members["marte"].pk, "unit": lia.pk, "observation": CONCERN}
    )
    assert response.status_code == 302
    case = Case.objects.get(owner_unit=lia, child_id=fam.theo.child_id)
    assert case.level == 0 and case.source == "foreldreinitiativ"
    styrer = personas["styrer"]
    assert Notification.objects.filter(user=styrer, case=case, kind="familie").exists()
    body = staff_client(styrer).get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert CONCERN in body
    # The family sees the new case and its status.
    page = marte.get(reverse("familie-case", args=[case.pk])).content.decode()
    assert CONCERN in page and "Nivå 0" in page


def test_a_concern_of_100000_characters_is_refused_and_kept(fam):
    marte = family_client(fam, "marte")
    from bti.models import Unit

    text = "Langmarkør " + "x" * 100_000
    response = marte.post(
        reverse("familie-concern"),
        {"child": fam.members["marte"].pk, "unit": Unit.objects.get(name="Lia barnehage").pk, "observation": text},
    )
    assert response.status_code == 400
    assert "Langmarkør" in response.content.decode()
    assert not Case.objects.filter(source="foreldreinitiativ").exists()


def test_the_father_without_foreldreansvar_cannot_raise_a_concern_for_the_child(fam):
    assert family_client(fam, "jonas").get(reverse("familie-concern")).status_code == 404
