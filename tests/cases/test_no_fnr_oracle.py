"""No fødselsnummer oracle (issue 20, item 3).

The hostile tester learnt whether an fnr belonged to a child in the kommune (400
«allerede registrert» against 201) and left an orphan child row. Now: registering a
known and an unknown fnr answer alike, the new case is linked to the same child, and
nothing of the other case (name, guardians, reads) shows through the shared child.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from bti.innsyn import record_access
from cases import services
from cases.models import Case, Child
from tests.cases.helpers import VALID_FNR, VALID_FNR_2, unit

pytestmark = pytest.mark.django_db

OTHER_NAME = "Ingrid Hemmeligsen-MRK41"  # the name only the first case knows
GUARDIAN = "Siri Hemmeligsen-MRK42"


@pytest.fixture
def known(personas):
    """Kari's case in Lia barnehage: a child with an fnr, a guardian, and a read."""
    case = services.undring_create(
        actor=personas["barnehagelaerer"],
        unit_id=unit("Lia barnehage").pk,
        observation="Første sak",
        child_name=OTHER_NAME,
        fnr=VALID_FNR,
    )
    services.guardian_add(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        full_name=GUARDIAN,
        relation="mor",
        has_parental_responsibility=True,
        phone="99887766",
    )
    record_access(user=personas["barnehagelaerer"], obj_type="case", obj_id=case.pk, case=case)
    return case


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def register_over_api(personas, fnr: str, name: str):
    return api(personas["helsesykepleier"]).post(
        "/api/v1/cases/",
        {"unit": unit("Helsestasjonen").pk, "observation": "Probe", "child_name": name, "fnr": fnr},
        format="json",
    )


def shape(body: dict) -> dict:
    """The response without what differs by nature between two new cases."""
    ignore = {"id", "opened_at", "last_activity_at", "decision_deadline", "child"}
    return {k: v for k, v in body.items() if k not in ignore}


def test_a_known_and_an_unknown_fnr_answer_alike_over_the_api(personas, known):
    on_known = register_over_api(personas, VALID_FNR, "Probe Navn-MRK43")
    on_unknown = register_over_api(personas, VALID_FNR_2, "Probe Navn-MRK43")
    assert on_known.status_code == on_unknown.status_code == 201
    assert shape(on_known.json()) == shape(on_unknown.json())
    text = on_known.content.decode()
    assert "Probe Navn-MRK43" in text
    for secret in (OTHER_NAME, GUARDIAN, "99887766", "allerede"):
        assert secret not in text
    # The new case is linked to the same child, and no second child row was made.
    probe = Case.objects.get(pk=on_known.json()["id"])
    assert probe.child_id == known.child_id
    assert Child.objects.filter(pk=known.child_id).count() == 1


def test_a_known_fnr_on_the_page_gives_the_same_success_and_shows_nothing_of_the_other_case(personas, known, client):
    client.force_login(personas["helsesykepleier"], backend="bti.auth_backends.EmailBackend")
    response = client.post(
        reverse("cases:undring_new"),
        {
            "unit": unit("Helsestasjonen").pk,
            "source": "ansatt",
            "observation": "Probe på siden",
            "identity": "identifisert",
            "full_name": "Side Probe-MRK44",
            "fnr": VALID_FNR,
        },
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Undringen er registrert" in body and "Side Probe-MRK44" in body
    for secret in (OTHER_NAME, GUARDIAN, "99887766", "allerede registrert"):
        assert secret not in body


def test_only_people_with_a_basis_see_each_case(personas, known):
    probe = register_over_api(personas, VALID_FNR, "Probe Navn-MRK45")
    probe_id = probe.json()["id"]
    # The prober sees their own case, not Kari's; Kari sees hers, not the prober's.
    assert api(personas["helsesykepleier"]).get(f"/api/v1/cases/{known.pk}/").status_code == 404
    assert api(personas["barnehagelaerer"]).get(f"/api/v1/cases/{probe_id}/").status_code == 404
    # The child list and record show the prober the name they typed, not the other one.
    children = api(personas["helsesykepleier"]).get("/api/v1/children/").content.decode()
    assert "Probe Navn-MRK45" in children and OTHER_NAME not in children
    record = api(personas["helsesykepleier"]).get(f"/api/v1/children/{known.child_id}/").content.decode()
    assert "Probe Navn-MRK45" in record and OTHER_NAME not in record
    # The guardians of the other case stay there.
    guardians = api(personas["helsesykepleier"]).get(f"/api/v1/cases/{probe_id}/guardians/").content.decode()
    assert GUARDIAN not in guardians
    kari = api(personas["barnehagelaerer"]).get(f"/api/v1/cases/{known.pk}/guardians/").content.decode()
    assert GUARDIAN in kari


def test_search_finds_no_case_by_a_name_only_another_case_knows(personas, known, client):
    register_over_api(personas, VALID_FNR, "Probe Navn-MRK46")
    client.force_login(personas["helsesykepleier"], backend="bti.auth_backends.EmailBackend")
    assert "Probe Navn-MRK46" not in client.post(reverse("search"), {"q": "Hemmeligsen"}).content.decode()
    assert "Probe Navn-MRK46" in client.post(reverse("search"), {"q": "MRK46"}).content.decode()


def test_the_innsyn_package_of_the_new_case_holds_no_reads_of_the_other(personas, known):
    from consent import selectors

    probe = Case.objects.get(pk=register_over_api(personas, VALID_FNR, "Probe Navn-MRK47").json()["id"])
    package = selectors.innsyn_package(probe)
    assert package["child"]["name"] == "Probe Navn-MRK47"
    assert all(r["name"] != personas["barnehagelaerer"].full_name for r in package["reads"])


def test_no_orphan_child_after_a_failed_attempt(personas):
    before = Child.objects.count()
    for bad in (
        {"observation": ""},  # the case fails after the child would have been made
        {"observation": "x", "birth_date": date(2001, 1, 1)},  # birth date disagrees with the fnr
    ):
        with pytest.raises(ValidationError):
            services.undring_create(
                actor=personas["helsesykepleier"],
                unit_id=unit("Helsestasjonen").pk,
                child_name="Orphan Probe",
                fnr=VALID_FNR_2,
                **bad,
            )
    response = register_over_api(personas, "12345678901", "Ugyldig")
    assert response.status_code == 400
    assert Child.objects.count() == before
