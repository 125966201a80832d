"""The case pages as the personas: who may, who may not, bad input, htmx and full branches."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, CaseStatus, Child, Guardian
from stafettlogg import services as log_services
from stafettlogg.models import Entry, HandoverStatus, Stafettholder
from tests.cases.helpers import VALID_FNR, case_on_level, consent_for_unit, handover_to_school, undring, unit

pytestmark = pytest.mark.django_db

NO_ACCESS = ["ppt", "helsesykepleier", "kommunalsjef", "utenforstaaende", "barnehagelaerer2", "kontaktlaerer"]
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, case: Case, **extra) -> str:
    return reverse(name, kwargs={"case_id": case.pk, **extra})


def body(response) -> str:
    return response.content.decode()


def errors_of(html: str, field_id: str) -> str:
    """The validation message rendered next to one field (by its id)."""
    match = re.search(rf'id="{re.escape(field_id)}_feil">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


# --- Ny undring --------------------------------------------------------------------------


def test_it_registers_an_anonymous_undring_and_redirects_to_the_case(personas, login):
    client = login(personas["barnehagelaerer"])
    page = client.get(reverse("cases:undring_new"))
    assert page.status_code == 200
    assert "ikke konklusjoner" in body(page)
    response = client.post(
        reverse("cases:undring_new"),
        {
            "unit": unit("Lia barnehage").pk,
            "source": "foreldreinitiativ",
            "observation": "Mor forteller at han ikke sover. Hva kan ligge bak?",
            "identity": "anonym",
            "anonymous_label": "E.H.",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("cases:case_detail", case)
    assert (case.anonymous_label, case.source, case.child_id) == ("E.H.", "foreldreinitiativ", None)
    page = body(client.get(response["Location"]))
    assert "Anonym: E.H." in page
    assert "Undringen er registrert" in page


def test_it_registers_an_identified_undring(personas, login):
    client = login(personas["barnehagelaerer"])
    client.post(
        reverse("cases:undring_new"),
        {
            "unit": unit("Lia barnehage").pk,
            "source": "ansatt",
            "observation": "Trist i lek.",
            "identity": "identifisert",
            "full_name": "Emma Eksempel",
            "fnr": VALID_FNR,
            "gender": "jente",
        },
    )
    case = Case.objects.get()
    assert case.child is not None and case.child.full_name == "Emma Eksempel"


def test_it_shows_undring_errors_next_to_the_field_and_keeps_the_text(personas, login):
    client = login(personas["barnehagelaerer"])
    data = {
        "unit": unit("Lia barnehage").pk,
        "source": "ansatt",
        "observation": "Det jeg skrev om Emma",
        "identity": "identifisert",
        "full_name": "Emma",
        "fnr": "01010750161",
    }
    response = client.post(reverse("cases:undring_new"), data)
    assert response.status_code == 400
    html = body(response)
    assert "ikke gyldig" in errors_of(html, "undring-fnr")
    assert "Det jeg skrev om Emma" in html
    assert 'aria-invalid="true"' in html
    assert not Case.objects.exists()
    # Anonymous without a label, and identified without a name.
    response = client.post(reverse("cases:undring_new"), {**data, "identity": "anonym", "anonymous_label": ""})
    assert "initialer" in errors_of(body(response), "undring-anonymous_label")
    response = client.post(reverse("cases:undring_new"), {**data, "full_name": "", "fnr": ""})
    assert "barnets navn" in errors_of(body(response), "undring-full_name")
    response = client.post(reverse("cases:undring_new"), {**data, "observation": ""})
    assert "Beskriv hva du har sett" in errors_of(body(response), "undring-observation")
    assert not Case.objects.exists()


def test_it_refuses_an_undring_in_another_unit(personas, login):
    client = login(personas["barnehagelaerer"])
    response = client.post(
        reverse("cases:undring_new"),
        {"unit": unit("Solberg skole").pk, "source": "ansatt", "observation": "x", "identity": "anonym"},
    )
    assert response.status_code == 400
    assert errors_of(body(response), "undring-unit")
    assert not Case.objects.exists()


def test_a_known_fnr_with_another_name_is_registered_like_any_other(personas, login):
    """Issue 20: the page used to answer «annet navn» (an fnr oracle). Now the case is
    made, linked to the same child, and shows only the name typed here."""
    undring(personas, anonymous=False)
    client = login(personas["barnehagelaerer2"])
    response = client.post(
        reverse("cases:undring_new"),
        {
            "unit": unit("Solsikken barnehage").pk,
            "source": "ansatt",
            "observation": "Observasjon",
            "identity": "identifisert",
            "full_name": "Gjettet Navn",
            "fnr": VALID_FNR,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Gjettet Navn" in body(response) and "Emma Eksempel" not in body(response)
    assert Child.objects.count() == 1 and Case.objects.count() == 2


def test_it_tells_people_without_a_unit_that_they_cannot_register(personas, login):
    for key in ("kommunalsjef", "sysadmin"):
        response = login(personas[key]).get(reverse("cases:undring_new"))
        assert response.status_code == 200
        assert "Du må være ansatt eller leder" in body(response)
        assert "<textarea" not in body(response)


# --- The case page -----------------------------------------------------------------------


def test_it_shows_the_case_to_the_owning_unit_and_404_to_everyone_else(personas, login):
    case = undring(personas)
    for key in ("barnehagelaerer", "styrer"):
        response = login(personas[key]).get(url("cases:case_detail", case))
        assert response.status_code == 200, key
        assert "Anonym: A.B." in body(response)
    for key in NO_ACCESS:
        response = login(personas[key]).get(url("cases:case_detail", case))
        assert response.status_code == 404, key
        assert "A.B." not in body(response)


def test_it_shows_the_header_level_deadline_and_niva_0_actions(personas, login):
    case = undring(personas)
    html = body(login(personas["barnehagelaerer"]).get(url("cases:case_detail", case)))
    assert 'data-level="0"' in html and "Nivå 0" in html
    assert "Frist for beslutning" in html
    assert "Ingen ennå" in html
    for title in ("Konkretisering", "Deling", "Identifiser barnet", "Beslutning på nivå 0", "Skriv i stafettloggen"):
        assert f"<summary>{title}</summary>" in html, title
    assert "Endre nivå" not in html and "Foreslå ny stafettholder" not in html


def test_it_warns_when_the_decision_deadline_is_passed(personas, login):
    case = undring(personas)
    Case.objects.filter(pk=case.pk).update(decision_deadline="2020-01-01")
    html = body(login(personas["barnehagelaerer"]).get(url("cases:case_detail", case)))
    assert "Fristen er passert" in html
    assert "Fristen for beslutning på nivå 0 gikk ut" in html


def test_it_shows_the_school_teacher_the_case_only_from_the_proposal_on(personas, login):
    case = case_on_level(personas, 2)
    client = login(personas["kontaktlaerer"])
    assert client.get(url("cases:case_detail", case)).status_code == 404
    log_services.handover_propose(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["kontaktlaerer"].pk
    )
    html = body(client.get(url("cases:case_detail", case)))
    assert "Du er foreslått som stafettholder" in html
    assert "Godta og bli stafettholder" in html
    assert "<summary>Endre nivå</summary>" not in html
    consent_for_unit(personas, case)
    response = client.post(url("stafettlogg:handover_accept", case), {"version": Case.objects.get().version})
    assert response.status_code == 302
    html = body(client.get(url("cases:case_detail", case)))
    assert "Ola Hansen (Solberg skole)" in html
    assert "<summary>Endre nivå</summary>" in html
    assert Stafettholder.objects.get(case=case, status=HandoverStatus.ACTIVE).user == personas["kontaktlaerer"]


def test_it_offers_only_reading_to_a_former_holder_in_another_unit(personas, login):
    case = handover_to_school(personas, case_on_level(personas, 2))
    html = body(login(personas["barnehagelaerer"]).get(url("cases:case_detail", case)))
    # Kari still belongs to the owning unit: she may write notes, not coordinate.
    assert "<summary>Skriv i stafettloggen</summary>" in html
    assert "<summary>Endre nivå</summary>" not in html
    assert "<summary>Foreslå ny stafettholder</summary>" not in html


def test_it_hides_a_protected_address_outside_the_owning_unit(personas, login):
    case = handover_to_school(personas, case_on_level(personas, 2))
    services.guardian_add(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        full_name="Mor Hemmelig",
        relation="mor",
        has_parental_responsibility=True,
        address="Skjultveien 1",
        phone="99999999",
        protected_address=True,
    )
    inside = body(login(personas["barnehagelaerer"]).get(url("cases:case_detail", case)))
    assert "Skjultveien 1" in inside and "99999999" in inside
    outside = body(login(personas["kontaktlaerer"]).get(url("cases:case_detail", case)))
    assert "Mor Hemmelig" in outside
    assert "Skjultveien 1" not in outside and "99999999" not in outside
    assert "vises bare for enheten som eier saken" in outside


def test_it_renders_the_case_body_alone_for_htmx(personas, login):
    case = undring(personas)
    client = login(personas["barnehagelaerer"])
    full = body(client.get(url("cases:case_detail", case)))
    partial = body(client.get(url("cases:case_detail", case), **HTMX))
    assert "<html" in full and "<html" not in partial
    assert partial.startswith('<div id="sak"')
    assert len(re.findall(r"<h1[\s>]", partial)) == 1


def test_it_records_one_access_per_case_page_and_timeline_page(personas, login, monkeypatch):
    from bti import innsyn

    calls = []
    monkeypatch.setattr(innsyn, "record_access", lambda **kw: calls.append(kw))
    case = undring(personas)
    client = login(personas["barnehagelaerer"])
    client.get(url("cases:case_detail", case))
    client.get(url("stafettlogg:timeline", case))
    assert [(c["obj_type"], c["obj_id"], c["how"]) for c in calls] == [("case", case.pk, "page")] * 2
    login(personas["ppt"]).get(url("cases:case_detail", case))
    assert len(calls) == 2


# --- Nivå 0 actions ----------------------------------------------------------------------


def test_it_records_sharing_and_refuses_it_to_outsiders(personas, login):
    case = undring(personas)
    data = {"version": case.version, "with_whom": ["leder", "anonym_drofting"], "other_service": "PPT", "text": "Ok"}
    for key in ("barnehagelaerer2", "kontaktlaerer", "utenforstaaende"):
        assert login(personas[key]).post(url("cases:sharing", case), data).status_code == 404
    response = login(personas["barnehagelaerer"]).post(url("cases:sharing", case), data)
    assert response.status_code == 302
    entry = Entry.objects.get(case=case, kind="deling")
    assert entry.data == {"with": ["leder", "anonym_drofting"], "other_service": "PPT"}
    html = body(login(personas["barnehagelaerer"]).get(url("cases:case_detail", case)))
    assert "Delt med: Leder, Anonym drøfting med annen tjeneste (PPT)" in html


def test_it_requires_a_service_for_anonymous_drofting(personas, login):
    case = undring(personas)
    response = login(personas["barnehagelaerer"]).post(
        url("cases:sharing", case), {"version": case.version, "with_whom": ["anonym_drofting"], "text": "Drøftet"}
    )
    assert response.status_code == 400
    assert "hvilken tjeneste" in errors_of(body(response), "deling-other_service")
    assert "Drøftet" in body(response)


def test_it_refuses_to_leave_niva_0_without_identity(personas, login):
    case = undring(personas)
    response = login(personas["barnehagelaerer"]).post(
        url("cases:decision", case), {"version": case.version, "decision": "2", "reason": "Min begrunnelse"}
    )
    assert response.status_code == 400
    html = body(response)
    assert "må identifiseres" in errors_of(html, "beslutning-decision")
    assert "Min begrunnelse" in html
    assert Case.objects.get().level == 0


def test_it_decides_niva_2_with_identity_in_one_form(personas, login):
    case = undring(personas)
    response = login(personas["barnehagelaerer"]).post(
        url("cases:decision", case),
        {
            "version": case.version,
            "decision": "2",
            "reason": "Samarbeid med skolen",
            "full_name": "Emil Hansen",
            "fnr": VALID_FNR,
            "stafettholder": personas["styrer"].pk,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.child is not None
    assert (case.level, case.child.full_name) == (2, "Emil Hansen")
    assert Stafettholder.objects.get(case=case, status="active").user == personas["styrer"]
    kinds = list(Entry.objects.filter(case=case).order_by("seq").values_list("kind", flat=True))
    assert kinds == ["undring", "identifisering", "beslutning", "stafettholder"]


def test_it_rolls_back_the_identity_when_the_decision_fails(personas, login):
    case = undring(personas)
    response = login(personas["barnehagelaerer"]).post(
        url("cases:decision", case),
        {"version": case.version, "decision": "2", "reason": "", "full_name": "Emil", "fnr": VALID_FNR},
    )
    assert response.status_code == 400
    assert "begrunnelse" in errors_of(body(response), "beslutning-reason")
    assert "Emil" in body(response)
    assert Case.objects.get().child_id is None and not Child.objects.exists()


def test_it_closes_niva_0_with_no_reason_to_go_on(personas, login):
    case = undring(personas)
    client = login(personas["barnehagelaerer"])
    response = client.post(
        url("cases:decision", case), {"version": case.version, "decision": "avslutt", "reason": "Ikke grunn"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.close_reason) == (CaseStatus.CLOSED, "Ikke grunn")
    html = body(client.get(url("cases:case_detail", case)))
    assert "<summary>Gjenåpne saken</summary>" in html
    assert "<summary>Beslutning på nivå 0</summary>" not in html


def test_it_identifies_the_child(personas, login):
    case = undring(personas)
    client = login(personas["barnehagelaerer"])
    bad = client.post(url("cases:identify", case), {"version": case.version, "full_name": "", "fnr": VALID_FNR})
    assert bad.status_code == 400 and "barnets navn" in errors_of(body(bad), "identifiser-full_name")
    assert login(personas["ppt"]).post(url("cases:identify", case), {"full_name": "X"}).status_code == 404
    client = login(personas["barnehagelaerer"])
    ok = client.post(url("cases:identify", case), {"version": case.version, "full_name": "Emma", "fnr": VALID_FNR})
    assert ok.status_code == 302
    child = Case.objects.get().child
    assert child is not None and child.full_name == "Emma"


# --- Nivå 1–3, closing, reopening ---------------------------------------------------------


def test_it_changes_level_along_the_table_only(personas, login):
    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    response = client.post(url("cases:level", case), {"version": case.version, "to_level": 3, "reason": "Mer"})
    assert response.status_code == 400
    assert "kan ikke gå fra nivå 1 til nivå 3" in errors_of(body(response), "niva-to_level")
    assert "Mer" in body(response)
    response = client.post(url("cases:level", case), {"version": case.version, "to_level": 2, "reason": ""})
    assert "begrunnelse" in errors_of(body(response), "niva-reason")
    response = client.post(url("cases:level", case), {"version": case.version, "to_level": 2, "reason": "Mer"})
    assert response.status_code == 302
    assert Case.objects.get().level == 2
    for key in ("kontaktlaerer", "barnehagelaerer2", "kommunalsjef", "utenforstaaende"):
        assert login(personas[key]).post(url("cases:level", case), {"to_level": 1, "reason": "x"}).status_code == 404


def test_it_refuses_a_stale_version_and_keeps_what_was_typed(personas, login):
    case = case_on_level(personas, 1)
    stale = case.version
    services.case_change_level(actor=personas["styrer"], case_id=case.pk, to_level=2, reason="Leder endret")
    client = login(personas["barnehagelaerer"])
    response = client.post(url("cases:close", case), {"version": stale, "reason": "Min lange begrunnelse"})
    assert response.status_code == 409
    html = body(response)
    assert "endret av noen andre" in html
    assert "Min lange begrunnelse" in html
    assert Case.objects.get().status == CaseStatus.OPEN
    current = Case.objects.get().version
    assert f'name="version" value="{current}"' in html
    # The htmx branch swaps the form in place (2xx), with the same message.
    response = client.post(url("cases:close", case), {"version": stale, "reason": "Igjen"}, **HTMX)
    assert response.status_code == 200
    assert 'id="form-avslutt"' in body(response) and "endret av noen andre" in body(response)
    assert "<html" not in body(response)


def test_it_closes_and_reopens_with_reasons(personas, login):
    case = case_on_level(personas, 2)
    client = login(personas["barnehagelaerer"])
    assert client.post(url("cases:close", case), {"version": case.version, "reason": ""}).status_code == 400
    assert (
        client.post(url("cases:close", case), {"version": case.version, "reason": "Tiltak virket"}).status_code == 302
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert login(personas["ppt"]).post(url("cases:reopen", case), {"reason": "x"}).status_code == 404
    client = login(personas["barnehagelaerer"])
    response = client.post(url("cases:reopen", case), {"version": case.version, "reason": "Ny bekymring"})
    assert response.status_code == 302
    assert Case.objects.get().status == CaseStatus.OPEN


def test_it_updates_the_case_in_place_for_htmx(personas, login):
    case = case_on_level(personas, 1)
    response = login(personas["barnehagelaerer"]).post(
        url("cases:level", case), {"version": case.version, "to_level": 2, "reason": "Mer samarbeid"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#sak"
    html = body(response)
    assert html.startswith('<div id="sak"') and "Nivå 2" in html
    assert 'hx-swap-oob="true"' in html and "Nivået er endret" in html


def test_it_shows_the_action_page_without_javascript(personas, login):
    case = case_on_level(personas, 1)
    response = login(personas["barnehagelaerer"]).get(url("cases:level", case))
    assert response.status_code == 200
    html = body(response)
    assert "<h1" in html and "Endre nivå" in html
    assert "hx-post" not in html


# --- Guardians -----------------------------------------------------------------------------


def test_it_adds_a_guardian(personas, login):
    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    bad = client.post(url("cases:guardian_add", case), {"version": case.version, "full_name": "Mor", "relation": ""})
    assert bad.status_code == 400 and "relasjonen" in errors_of(body(bad), "foresatt-relation")
    ok = client.post(
        url("cases:guardian_add", case),
        {"version": case.version, "full_name": "Mor", "relation": "mor", "has_parental_responsibility": "on"},
    )
    assert ok.status_code == 302
    assert Guardian.objects.get().has_parental_responsibility is True
    assert login(personas["helsesykepleier"]).post(url("cases:guardian_add", case), {}).status_code == 404


# --- Lists -------------------------------------------------------------------------------


def test_it_lists_my_cases_with_level_deadline_and_holder(personas, login):
    case = undring(personas)
    other = case_on_level(personas, 2, who="styrer")
    html = body(login(personas["barnehagelaerer"]).get(reverse("cases:my_cases")))
    assert url("cases:case_detail", case) in html
    assert url("cases:case_detail", other) not in html
    assert "Beslutning" in html and "Nivå 0" in html
    html = body(login(personas["styrer"]).get(reverse("cases:my_cases")))
    assert "Lise Berg (deg)" in html
    assert "Du har ingen åpne saker" in body(login(personas["ppt"]).get(reverse("cases:my_cases")))


def test_it_lists_the_units_cases_for_its_leader_only(personas, login):
    niva0 = undring(personas)
    niva2 = case_on_level(personas, 2)
    leader = login(personas["styrer"])
    html = body(leader.get(reverse("cases:unit_cases")))
    assert "Enhetens saker: Lia barnehage" in html
    assert url("cases:case_detail", niva0) in html and url("cases:case_detail", niva2) in html
    html = body(leader.get(reverse("cases:unit_cases"), {"niva": 2}))
    assert url("cases:case_detail", niva0) not in html and url("cases:case_detail", niva2) in html
    partial = body(leader.get(reverse("cases:unit_cases"), {"niva": 0}, **HTMX))
    assert partial.startswith('<div id="saksliste"') and url("cases:case_detail", niva0) in partial
    for key in ("barnehagelaerer", "rektor", "kommunalsjef"):
        html = body(login(personas[key]).get(reverse("cases:unit_cases")))
        assert url("cases:case_detail", niva0) not in html, key


def test_it_pages_the_units_cases_by_keyset(personas, login):
    import html as html_lib
    import re as re_lib

    cases = [undring(personas) for _ in range(53)]
    leader = login(personas["styrer"])
    page1 = body(leader.get(reverse("cases:unit_cases")))
    links = set(re_lib.findall(r'href="/saker/(\d+)/"', page1))
    assert len(links) == 50 and "Vis flere saker" in page1 and "Første side" not in page1
    found = re_lib.search(r'href="([^"]*etter=[^"]*)"', page1)
    assert found is not None
    next_url = html_lib.unescape(found.group(1))
    page2 = body(leader.get(next_url))
    rest = set(re_lib.findall(r'href="/saker/(\d+)/"', page2))
    assert rest.isdisjoint(links) and links | rest == {str(c.pk) for c in cases}
    assert "Vis flere saker" not in page2 and "Første side" in page2
    # A broken cursor is page one, never an error.
    for bad in ("x", "2026-01-01_x", "nope_12", "2026-01-01T00:00:00_5"):
        assert leader.get(reverse("cases:unit_cases"), {"etter": bad}).status_code == 200


def test_it_shows_the_case_links_in_the_navigation(personas, login):
    html = body(login(personas["styrer"]).get(reverse("home")))
    assert reverse("cases:my_cases") in html and reverse("cases:unit_cases") in html
    html = body(login(personas["barnehagelaerer"]).get(reverse("home")))
    assert reverse("cases:undring_new") in html and reverse("cases:unit_cases") not in html
    html = body(login(personas["kommunalsjef"]).get(reverse("home")))
    assert reverse("cases:my_cases") not in html


# --- Query counts (same with 1 and 50 rows) -----------------------------------------------


# Counts: session, user, the page's own queries, the navigation's membership lookup and the
# header's unread-notification count.
# A first request warms the session (force_login saves it once), so it is not counted.


def test_it_pins_the_query_count_of_mine_saker(personas, login, django_assert_num_queries):
    client = login(personas["barnehagelaerer"])
    undring(personas)
    client.get(reverse("home"))
    # 5 + the innsynslogg's one bulk INSERT of the cases shown (issue 13 item 6).
    with django_assert_num_queries(6):
        client.get(reverse("cases:my_cases"))
    for _ in range(49):
        undring(personas)
    with django_assert_num_queries(6):
        html = body(client.get(reverse("cases:my_cases")))
    assert html.count("level-badge__swatch") == 50


def test_it_pins_the_query_count_of_the_case_page(personas, login, django_assert_num_queries):
    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    client.get(reverse("home"))
    with django_assert_num_queries(10):
        client.get(url("cases:case_detail", case))
    for i in range(50):
        log_services.note_add(actor=personas["barnehagelaerer"], case_id=case.pk, kind="notat", text=f"Notat {i}")
    with django_assert_num_queries(10):
        html = body(client.get(url("cases:case_detail", case)))
    assert html.count('<li class="log-entry') == 20


def test_it_pins_the_query_count_of_the_timeline(personas, login, django_assert_num_queries):
    case = undring(personas)
    client = login(personas["barnehagelaerer"])
    client.get(reverse("home"))
    with django_assert_num_queries(8):
        client.get(url("stafettlogg:timeline", case))
    for i in range(55):
        log_services.note_add(actor=personas["barnehagelaerer"], case_id=case.pk, kind="notat", text=f"Notat {i}")
    with django_assert_num_queries(8):
        html = body(client.get(url("stafettlogg:timeline", case)))
    assert html.count('<li class="log-entry') == 50
    assert "Vis eldre" in html


def test_the_case_page_loads_each_action_form_when_it_is_opened(personas, login):
    case = undring(personas)
    client = login(personas["barnehagelaerer"])
    html = body(client.get(url("cases:case_detail", case)))
    note = reverse("stafettlogg:note_add", kwargs={"case_id": case.pk})
    # Each permitted action is a disclosure with a link (no JS) and an htmx GET on opening.
    assert f'hx-get="{note}?type=konkretisering"' in html and f'href="{note}?type=konkretisering"' in html
    assert 'name="text"' not in html
    partial = body(client.get(f"{note}?type=konkretisering", **HTMX))
    assert "<html" not in partial and 'id="form-konkretisering"' in partial and 'name="text"' in partial
    assert f'value="{case.version}"' in partial
    page = body(client.get(f"{note}?type=konkretisering"))
    assert "<h1" in page and "Konkretisering" in page
    # Nobody outside the case gets a form.
    assert login(personas["kontaktlaerer"]).get(f"{note}?type=konkretisering", **HTMX).status_code == 404
