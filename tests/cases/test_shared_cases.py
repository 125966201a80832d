"""«Saker delt med oss» (issue 17 item 3): a unit lists the cases of other units where it
takes part on consent or another legal basis, with what it may read, and is told when it
gets a basis, when a transition arrives and when a tiltak is assigned to it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bti import gate
from bti.models import AccessLogEntry
from cases import services as case_services
from cases.models import Case
from consent import services as consent_services
from oversikt.models import Notification, NotificationKind
from samarbeid import services as samarbeid_services
from tests.cases.helpers import unit

pytestmark = pytest.mark.django_db

SHARED = "Deltbarn MRKSHR1"
NOT_SHARED = "Ikkedelt MRKSHR2"
WHOLE = "Heltbarn MRKSHR3"


def _case(personas, name: str, level: int = 2) -> Case:
    who = personas["barnehagelaerer"]
    case = case_services.undring_create(
        actor=who,
        unit_id=unit("Lia barnehage").pk,
        observation="Observasjon MRKSHROBS",
        child_name=name,
        birth_date=date(timezone.localdate().year - 5, 3, 1),
    )
    return case_services.case_change_level(actor=who, case_id=case.pk, to_level=level, reason="Vi går videre")


def _consent(personas, case: Case, categories: list[str], unit_name: str = "PPT Eksempel"):
    who = personas["barnehagelaerer"]
    mother = case_services.guardian_add(
        actor=who, case_id=case.pk, full_name="Mor MRKSHRMOR", relation="mor", has_parental_responsibility=True
    )
    today = timezone.localdate()
    return consent_services.consent_register(
        actor=who,
        case_id=case.pk,
        decision="given",
        guardian_ids=[mother.pk],
        by_young_person=False,
        unit_ids=[unit(unit_name).pk],
        category_codes=categories,
        purpose="Vurdering sammen med PPT",
        form="written",
        valid_from=today,
        valid_until=today + timedelta(days=180),
    )


def _page(client) -> str:
    response = client.get(reverse("cases:shared_cases"))
    assert response.status_code == 200
    return response.content.decode()


def test_ppt_sees_the_shared_case_with_its_categories_and_not_the_others(personas, login):
    shared = _case(personas, SHARED)
    _consent(personas, shared, ["stafettlogg", "kartlegging"])
    not_shared = _case(personas, NOT_SHARED)
    ppt = personas["ppt"]
    body = _page(login(ppt))
    assert SHARED in body
    assert "Stafettlogg" in body and "Kartlegging" in body
    assert "Helseopplysninger" not in body and "Plan og tiltak" not in body
    assert NOT_SHARED not in body
    assert "Lia barnehage" in body  # the owner unit
    # The list read is in the innsynslogg with its purpose; the case not shown is not.
    reads = set(AccessLogEntry.objects.filter(user_id=ppt.pk).values_list("case_id", "purpose"))
    assert (shared.pk, gate.KOORDINERING) in reads
    assert not any(case_id == not_shared.pk for case_id, _purpose in reads)


def test_the_owner_unit_does_not_list_its_own_cases_as_shared(personas, login):
    shared = _case(personas, SHARED)
    _consent(personas, shared, ["stafettlogg"])
    body = _page(login(personas["barnehagelaerer"]))
    assert SHARED not in body
    assert "Ingen saker er delt med enheten din nå." in body


def test_a_legal_basis_shows_the_whole_case(personas, login):
    from tests.consent.helpers import barnevern_user

    vern = barnevern_user(personas)
    case = _case(personas, WHOLE, level=3)
    consent_services.melding_barnevern(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        law=next(iter(consent_services.LAWS)),
        condition=next(iter(consent_services.CONDITIONS)),
        description="Melding MRKSHRMELD",
        violence_or_abuse=False,
    )
    body = _page(login(vern))
    assert WHOLE in body
    assert "Hele saken (rettslig grunnlag)" in body
    assert WHOLE not in _page(login(personas["ppt"]))
    # The barnevern unit was told it got the basis; the notification names no child.
    told = Notification.objects.get(user=vern, kind=NotificationKind.SHARED)
    assert str(case.pk) in told.text and "Heltbarn" not in told.text


def test_a_withdrawn_consent_takes_the_case_off_the_list(personas, login):
    shared = _case(personas, SHARED)
    consent = _consent(personas, shared, ["stafettlogg"])
    client = login(personas["ppt"])
    assert SHARED in _page(client)
    consent_services.consent_withdraw(
        actor=personas["barnehagelaerer"], case_id=shared.pk, consent_id=consent.pk, withdrawn_by_name="Mor MRKSHRMOR"
    )
    assert SHARED not in _page(client)


def test_the_unit_is_told_when_it_gets_a_basis_and_a_tiltak(personas, login):
    case = _case(personas, SHARED)
    ppt = personas["ppt"]
    assert not Notification.objects.filter(user=ppt).exists()
    _consent(personas, case, ["stafettlogg", "plan_tiltak"])
    basis = Notification.objects.get(user=ppt, kind=NotificationKind.SHARED)
    assert "Saker delt med oss" in basis.text and "Deltbarn" not in basis.text
    goal = samarbeid_services.goal_create(
        actor=personas["barnehagelaerer"], case_id=case.pk, text="Mål MRKSHRGOAL", agreed_with="Mor"
    )
    today = timezone.localdate()
    samarbeid_services.measure_create(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        goal_id=goal.pk,
        description="Tiltak MRKSHRTILTAK",
        responsible_unit_id=unit("PPT Eksempel").pk,
        responsible_other="PP-rådgiver",
        start_date=today,
        evaluation_date=today + timedelta(days=30),
    )
    texts = list(Notification.objects.filter(user=ppt, kind=NotificationKind.SHARED).values_list("text", flat=True))
    assert len(texts) == 2
    assert any("ansvarlig for et tiltak" in t for t in texts)
    # The owner's own staff are not told about their own consent or tiltak.
    assert not Notification.objects.filter(user=personas["barnehagelaerer"], kind=NotificationKind.SHARED).exists()
    page = login(ppt).get(reverse("notifications")).content.decode()
    assert "Saker delt med oss" in page


def test_the_receiving_unit_is_told_when_a_transition_arrives(personas):
    case = _case(personas, SHARED)
    samarbeid_services.transition_propose(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        to_unit_id=unit("Solberg skole").pk,
        kind="barnehage_skole",
        message="Overgang MRKSHROVG",
    )
    told = Notification.objects.get(user=personas["kontaktlaerer"], kind=NotificationKind.SHARED)
    assert "overført til Solberg skole" in told.text and "MRKSHROVG" not in told.text
    assert not Notification.objects.filter(user=personas["ppt"]).exists()


def test_the_main_menu_links_the_page(personas, login):
    body = login(personas["ppt"]).get(reverse("home")).content.decode()
    assert reverse("cases:shared_cases") in body


def test_the_list_reads_the_basis_once_whatever_the_number_of_cases(personas, login, django_assert_num_queries):
    """The basis is asked for all listed cases at once: one more shared case is one more row
    in the body, not one more query."""
    first = _case(personas, "Førstebarn MRKSHRQ1")
    _consent(personas, first, ["stafettlogg"])
    client = login(personas["ppt"])
    url = reverse("cases:shared_cases")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        body = client.get(url).content.decode()
    assert "Førstebarn MRKSHRQ1" in body
    for i in range(3):
        _consent(personas, _case(personas, f"Flerebarn MRKSHRQ{i + 2}"), ["stafettlogg", "plan_tiltak"])
    with django_assert_num_queries(len(one)):
        body = client.get(url).content.decode()
    assert all(f"Flerebarn MRKSHRQ{i + 2}" in body for i in range(3)) and "Førstebarn MRKSHRQ1" in body
