"""Who coordinates (samordningsplikt), the barnekoordinator, and «prepare for individuell
plan» (issue 16 item 4)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bti.models import Service, Unit
from samordning.models import Barnekoordinator, Coordination
from stafettlogg.models import Entry
from tests.bti.security_helpers import real_user
from tests.consent.helpers import give_consent, identified_case
from tests.samarbeid.helpers import goal, measure

pytestmark = pytest.mark.django_db

CHILD_VIEW = "Barnemarkør: Emma vil at læreren skal hjelpe"
KOMMUNE_DECISION = "Kommunemarkør: PPT koordinerer til sommeren"


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    return client


@pytest.fixture
def case(personas):
    case, guardian = identified_case(personas, age=9, level=2)
    case.guardian = guardian  # type: ignore[attr-defined]
    return case


def _coordination(client: Client, case, **overrides):
    data = {
        "service": Service.objects.get(kommune=case.kommune, name="PPT").pk,
        "unit": Unit.objects.get(name="PPT Eksempel").pk,
        "child_view": CHILD_VIEW,
        "parents_view": "Mor ønsker at PPT koordinerer.",
        "decided_by": "Samarbeidsmøtet",
        "decided_on": timezone.localdate().isoformat(),
        **overrides,
    }
    return client.post(reverse("samordning-koordinering", kwargs={"case_id": case.pk}), data)


def test_it_records_who_coordinates_with_an_entry_in_the_same_transaction(case, personas):
    kari = _client(personas["barnehagelaerer"])
    response = _coordination(kari, case)
    assert response.status_code == 302 and response["Location"] == reverse("samordning", kwargs={"case_id": case.pk})
    row = Coordination.objects.get(case=case)
    entry = Entry.objects.get(pk=row.entry_id or 0)
    assert entry.kind == "samordning" and "PPT (PPT Eksempel) koordinerer saken" in entry.text
    assert entry.data["kategori"] == "stafettlogg" and row.category == "stafettlogg"
    page = kari.get(reverse("samordning", kwargs={"case_id": case.pk})).content.decode()
    assert CHILD_VIEW in page and "Samarbeidsmøtet" in page
    case_page = kari.get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert reverse("samordning", kwargs={"case_id": case.pk}) in case_page  # the lazy panel
    assert "PPT (PPT Eksempel) koordinerer saken" in case_page  # the stafettlogg entry
    partial = kari.get(reverse("samordning", kwargs={"case_id": case.pk}), HTTP_HX_REQUEST="true").content.decode()
    assert "<h1" not in partial and 'id="samordning-panel"' in partial and "PPT (PPT Eksempel)" in partial


def test_a_disagreement_needs_the_kommunes_decision(case, personas):
    kari = _client(personas["barnehagelaerer"])
    missing = _coordination(kari, case, disagree="on")
    body = missing.content.decode()
    assert missing.status_code == 400
    assert "Når tjenestene er uenige, bestemmer kommunen" in body and "Skriv hvem i kommunen som besluttet." in body
    assert CHILD_VIEW in body  # what was typed stays
    ok = _coordination(
        kari,
        case,
        disagree="on",
        disagreement="Skolen og PPT mente begge at den andre skulle koordinere.",
        kommune_decision=KOMMUNE_DECISION,
        kommune_decided_by="Anne Vik, kommunalsjef",
    )
    assert ok.status_code == 302
    row = Coordination.objects.get(case=case)
    assert not row.services_agree and row.kommune_decision == KOMMUNE_DECISION
    assert KOMMUNE_DECISION in Entry.objects.get(pk=row.entry_id or 0).text


def test_who_coordinates_is_for_level_2_and_3_and_for_the_coordinators(personas):
    case, _guardian = identified_case(personas, level=1)
    kari = _client(personas["barnehagelaerer"])
    response = _coordination(kari, case)
    assert response.status_code == 400 and "nivå 2 eller 3" in response.content.decode()
    case2, _g = identified_case(personas, level=2)
    for key in ("ppt", "kommuneadmin", "utenforstaaende", "kontaktlaerer"):
        assert _coordination(_client(personas[key]), case2).status_code == 404, key
    assert not Coordination.objects.exists()


def test_a_reader_without_the_category_sees_no_coordination(case, personas):
    _coordination(_client(personas["barnehagelaerer"]), case)
    give_consent(personas, case, case.guardian, categories=("kartlegging",))
    ppt = _client(personas["ppt"])
    page = ppt.get(reverse("samordning", kwargs={"case_id": case.pk})).content.decode()
    assert "Du har ikke samtykke til denne delen av saken" in page and CHILD_VIEW not in page
    give_consent(personas, case, case.guardian, categories=("stafettlogg",))
    assert CHILD_VIEW in ppt.get(reverse("samordning", kwargs={"case_id": case.pk})).content.decode()
    assert (
        _client(personas["helsesykepleier"]).get(reverse("samordning", kwargs={"case_id": case.pk})).status_code == 404
    )


def _appoint(client: Client, case, personas, **overrides):
    ola = personas["kontaktlaerer"]
    data = {
        "person": f"{ola.pk}:{Unit.objects.get(name='Solberg skole').pk}",
        "guardians": [case.guardian.pk],
        "consent_form": "written",
        "consent_note": "",
        "consented_on": timezone.localdate().isoformat(),
        "started_on": timezone.localdate().isoformat(),
        **overrides,
    }
    return client.post(reverse("samordning-barnekoordinator", kwargs={"case_id": case.pk}), data)


def test_a_barnekoordinator_is_appointed_with_consent_and_is_not_the_stafettholder(case, personas):
    kari = _client(personas["barnehagelaerer"])
    no_consent = _appoint(kari, case, personas, guardians=[])
    assert no_consent.status_code == 400
    assert "Barnekoordinator oppnevnes med samtykke" in no_consent.content.decode()
    young_alone = _appoint(kari, case, personas, guardians=[], by_young_person="on")
    assert young_alone.status_code == 400 and "kan ikke samtykke alene" in young_alone.content.decode()
    oral = _appoint(kari, case, personas, consent_form="oral")
    assert oral.status_code == 400 and "Et muntlig samtykke krever et referat" in oral.content.decode()
    ok = _appoint(kari, case, personas)
    assert ok.status_code == 302
    row = Barnekoordinator.objects.get(case=case, ended_at__isnull=True)
    assert row.user == personas["kontaktlaerer"] and list(row.consent_guardians.all()) == [case.guardian]
    entry = Entry.objects.filter(case=case, kind="barnekoordinator").get()
    assert "Ola Hansen (Solberg skole) er barnekoordinator" in entry.text and "Marit Eksempel" in entry.text
    page = kari.get(reverse("samordning", kwargs={"case_id": case.pk})).content.decode()
    assert "Ola Hansen (Solberg skole)" in page
    case_page = kari.get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "Kari Nordmann (Lia barnehage)" in case_page  # the stafettholder stays who she is
    # The role opens nothing by itself.
    assert (
        _client(personas["kontaktlaerer"]).get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).status_code
        == 404
    )
    second = _appoint(kari, case, personas)
    assert second.status_code == 400 and "har allerede en barnekoordinator" in second.content.decode()
    end = kari.post(reverse("samordning-barnekoordinator-slutt", kwargs={"case_id": case.pk}), {"reason": ""})
    assert end.status_code == 400 and "Skriv hvorfor rollen avsluttes." in end.content.decode()
    kari.post(
        reverse("samordning-barnekoordinator-slutt", kwargs={"case_id": case.pk}), {"reason": "Familien flytter."}
    )
    row.refresh_from_db()
    assert row.ended_at is not None and row.end_reason == "Familien flytter."
    assert Entry.objects.filter(case=case, kind="barnekoordinator").count() == 2


def test_the_individuell_plan_summary_holds_goals_tiltak_participants_and_consents(case, personas):
    g = goal(personas, case, text="Målmarkør: Emma leser med glede")
    measure(personas, case, g, description="Tiltaksmarkør: lesekurs to ganger i uken")
    give_consent(personas, case, case.guardian)
    kari = _client(personas["barnehagelaerer"])
    _coordination(kari, case)
    page = kari.get(reverse("individuell-plan", kwargs={"case_id": case.pk})).content.decode()
    assert "Målmarkør" in page and "Tiltaksmarkør" in page and "PPT Eksempel" in page
    assert "01010750160" not in page
    data = json.loads(kari.get(reverse("individuell-plan-json", kwargs={"case_id": case.pk})).content)
    assert data["goals"][0]["goal"] == "Målmarkør: Emma leser med glede"
    assert data["goals"][0]["tiltak"][0]["description"] == "Tiltaksmarkør: lesekurs to ganger i uken"
    assert {"name": "Kari Nordmann", "unit": "Lia barnehage", "role": "stafettholder"} in data["participants"]
    assert data["consents"][0]["recipients"][0]["unit"] == "PPT Eksempel"
    assert data["coordination"]["child_view"] == CHILD_VIEW
    pdf = kari.get(reverse("individuell-plan-pdf", kwargs={"case_id": case.pk}))
    assert pdf.content.startswith(b"%PDF")
    mark = kari.post(reverse("individuell-plan-merk", kwargs={"case_id": case.pk}))
    assert mark.status_code == 302
    entry = Entry.objects.filter(case=case, data__event="ip_prepared").get()
    assert entry.data["sha256"] == data["sha256"]
    # A consented reader does not get the summary: it is the whole case.
    assert _client(personas["ppt"]).get(reverse("individuell-plan", kwargs={"case_id": case.pk})).status_code == 404


def test_the_summary_downloads_need_a_recent_second_factor(case, personas):
    kari = real_user(personas, "barnehagelaerer")
    client = Client()
    client.force_login(kari, backend="bti.auth_backends.EmailBackend")
    session = client.session
    session["mfa_at"] = (timezone.now() - timedelta(hours=1)).timestamp()
    session.save()
    response = client.get(reverse("individuell-plan-json", kwargs={"case_id": case.pk}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("security-step-up"))


def test_samordning_over_the_api(case, personas):
    kari = _client(personas["barnehagelaerer"])
    created = kari.post(
        reverse("api-samordning", kwargs={"case_id": case.pk}),
        {
            "service_id": Service.objects.get(kommune=case.kommune, name="Skole").pk,
            "child_view": CHILD_VIEW,
            "parents_view": "Enige.",
            "decided_by": "Rektor og styrer",
            "decided_on": timezone.localdate().isoformat(),
            "services_agree": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["coordination"]["service"] == "Skole"
    bad = kari.post(
        reverse("api-samordning", kwargs={"case_id": case.pk}),
        {
            "service_id": 0,
            "child_view": "",
            "parents_view": "",
            "decided_by": "",
            "decided_on": "2020-01-01",
            "services_agree": False,
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "kommune_decision" in bad.json()
    summary = kari.get(reverse("api-individuell-plan", kwargs={"case_id": case.pk})).json()
    assert summary["coordination"]["decided_by"] == "Rektor og styrer" and len(summary["sha256"]) == 64
