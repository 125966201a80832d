"""Issue 17 item 6: Ny undring offers «Ufødt barn (termin)» with the mother as the person
concerned (registered as the case's «mor» with foreldreansvar), she consents for the child,
and a bad termin gets the same message next to the field in the form and the API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from bti.models import Unit
from cases.models import Case, Guardian
from stafettlogg.models import Entry

pytestmark = pytest.mark.django_db

PAST = "Terminen er mer enn en måned tilbake i tid."
FUTURE = "Terminen kan ikke være mer enn ti måneder fram i tid."


def _unit() -> int:
    return Unit.objects.get(name="Lia barnehage").pk


def _post(client, termin, mother: str = "Markør-wf6-Mia Mor"):
    return client.post(
        reverse("cases:undring_new"),
        {
            "unit": _unit(),
            "source": "ansatt",
            "observation": "Markør-wf6-obs: mor virker sliten og alene før fødselen.",
            "identity": "ufodt",
            "expected_date": termin.isoformat() if termin else "",
            "mother_name": mother,
            "mother_phone": "99887766",
        },
    )


def test_the_form_offers_an_unborn_child_with_termin_and_mother(personas, login):
    page = login(personas["barnehagelaerer"]).get(reverse("cases:undring_new")).content.decode()
    assert "Ufødt barn (termin)" in page and 'data-identity="ufodt"' in page
    assert 'name="expected_date"' in page and 'name="mother_name"' in page


def test_an_unborn_child_is_registered_with_the_mother_as_mor(personas, login):
    client = login(personas["barnehagelaerer"])
    termin = timezone.localdate() + timedelta(days=90)
    response = _post(client, termin)
    assert response.status_code == 302
    case = Case.objects.get(child__expected_date=termin)
    assert case.child is not None and case.child.birth_date is None and case.child.full_name == ""
    mother = Guardian.objects.get(registered_in=case)
    assert (mother.full_name, mother.relation, mother.has_parental_responsibility) == (
        "Markør-wf6-Mia Mor",
        "mor",
        True,
    )
    assert Entry.objects.filter(case=case, data__event="guardian_added").exists()
    html = client.get(response["Location"]).content.decode()
    assert "Ufødt barn av Markør-wf6-Mia Mor" in html and "Markør-wf6-obs" in html
    # Her consent: the consent form names her and lets her consent for the unborn child.
    consent = client.get(reverse("samtykke", kwargs={"case_id": case.pk}) + "?registrer=1").content.decode()
    assert "Mor samtykker for barnet til det er født." in consent
    assert "Markør-wf6-Mia Mor (mor)" in consent
    assert re.search(rf'name="guardians" value="{mother.pk}"[^>]*checked', consent)  # preselected


def test_the_mother_consents_for_the_unborn_child(personas, login):
    from consent import services as consent_services
    from tests.cases.helpers import unit

    client = login(personas["barnehagelaerer"])
    termin = timezone.localdate() + timedelta(days=60)
    _post(client, termin)
    case = Case.objects.get(child__expected_date=termin)
    mother = Guardian.objects.get(registered_in=case)
    consent = consent_services.consent_register(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        decision="given",
        guardian_ids=[mother.pk],
        by_young_person=False,
        unit_ids=[unit("PPT Eksempel").pk],
        category_codes=["stafettlogg"],
        purpose="Oppfølging i svangerskapet",
        form="written",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=180),
    )
    assert list(consent.guardians.values_list("pk", flat=True)) == [mother.pk]


@pytest.mark.parametrize(
    ("days", "message"),
    [(-45, PAST), (365 * 30, FUTURE), (None, "Skriv terminen")],
)
def test_a_bad_termin_gets_a_message_next_to_the_field_in_the_form_and_the_api(personas, login, days, message):
    termin = None if days is None else timezone.localdate() + timedelta(days=days)
    before = Case.objects.count()
    response = _post(login(personas["barnehagelaerer"]), termin)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and 'id="undring-expected_date_feil"' in html
    assert "Markør-wf6-Mia Mor" in html  # nothing typed is lost
    api = APIClient()
    api.force_login(personas["barnehagelaerer"], backend="bti.auth_backends.EmailBackend")
    answer = api.post(
        "/api/v1/cases/",
        {
            "unit": _unit(),
            "observation": "Obs",
            "unborn": True,
            "expected_date": termin.isoformat() if termin else None,
            "mother_name": "Mia Mor",
        },
        format="json",
    )
    assert answer.status_code == 400 and message in str(answer.data["expected_date"])
    assert Case.objects.count() == before


def test_the_form_shows_every_error_of_the_unborn_child_at_once(personas, login):
    response = _post(login(personas["barnehagelaerer"]), timezone.localdate() + timedelta(days=365 * 30), mother="")
    html = response.content.decode()
    assert response.status_code == 400
    assert FUTURE in html and "Skriv navnet til mor." in html and 'id="undring-mother_name_feil"' in html


def test_the_mother_is_required_in_the_form_and_the_api(personas, login):
    termin = timezone.localdate() + timedelta(days=30)
    response = _post(login(personas["barnehagelaerer"]), termin, mother="")
    assert response.status_code == 400 and "Skriv navnet til mor." in response.content.decode()
    api = APIClient()
    api.force_login(personas["barnehagelaerer"], backend="bti.auth_backends.EmailBackend")
    answer = api.post(
        "/api/v1/cases/",
        {"unit": _unit(), "observation": "Obs", "unborn": True, "expected_date": termin.isoformat()},
        format="json",
    )
    assert answer.status_code == 400 and "Skriv navnet til mor." in str(answer.data["mother_name"])
    ok = api.post(
        "/api/v1/cases/",
        {
            "unit": _unit(),
            "observation": "Obs",
            "unborn": True,
            "expected_date": termin.isoformat(),
            "mother_name": "Mia Mor",
        },
        format="json",
    )
    assert ok.status_code == 201
    assert Guardian.objects.get(registered_in_id=ok.data["id"]).relation == "mor"
