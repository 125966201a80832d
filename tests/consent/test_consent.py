"""Consent, legal bases, the gate by category, barnevern discretion, anonym drøfting,
innsyn and the leaders' review: each rule from both sides."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django.urls import reverse
from django.utils import timezone

from bti import policy
from bti.innsyn import record_access
from bti.models import AccessLogEntry, Kommune, Unit
from cases.selectors import search_cases
from consent import selectors, services
from consent.models import AccessReview, AgeRules, ConsentEvent, Involvement, LegalBasis
from stafettlogg.models import Entry
from tests.consent.helpers import (
    SECRET_NOTE,
    barnevern_user,
    case_in_state,
    give_consent,
    identified_case,
    unit,
)
from tests.sealed import rows_with

pytestmark = pytest.mark.django_db


# --- Consent registration and bad input --------------------------------------------------


def test_it_registers_consent_with_a_stafettlogg_entry_and_involvement(personas):
    case, guardian = identified_case(personas)
    before = Entry.objects.filter(case=case).count()
    consent = give_consent(personas, case, guardian)
    assert consent.scopes.count() == 2
    assert Entry.objects.filter(case=case).count() == before + 1
    last = Entry.objects.filter(case=case).latest("seq")
    assert last.data["hendelse"] == "samtykke_gitt"
    assert Involvement.objects.filter(case=case, unit=unit("PPT Eksempel"), basis=LegalBasis.CONSENT).exists()
    assert ConsentEvent.objects.filter(consent=consent, kind="given").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"valid_until_before": True}, "valid_until"),
        ({"no_parental_responsibility": True}, "guardians"),
        ({"other_kommune_unit": True}, "units"),
        ({"oral_without_note": True}, "oral_note"),
        ({"no_child_view": True}, "child_view"),
        ({"no_categories": True}, "categories"),
    ],
)
def test_it_refuses_bad_consent_input_with_a_message_on_the_field(personas, change, field):
    from cases import services as case_services

    case, guardian = identified_case(personas)
    today = timezone.localdate()
    kwargs = {
        "actor": personas["barnehagelaerer"],
        "case_id": case.pk,
        "decision": "given",
        "guardian_ids": [guardian.pk],
        "by_young_person": False,
        "unit_ids": [unit("PPT Eksempel").pk],
        "category_codes": ["stafettlogg"],
        "purpose": "Formål",
        "form": "written",
        "child_view": "Vil ha hjelp",
        "valid_from": today,
        "valid_until": today + timedelta(days=30),
    }
    if "valid_until_before" in change:
        kwargs["valid_until"] = today - timedelta(days=1)
    if "no_parental_responsibility" in change:
        other = case_services.guardian_add(
            actor=personas["barnehagelaerer"],
            case_id=case.pk,
            full_name="Per Stefar",
            relation="stefar",
            has_parental_responsibility=False,
        )
        kwargs["guardian_ids"] = [other.pk]
    if "other_kommune_unit" in change:
        kwargs["unit_ids"] = [Unit.objects.get(name="Fjell skole").pk]
    if "oral_without_note" in change:
        kwargs["form"] = "oral"
    if "no_child_view" in change:
        kwargs["child_view"] = ""
    if "no_categories" in change:
        kwargs["category_codes"] = []
    with pytest.raises(ValidationError) as exc:
        services.consent_register(**kwargs)
    assert field in exc.value.message_dict
    assert not case.consents.exists()


def test_it_does_not_let_a_reader_without_coordination_register_consent(personas):
    ctx = case_in_state(personas, "valid")
    with pytest.raises(Exception) as exc:
        give_consent({**personas, "barnehagelaerer": personas["ppt"]}, ctx.case, ctx.guardian)
    assert exc.type.__name__ == "Http404"


def test_it_lets_a_young_person_above_the_age_consent_alone_and_requires_it_for_health(personas):
    case, _guardian = identified_case(personas, age=16)
    today = timezone.localdate()
    base = {
        "actor": personas["barnehagelaerer"],
        "case_id": case.pk,
        "decision": "given",
        "unit_ids": [unit("Helsestasjonen").pk],
        "purpose": "Oppfølging",
        "form": "digital",
        "child_view": "Ja",
        "valid_from": today,
        "valid_until": today + timedelta(days=30),
    }
    with pytest.raises(ValidationError) as exc:
        services.consent_register(
            **base, guardian_ids=[_guardian.pk], by_young_person=False, category_codes=["helseopplysninger"]
        )
    assert "by_young_person" in exc.value.message_dict
    consent = services.consent_register(
        **base, guardian_ids=[], by_young_person=True, category_codes=["helseopplysninger"]
    )
    assert consent.by_young_person


def test_it_refuses_a_young_child_consenting_alone_and_follows_kommune_age_rules(personas):
    case, _guardian = identified_case(personas, age=15)
    today = timezone.localdate()
    kwargs = {
        "actor": personas["barnehagelaerer"],
        "case_id": case.pk,
        "decision": "given",
        "guardian_ids": [],
        "by_young_person": True,
        "unit_ids": [unit("PPT Eksempel").pk],
        "category_codes": ["stafettlogg"],
        "purpose": "Formål",
        "form": "written",
        "child_view": "Ja",
        "valid_from": today,
        "valid_until": today + timedelta(days=30),
    }
    with pytest.raises(ValidationError):
        services.consent_register(**kwargs)
    AgeRules.objects.create(kommune=case.kommune, consents_alone_from=15)
    assert services.consent_register(**kwargs).by_young_person


# --- The gate ----------------------------------------------------------------------------


def test_it_shows_the_case_to_ppt_with_consent_and_not_to_the_helsesykepleier(personas):
    ctx = case_in_state(personas, "valid")
    assert policy.cases_visible_to(personas["ppt"]).filter(pk=ctx.case.pk).exists()
    assert not policy.cases_visible_to(personas["helsesykepleier"]).filter(pk=ctx.case.pk).exists()
    assert search_cases(personas["ppt"], "Emma")[0]
    assert not search_cases(personas["helsesykepleier"], "Emma")[0]


def test_it_stops_sharing_on_the_next_request_after_withdrawal(personas, login):
    ctx = case_in_state(personas, "valid")
    client = login(personas["ppt"])
    url = reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk})
    assert client.get(url).status_code == 200
    services.consent_withdraw(
        actor=personas["barnehagelaerer"], case_id=ctx.case.pk, consent_id=ctx.consent.pk, withdrawn_by_name="Marit"
    )
    assert client.get(url).status_code == 404


def test_it_stops_sharing_when_the_consent_expires_without_a_job(personas, login, monkeypatch):
    ctx = case_in_state(personas, "valid")
    client = login(personas["ppt"])
    url = reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk})
    assert client.get(url).status_code == 200
    later = timezone.localdate() + timedelta(days=366)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: later)
    assert client.get(url).status_code == 404


def test_it_withdraws_one_category_and_then_refuses_to_withdraw_twice(personas):
    ctx = case_in_state(personas, "valid")
    kwargs = {"actor": personas["barnehagelaerer"], "case_id": ctx.case.pk, "consent_id": ctx.consent.pk}
    assert services.consent_withdraw(**kwargs, withdrawn_by_name="Marit", category_code="plan_tiltak") == 1
    assert policy.readable_categories(personas["ppt"], ctx.case) == frozenset({"stafettlogg"})
    assert services.consent_withdraw(**kwargs, withdrawn_by_name="Marit") == 1
    with pytest.raises(ValidationError) as exc:
        services.consent_withdraw(**kwargs, withdrawn_by_name="Marit")
    assert "allerede trukket" in str(exc.value)
    assert not Involvement.objects.filter(case=ctx.case, unit=unit("PPT Eksempel"), ended_at__isnull=True).exists()


def test_it_hides_entries_outside_the_consented_categories(personas, login):
    ctx = case_in_state(personas, "other_category")
    body = login(personas["ppt"]).get(reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk})).content.decode()
    assert SECRET_NOTE not in body
    assert "Skjult" in body
    api = login(personas["ppt"]).get(reverse("api-samtykke-logg", kwargs={"case_id": ctx.case.pk})).json()
    assert all(item["hidden"] for item in api["results"])
    assert SECRET_NOTE not in str(api)
    entries = login(personas["ppt"]).get(reverse("api-case-entries", kwargs={"case_id": ctx.case.pk})).json()
    hidden = [item for item in entries["results"] if item["hidden"]]
    assert hidden and all(
        item["id"] is None and set(item) == {"id", "created_at", "category", "hidden"} for item in hidden
    )
    assert SECRET_NOTE not in str(entries)
    case_page = login(personas["ppt"]).get(reverse("cases:case_detail", kwargs={"case_id": ctx.case.pk}))
    assert SECRET_NOTE not in case_page.content.decode() and "Skjult" in case_page.content.decode()
    own = login(personas["barnehagelaerer"]).get(reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk}))
    assert SECRET_NOTE in own.content.decode()


def test_it_maps_entry_categories_from_data_before_kind(personas):
    ctx = case_in_state(personas, "valid")
    entries = Entry.objects.filter(case=ctx.case)
    readable = selectors.filter_timeline(personas["ppt"], ctx.case, entries)
    assert rows_with(readable, "text", equals=SECRET_NOTE)  # sealed: compared opened, in Python
    assert not readable.filter(data__kategori="barnevern").exists()
    own = selectors.filter_timeline(personas["barnehagelaerer"], ctx.case, entries)
    assert own.count() == entries.count()


# --- Legal basis and barnevern discretion ----------------------------------------------------


def test_it_gives_barnevern_access_on_opplysningsplikt_without_consent(personas):
    ctx = case_in_state(personas, "barnevern")
    worker = barnevern_user(personas)
    assert policy.cases_visible_to(worker).filter(pk=ctx.case.pk).exists()
    inv = Involvement.objects.get(case=ctx.case, basis=LegalBasis.OPPLYSNINGSPLIKT)
    assert inv.law == "bhl_46" and inv.condition == "mishandling"


def test_it_refuses_a_melding_without_law_or_condition(personas):
    case, _g = identified_case(personas)
    with pytest.raises(ValidationError) as exc:
        services.melding_barnevern(
            actor=personas["barnehagelaerer"],
            case_id=case.pk,
            law="",
            condition="x",
            description="",
            violence_or_abuse=False,
        )
    assert {"law", "condition"} <= set(exc.value.message_dict)


def test_it_refuses_involvement_without_basis(personas):
    case, _g = identified_case(personas)
    with pytest.raises(ValidationError) as exc:
        services.involvement_add(
            actor=personas["barnehagelaerer"], case_id=case.pk, unit_id=unit("PPT Eksempel").pk, basis="samtykke"
        )
    assert "basis" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.involvement_add(
            actor=personas["barnehagelaerer"], case_id=case.pk, unit_id=unit("PPT Eksempel").pk, basis="annet"
        )


def test_it_never_reveals_barnevern_involvement_to_a_consented_service(personas, login):
    ctx = case_in_state(personas, "barnevern")
    give_consent(personas, ctx.case, ctx.guardian)
    client = login(personas["ppt"])
    page = client.get(reverse("samtykke", kwargs={"case_id": ctx.case.pk})).content.decode()
    log = client.get(reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk})).content.decode()
    api = str(client.get(reverse("api-samtykke-logg", kwargs={"case_id": ctx.case.pk})).json())
    entries = str(client.get(reverse("api-case-entries", kwargs={"case_id": ctx.case.pk})).json())
    case_page = client.get(reverse("cases:case_detail", kwargs={"case_id": ctx.case.pk})).content.decode()
    for body in (page, log, api, entries, case_page):
        assert "Barneverntjenesten" not in body
        assert "barnevern" not in body.lower().replace("melding til barnevernet", "")
    own = login(personas["barnehagelaerer"]).get(reverse("samtykke", kwargs={"case_id": ctx.case.pk}))
    assert "Barneverntjenesten" in own.content.decode()


def test_it_hides_a_violence_melding_from_the_family_innsyn(personas):
    ctx = case_in_state(personas, "barnevern")
    record_access(user=barnevern_user(personas), obj_type="stafettlogg", obj_id=ctx.case.pk, case=ctx.case)
    package = selectors.innsyn_package(ctx.case)
    assert not any("barnevern" in e["text"].lower() for e in package["entries"])
    assert not any(r["unit"] == "Barneverntjenesten" for r in package["reads"])


# --- Anonym drøfting -------------------------------------------------------------------------


def test_it_deidentifies_the_drofting_summary_and_warns_on_rare_combinations(personas, login):
    case, _g = identified_case(personas)
    drofting = services.drofting_prepare(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        with_unit_id=unit("PPT Eksempel").pk,
        text="Emma Eksempel, f. 15.01.2017, fnr 01010750160, bor i Storgata 1 med mor Marit. Emma har en sjelden diagnose.",
    )
    for leak in ("Emma", "Eksempel", "Marit", "01010750160", "15.01.2017", "Storgata 1"):
        assert leak not in drofting.summary
    assert drofting.age_years == 9 and drofting.gender == "jente"
    assert any("sjeldne" in w for w in drofting.warnings)
    assert any("alder og kjønn" in w for w in drofting.warnings)
    ppt = login(personas["ppt"]).get(reverse("drofting-les", kwargs={"drofting_id": drofting.pk}))
    assert ppt.status_code == 200
    assert f"/saker/{case.pk}/" not in ppt.content.decode()
    other = login(personas["helsesykepleier"]).get(reverse("drofting-les", kwargs={"drofting_id": drofting.pk}))
    assert other.status_code == 404
    assert Entry.objects.filter(case=case, data__hendelse="anonym_drofting").exists()


# --- Innsynslogg -------------------------------------------------------------------------------


def test_it_logs_every_read_in_the_same_request_with_unit_and_role(personas, login):
    ctx = case_in_state(personas, "valid")
    before = AccessLogEntry.objects.count()
    login(personas["ppt"]).get(reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk}))
    row = AccessLogEntry.objects.latest("pk")
    assert AccessLogEntry.objects.count() == before + 1
    assert row.unit is not None
    assert (row.user_id, row.unit.name, row.role, row.how, row.case_id, row.child_id) == (
        personas["ppt"].pk,
        "PPT Eksempel",
        "ansatt",
        "page",
        ctx.case.pk,
        ctx.case.child_id,
    )


def test_it_does_not_log_a_denied_read(personas, login):
    ctx = case_in_state(personas, "none")
    before = AccessLogEntry.objects.count()
    assert (
        login(personas["ppt"]).get(reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk})).status_code == 404
    )
    assert AccessLogEntry.objects.count() == before


def test_it_refuses_update_and_delete_of_the_access_log_in_the_database(personas):
    ctx = case_in_state(personas, "valid")
    record_access(user=personas["ppt"], obj_type="sak", obj_id=ctx.case.pk, case=ctx.case)
    pk = AccessLogEntry.objects.latest("pk").pk
    for sql in (
        "UPDATE bti_accesslogentry SET reason = 'x' WHERE id = %s",
        "DELETE FROM bti_accesslogentry WHERE id = %s",
    ):
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [pk])
    assert AccessLogEntry.objects.filter(pk=pk).exists()


def test_it_builds_the_innsyn_package_as_json_and_pdf_for_the_case_people_only(personas, login):
    from io import BytesIO

    from pypdf import PdfReader

    ctx = case_in_state(personas, "valid")
    login(personas["ppt"]).get(reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk}))
    client = login(personas["barnehagelaerer"])
    data = client.get(reverse("innsyn-json", kwargs={"case_id": ctx.case.pk})).json()
    assert any(r["name"] == "Per Dahl" and r["unit"] == "PPT Eksempel" for r in data["reads"])
    assert data["consents"][0]["history"]
    pdf = client.get(reverse("innsyn-pdf", kwargs={"case_id": ctx.case.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "Per Dahl" in text and "PPT Eksempel" in text
    assert login(personas["ppt"]).get(reverse("innsyn-pdf", kwargs={"case_id": ctx.case.pk})).status_code == 404


# --- Leader review -----------------------------------------------------------------------------


def test_it_shows_the_leader_reads_from_outside_the_unit_and_unusual_volumes(personas, login, settings):
    settings.ACCESS_REVIEW_DAILY_CASES = 1
    ctx = case_in_state(personas, "valid")
    login(personas["ppt"]).get(reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk}))
    login(personas["barnehagelaerer"]).get(reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk}))
    data = selectors.review_for_leader(personas["styrer"])
    assert [e.user_id for e in data["outside"]] == [personas["ppt"].pk]
    assert {v["user_id"] for v in data["volumes"]} >= {personas["ppt"].pk}
    entry = data["outside"][0]
    response = login(personas["styrer"]).post(reverse("tilgangskontroll-merk", kwargs={"entry_id": entry.pk}))
    assert response.status_code == 302
    assert AccessReview.objects.filter(entry=entry).exists()
    assert selectors.review_for_leader(personas["barnehagelaerer"])["outside"] == []
    response = login(personas["rektor"]).post(reverse("tilgangskontroll-merk", kwargs={"entry_id": entry.pk}))
    assert response.status_code == 404


# --- htmx and query counts -------------------------------------------------------------------------


def test_it_serves_the_timeline_partial_to_htmx_and_the_full_page_otherwise(personas, login):
    ctx = case_in_state(personas, "valid")
    client = login(personas["barnehagelaerer"])
    url = reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk})
    full = client.get(url).content.decode()
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1" in full and "<h1" not in partial
    assert SECRET_NOTE in partial


def test_it_serves_search_results_as_a_partial_to_htmx(personas, login):
    ctx = case_in_state(personas, "valid")
    client = login(personas["ppt"])
    partial = client.post(reverse("search"), {"q": "Emma"}, HTTP_HX_REQUEST="true").content.decode()
    assert f"/saker/{ctx.case.pk}/" in partial and "<h1" not in partial


def _timeline_queries(personas, login, django_assert_max_num_queries, extra_notes):
    from stafettlogg import services as log_services

    ctx = case_in_state(personas, "valid")
    for i in range(extra_notes):
        log_services.note_add(actor=personas["barnehagelaerer"], case_id=ctx.case.pk, kind="notat", text=f"n{i}")
    client = login(personas["ppt"])
    url = reverse("stafettlogg:timeline", kwargs={"case_id": ctx.case.pk})
    client.get(url)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx_q:
        assert client.get(url).status_code == 200
    return len(ctx_q.captured_queries)


def test_it_reads_the_timeline_in_a_fixed_number_of_queries(personas, login, django_assert_max_num_queries):
    one = _timeline_queries(personas, login, django_assert_max_num_queries, 0)
    many = _timeline_queries(personas, login, django_assert_max_num_queries, 50)
    assert one == many


def test_it_has_default_categories_and_lets_a_kommune_rename_one(personas):
    from consent.models import InformationCategory

    kommune = Kommune.objects.get(number="9901")
    codes = [c.code for c in services.categories_for(kommune.pk)]
    assert codes[:4] == ["stafettlogg", "plan_tiltak", "kartlegging", "helseopplysninger"]
    InformationCategory.objects.create(kommune=kommune, code="kartlegging", name="Kartlegging og tester", sort=3)
    names = [c.name for c in services.categories_for(kommune.pk)]
    assert "Kartlegging og tester" in names and "Kartlegging" not in names


# --- Forged ids, the API, renewal -----------------------------------------------------------


def test_it_answers_forged_ids_with_404_or_a_message_never_500(personas, login):
    ctx = case_in_state(personas, "valid")
    other = case_in_state(personas, "valid")
    client = login(personas["barnehagelaerer"])
    assert client.get("/saker/99999999/samtykke/").status_code == 404
    wrong_case = reverse("samtykke-trekk", kwargs={"case_id": ctx.case.pk, "consent_id": other.consent.pk})
    assert client.get(wrong_case).status_code == 404
    assert client.get(reverse("drofting-les", kwargs={"drofting_id": 99999999})).status_code == 404
    api = reverse("api-samtykke-trekk", kwargs={"case_id": ctx.case.pk, "consent_id": ctx.consent.pk})
    response = client.post(api, {"withdrawn_by_name": "Marit", "unit_id": 99999999}, content_type="application/json")
    assert response.status_code == 400
    form = client.post(
        reverse("samtykke", kwargs={"case_id": ctx.case.pk}),
        {"decision": "given", "units": ["99999999"], "categories": ["finnes-ikke"], "informed": "on"},
    )
    assert form.status_code == 400
    assert "Velg" in form.content.decode()


def test_it_registers_and_withdraws_through_the_api(personas, login):
    case, guardian = identified_case(personas)
    client = login(personas["barnehagelaerer"])
    today = timezone.localdate()
    url = reverse("api-samtykker", kwargs={"case_id": case.pk})
    body = {
        "decision": "given",
        "guardian_ids": [guardian.pk],
        "unit_ids": [unit("PPT Eksempel").pk],
        "category_codes": ["stafettlogg"],
        "purpose": "Vurdering",
        "form": "digital",
        "child_view": "Ja",
        "valid_from": str(today),
        "valid_until": str(today - timedelta(days=1)),
    }
    bad = client.post(url, body, content_type="application/json")
    assert bad.status_code == 400 and "valid_until" in bad.json()
    body["valid_until"] = str(today + timedelta(days=10))
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["status"] == "gyldig"
    assert login(personas["ppt"]).get(url).status_code == 200
    withdraw = reverse("api-samtykke-trekk", kwargs={"case_id": case.pk, "consent_id": created.json()["id"]})
    client = login(personas["barnehagelaerer"])
    assert client.post(withdraw, {"withdrawn_by_name": "Marit"}, content_type="application/json").json() == {
        "withdrawn_scopes": 1
    }
    assert login(personas["ppt"]).get(url).status_code == 404


def test_it_renews_a_consent_with_the_old_scope_prefilled_and_warns_before_expiry(personas, login):
    ctx = case_in_state(personas, "valid")
    short = give_consent(
        personas,
        ctx.case,
        ctx.guardian,
        unit_name="Helsestasjonen",
        valid_until=timezone.localdate() + timedelta(days=5),
    )
    client = login(personas["barnehagelaerer"])
    page = client.get(reverse("samtykke", kwargs={"case_id": ctx.case.pk}) + f"?forny={short.pk}")
    body = page.content.decode()
    assert "utløper" in body
    assert f'name="renews" value="{short.pk}"' in body
    renewed = services.consent_register(
        actor=personas["barnehagelaerer"],
        case_id=ctx.case.pk,
        decision="given",
        guardian_ids=[ctx.guardian.pk],
        by_young_person=False,
        unit_ids=[unit("Helsestasjonen").pk],
        category_codes=["stafettlogg"],
        purpose="Fornyet",
        form="written",
        child_view="Ja",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=365),
        renews_id=short.pk,
    )
    assert renewed.renews_id == short.pk
    assert ConsentEvent.objects.filter(consent=short, kind="renewed").exists()


def test_it_reads_the_review_page_in_a_fixed_number_of_queries(personas, login):
    from django.test.utils import CaptureQueriesContext

    ctx = case_in_state(personas, "valid")
    client = login(personas["styrer"])
    url = reverse("tilgangskontroll")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as q:
            assert client.get(url).status_code == 200
        return len(q.captured_queries)

    record_access(user=personas["ppt"], obj_type="stafettlogg", obj_id=ctx.case.pk, case=ctx.case)
    one = count()
    for _ in range(49):
        record_access(user=personas["ppt"], obj_type="stafettlogg", obj_id=ctx.case.pk, case=ctx.case)
    assert count() == one


def test_it_hides_a_consent_to_barnevern_from_other_consented_services(personas, login):
    ctx = case_in_state(personas, "valid")
    give_consent(personas, ctx.case, ctx.guardian, unit_name="Barneverntjenesten")
    client = login(personas["ppt"])
    for name in ("samtykke", "stafettlogg:timeline", "api-samtykker", "api-samtykke-logg"):
        body = client.get(reverse(name, kwargs={"case_id": ctx.case.pk})).content.decode()
        assert "Barneverntjenesten" not in body, name
        assert "PPT Eksempel" in body or name.endswith("logg"), name
    own = login(personas["barnehagelaerer"]).get(reverse("samtykke", kwargs={"case_id": ctx.case.pk}))
    assert "Barneverntjenesten" in own.content.decode()


def test_it_sends_a_melding_and_prepares_a_drofting_through_the_api(personas, login):
    case, _g = identified_case(personas)
    client = login(personas["barnehagelaerer"])
    melding = reverse("api-melding-barnevern", kwargs={"case_id": case.pk})
    assert client.post(melding, {"law": "x", "condition": "y"}, content_type="application/json").status_code == 400
    ok = client.post(melding, {"law": "bhl_46", "condition": "atferd"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["basis"] == "opplysningsplikt"
    drofting = client.post(
        reverse("api-anonym-drofting", kwargs={"case_id": case.pk}),
        {"with_unit_id": unit("PPT Eksempel").pk, "text": "Emma Eksempel strever."},
        content_type="application/json",
    )
    assert drofting.status_code == 201 and "Emma" not in drofting.json()["summary"]
    read = reverse("api-drofting", kwargs={"drofting_id": drofting.json()["id"]})
    assert login(personas["ppt"]).get(read).json()["summary"] == drofting.json()["summary"]
    assert login(personas["helsesykepleier"]).get(read).status_code == 404
