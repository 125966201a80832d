"""Innsyn per person (issue 15 item 5): everything the kommune holds about one child across
cases and units, for the kommune's administration, behind step-up, as PDF and JSON."""

from __future__ import annotations

import time
from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse

from bti.models import AccessLogEntry
from cases import services as case_services
from demo.scale import synthetic_fnr
from stafettlogg import services as log_services
from tests.consent.helpers import case_in_state, unit

pytestmark = pytest.mark.django_db

BORN = date(2017, 5, 4)


def _case(personas, who: str, unit_name: str, *, name: str, fnr: str, marker: str):
    case = case_services.undring_create(
        actor=personas[who],
        unit_id=unit(unit_name).pk,
        observation=f"Undring {marker}-undring",
        child_name=name,
        fnr=fnr,
        birth_date=BORN,
        gender="gutt",
    )
    log_services.note_add(actor=personas[who], case_id=case.pk, kind="notat", text=f"Notat {marker}-notat")
    return case


@pytest.fixture
def child_cases(personas):
    fnr = synthetic_fnr(1, BORN)
    one = _case(personas, "barnehagelaerer", "Lia barnehage", name="Jonas Innsynsen", fnr=fnr, marker="PIX-SAK1")
    two = _case(personas, "kontaktlaerer", "Solberg skole", name="Jonas Innsynsen", fnr=fnr, marker="PIX-SAK2")
    other = _case(
        personas,
        "barnehagelaerer",
        "Lia barnehage",
        name="Annen Ungesen",
        fnr=synthetic_fnr(2, BORN),
        marker="PIX-ANNET-BARN",
    )
    assert one.child_id == two.child_id != other.child_id
    return fnr, one, two, other


def _stepped_up(user, *, age_seconds: float = 0) -> Client:
    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    session = client.session
    session["auth_at"] = session["mfa_at"] = time.time() - age_seconds
    session.save()
    return client


def test_the_admin_finds_the_child_by_post_and_gets_every_case_in_json_pdf_and_api(personas, child_cases):
    from pypdf import PdfReader

    fnr, one, two, other = child_cases
    admin = _stepped_up(personas["kommuneadmin"])
    search = admin.post(reverse("innsyn-person-sok"), {"query": fnr})
    body = search.content.decode()
    assert search.status_code == 200 and "Jonas Innsynsen" in body and "Annen Ungesen" not in body
    assert reverse("innsyn-person", kwargs={"child_id": one.child_id}) in body
    # The search hit is a read too (one row per child shown, purpose innsyn).
    assert AccessLogEntry.objects.filter(
        user=personas["kommuneadmin"], obj_type="child", child_id=one.child_id, purpose="innsyn", how="search"
    ).exists()
    # A GET never searches: the name or fnr would end up in the access log.
    assert "Jonas Innsynsen" not in admin.get(reverse("innsyn-person-sok") + f"?query={fnr}").content.decode()

    kwargs = {"child_id": one.child_id}
    page = admin.get(reverse("innsyn-person", kwargs=kwargs)).content.decode()
    data = admin.get(reverse("innsyn-person-json", kwargs=kwargs)).json()
    pdf = admin.get(reverse("innsyn-person-pdf", kwargs=kwargs))
    assert pdf["Content-Type"] == "application/pdf"
    pdf_text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    api = admin.get(reverse("api-innsyn-person", kwargs=kwargs))
    assert api.status_code == 200
    json_text = str(data)
    for text in (page, json_text, pdf_text, str(api.json())):
        assert "PIX-SAK1-notat" in text and "PIX-SAK2-notat" in text
        assert "PIX-ANNET-BARN" not in text
    assert [c["case"]["id"] for c in data["cases"]] == [one.pk, two.pk]
    # Each case that went into the package is logged with the purpose innsyn.
    logged = AccessLogEntry.objects.filter(user=personas["kommuneadmin"], obj_type="innsyn_person", purpose="innsyn")
    assert {one.pk, two.pk} <= set(logged.values_list("case_id", flat=True))
    assert other.pk not in set(logged.values_list("case_id", flat=True))
    # The API search is a POST too.
    hits = admin.post(reverse("api-innsyn-person-sok"), {"query": "Innsynsen"}, content_type="application/json")
    assert [h["id"] for h in hits.json()["results"]] == [one.child_id]


def test_without_step_up_it_is_refused(personas, child_cases):
    _fnr, one, _two, _other = child_cases
    stale = _stepped_up(personas["kommuneadmin"], age_seconds=3600)
    kwargs = {"child_id": one.child_id}
    for name in ("innsyn-person", "innsyn-person-json", "innsyn-person-pdf"):
        response = stale.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302 and response["Location"].startswith(reverse("security-step-up"))
    search = stale.post(reverse("innsyn-person-sok"), {"query": "Innsynsen"})
    assert search.status_code == 302 and "Jonas Innsynsen" not in search.content.decode()
    api = stale.get(reverse("api-innsyn-person", kwargs=kwargs))
    assert api.status_code == 403 and "PIX-SAK1" not in api.content.decode()


@pytest.mark.parametrize("persona", ["barnehagelaerer", "styrer", "ppt", "kommunalsjef"])
def test_case_workers_and_leaders_are_refused(personas, child_cases, persona):
    if persona not in personas:
        pytest.skip(f"no persona {persona}")
    _fnr, one, _two, _other = child_cases
    client = _stepped_up(personas[persona])
    kwargs = {"child_id": one.child_id}
    for response in (
        client.get(reverse("innsyn-person", kwargs=kwargs)),
        client.get(reverse("innsyn-person-json", kwargs=kwargs)),
        client.post(reverse("innsyn-person-sok"), {"query": "Innsynsen"}),
        client.get(reverse("api-innsyn-person", kwargs=kwargs)),
    ):
        assert response.status_code == 403
        assert "PIX-SAK" not in response.content.decode() and "Jonas Innsynsen" not in response.content.decode()


def test_another_kommunes_child_is_not_found(personas, child_cases):
    from cases.models import Child

    _fnr, _one, _two, _other = child_cases
    admin = _stepped_up(personas["kommuneadmin"])
    foreign = Child.objects.create(kommune=personas["utenforstaaende"].kommune, full_name="Nabo Barnesen")
    assert admin.get(reverse("innsyn-person-json", kwargs={"child_id": foreign.pk})).status_code == 404
    assert "Nabo Barnesen" not in admin.post(reverse("innsyn-person-sok"), {"query": "Barnesen"}).content.decode()


def test_a_violence_melding_stays_out_as_in_the_case_package(personas):
    ctx = case_in_state(personas, "barnevern")
    admin = _stepped_up(personas["kommuneadmin"])
    data = admin.get(reverse("innsyn-person-json", kwargs={"child_id": ctx.case.child_id})).json()
    entries = [e for c in data["cases"] for e in c["entries"]]
    assert entries and not any("barnevern" in e["text"].lower() for e in entries)
    assert not any(r["unit"] == "Barneverntjenesten" for c in data["cases"] for r in c["reads"])
