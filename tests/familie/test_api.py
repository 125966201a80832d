"""The family's API (/api/v1/familie/…): the same family audience of the gate as the pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from stafettlogg import services as log_services
from tests.familie.helpers import HELD, families, family_client, staff_client

pytestmark = pytest.mark.django_db

SHARED = "Apimarkør-A1: samtale med mor om lesing"


@pytest.fixture
def fam(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    log_services.note_add(actor=personas["kontaktlaerer"], case_id=fam.theo.pk, kind="notat", text=SHARED)
    return fam


def test_the_mother_sees_her_childs_case_and_log_without_the_held_back_entry(fam):
    marte = family_client(fam, "marte")
    cases = marte.get(reverse("api-familie-cases")).json()
    assert [c["id"] for c in cases] == [fam.theo.pk] and cases[0]["child"] == "Theo Nilsen"
    response = marte.get(reverse("api-familie-log", args=[fam.theo.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert SHARED in body
    assert HELD not in body and "Holdtmarkør" not in body


def test_consents_and_reads_for_the_family(fam, personas):
    staff_client(personas["ppt"]).get(reverse("cases:case_detail", args=[fam.theo.pk]))
    marte = family_client(fam, "marte")
    consents = marte.get(reverse("api-familie-consents", args=[fam.theo.pk])).json()
    assert consents and consents[0]["purpose"] == "Vurdering av lesing sammen med PPT"
    assert consents[0]["may_renew"] is False
    reads = marte.get(reverse("api-familie-reads", args=[fam.theo.pk])).json()
    assert any(r["name"] == "Per Dahl" for r in reads)


def test_another_familys_case_and_no_login_are_refused(fam, personas):
    kristin = family_client(fam, "kristin")
    for name in ("api-familie-log", "api-familie-consents", "api-familie-reads"):
        response = kristin.get(reverse(name, args=[fam.theo.pk]))
        assert response.status_code == 404
        assert SHARED not in response.content.decode()
    assert fam.theo.pk not in [c["id"] for c in kristin.get(reverse("api-familie-cases")).json()]
    # The father without foreldreansvar sees nothing.
    jonas = family_client(fam, "jonas")
    assert jonas.get(reverse("api-familie-cases")).json() == []
    assert jonas.get(reverse("api-familie-log", args=[fam.theo.pk])).status_code == 404
    # No ID-porten session: refused; a staff session is not a family session.
    assert Client().get(reverse("api-familie-log", args=[fam.theo.pk])).status_code in (401, 403)
    ola = staff_client(personas["kontaktlaerer"])
    response = ola.get(reverse("api-familie-log", args=[fam.theo.pk]))
    assert response.status_code in (401, 403) and SHARED not in response.content.decode()
