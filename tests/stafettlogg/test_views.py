"""Timeline, notes, corrections and the handover in the browser, as the personas."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from bti.models import Unit
from cases.models import Case
from stafettlogg import services as log_services
from stafettlogg.models import Entry, HandoverStatus, Stafettholder
from tests.cases.helpers import case_on_level, consent_for_unit, handover_to_school, undring
from tests.cases.test_views import HTMX, NO_ACCESS, body, errors_of, url

pytestmark = pytest.mark.django_db


def seqs(html: str) -> list[int]:
    return [int(s) for s in re.findall(r'<li class="log-entry[^"]*" id="logg-(\d+)"', html)]


def add_notes(personas, case: Case, n: int) -> None:
    for i in range(n):
        log_services.note_add(actor=personas["barnehagelaerer"], case_id=case.pk, kind="notat", text=f"Notat {i}")


# --- Timeline ---------------------------------------------------------------------------


def test_it_pages_the_timeline_newest_first_with_a_plain_link_and_htmx(personas, login):
    case = undring(personas)
    add_notes(personas, case, 59)  # 60 entries
    client = login(personas["barnehagelaerer"])
    # The case page shows the newest 20; «Vis eldre» goes on with pages of 50.
    html = body(client.get(url("cases:case_detail", case)))
    assert seqs(html) == list(range(60, 40, -1))
    assert f'href="{url("stafettlogg:timeline", case)}?for=41"' in html
    html = body(client.get(url("stafettlogg:timeline", case)))
    assert seqs(html) == list(range(60, 10, -1))
    older = url("stafettlogg:timeline", case) + "?for=11"
    assert f'href="{older}"' in html and f'hx-get="{older}"' in html
    full = body(client.get(older))
    assert "<html" in full and seqs(full) == list(range(10, 0, -1)) and "Vis eldre" not in full
    partial = body(client.get(older, **HTMX))
    assert "<html" not in partial and partial.lstrip().startswith("<li")
    assert seqs(partial) == list(range(10, 0, -1))


def test_it_filters_the_timeline_by_kind(personas, login):
    case = undring(personas)
    add_notes(personas, case, 2)
    client = login(personas["barnehagelaerer"])
    html = body(client.get(url("stafettlogg:timeline", case), {"type": "undring"}))
    assert seqs(html) == [1]
    assert '<option value="undring" selected>' in html
    partial = body(client.get(url("stafettlogg:timeline", case), {"type": "notat"}, **HTMX))
    assert seqs(partial) == [3, 2]
    # An unknown kind is ignored, not an error.
    assert seqs(body(client.get(url("stafettlogg:timeline", case), {"type": "tull", "for": "x"}))) == [3, 2, 1]


def test_it_refuses_the_timeline_to_everyone_outside_the_case(personas, login):
    case = undring(personas)
    for key in NO_ACCESS:
        assert login(personas[key]).get(url("stafettlogg:timeline", case)).status_code == 404, key
    assert login(personas["styrer"]).get(url("stafettlogg:timeline", case)).status_code == 200


# --- Notes and corrections ----------------------------------------------------------------


def test_it_adds_a_note_in_place_with_htmx_and_by_plain_post(personas, login):
    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    response = client.post(
        url("stafettlogg:note_add", case), {"version": case.version, "kind": "samtale_barn", "text": "Hun sa"}, **HTMX
    )
    assert response.status_code == 200 and response["HX-Retarget"] == "#sak"
    assert "Hun sa" in body(response)
    response = client.post(url("stafettlogg:note_add", case), {"version": case.version, "kind": "notat", "text": "B"})
    assert response.status_code == 302
    assert list(
        Entry.objects.filter(case=case, kind__in=["notat", "samtale_barn"])
        .order_by("seq")
        .values_list("text", flat=True)
    ) == [
        "Hun sa",
        "B",
    ]


def test_it_shows_note_errors_next_to_the_field(personas, login):
    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    response = client.post(url("stafettlogg:note_add", case), {"version": case.version, "kind": "notat", "text": ""})
    assert response.status_code == 400
    assert "Skriv hva som skal loggføres" in errors_of(body(response), "notat-text")
    partial = client.post(
        url("stafettlogg:note_add", case), {"version": case.version, "kind": "notat", "text": " "}, **HTMX
    )
    assert partial.status_code == 200 and 'id="form-notat"' in body(partial) and "<html" not in body(partial)


def test_it_refuses_notes_to_people_outside_the_case(personas, login):
    case = case_on_level(personas, 1)
    for key in NO_ACCESS:
        response = login(personas[key]).post(url("stafettlogg:note_add", case), {"kind": "notat", "text": "x"})
        assert response.status_code == 404, key
    assert not Entry.objects.filter(case=case, kind="notat").exists()


def test_it_corrects_an_entry_with_a_reason_and_links_both(personas, login):
    case = undring(personas)
    original = Entry.objects.get(case=case, seq=1)
    client = login(personas["barnehagelaerer"])
    path = reverse("stafettlogg:entry_correct", kwargs={"case_id": case.pk, "entry_id": original.pk})
    page = body(client.get(path))
    assert "Loggføring #1: Undring" in page and original.text in page
    response = client.post(path, {"version": case.version, "text": "Rettet tekst", "reason": ""})
    assert response.status_code == 400
    assert "hvorfor" in errors_of(body(response), "korriger-reason")
    assert "Rettet tekst" in body(response)
    response = client.post(path, {"version": case.version, "text": "Rettet tekst", "reason": "Feil dato"})
    assert response.status_code == 302
    correction = Entry.objects.get(case=case, kind="korrigering")
    assert correction.corrects_id == original.pk
    html = body(client.get(url("cases:case_detail", case)))
    assert "Korrigerer" in html and "loggføring #1" in html and "Feil dato" in html
    assert "korrigeringen i loggføring #2" in html
    Entry.objects.get(pk=original.pk)  # the original is untouched
    assert Entry.objects.get(pk=original.pk).text == original.text


def test_it_refuses_corrections_outside_the_case_and_of_other_cases_entries(personas, login):
    case = undring(personas)
    other = undring(personas, who="barnehagelaerer2", unit_name="Solsikken barnehage")
    foreign = Entry.objects.get(case=other, seq=1)
    path = reverse("stafettlogg:entry_correct", kwargs={"case_id": case.pk, "entry_id": foreign.pk})
    assert login(personas["barnehagelaerer"]).get(path).status_code == 404
    mine = Entry.objects.get(case=case, seq=1)
    path = reverse("stafettlogg:entry_correct", kwargs={"case_id": case.pk, "entry_id": mine.pk})
    for key in NO_ACCESS:
        assert login(personas[key]).post(path, {"text": "x", "reason": "y"}).status_code == 404, key


# --- Handover -----------------------------------------------------------------------------


def _to(personas, key: str, unit_name: str) -> str:
    return f"{personas[key].pk}:{Unit.objects.get(name=unit_name).pk}"


def test_it_proposes_accepts_and_logs_the_handover(personas, login):
    case = case_on_level(personas, 2)
    client = login(personas["barnehagelaerer"])
    html = body(client.get(url("cases:case_detail", case)))
    # The case page lists no staff (a kommune has thousands); its form loads when opened
    # (htmx GET of the action), and the search finds them.
    propose = url("stafettlogg:handover_propose", case)
    assert "Ola Hansen – Solberg skole" not in html and f'hx-get="{propose}"' in html
    form = body(client.get(propose, **HTMX))
    assert "<html" not in form and "Finn personen" in form and 'id="form-foresla"' in form
    hits = body(client.get(url("stafettlogg:handover_candidates", case), {"q": "ola hans"}))
    assert "Ola Hansen – Solberg skole" in hits and "Kari Nordmann" not in hits
    # Without JavaScript the «Søk» button reloads the form page with the same hits.
    page = body(client.get(url("stafettlogg:handover_propose", case), {"q": "Solberg"}))
    assert "Ola Hansen – Solberg skole" in page
    response = client.post(
        url("stafettlogg:handover_propose", case),
        {"version": case.version, "to": _to(personas, "kontaktlaerer", "Solberg skole"), "message": "Skolestart"},
    )
    assert response.status_code == 302
    # Until acceptance the old holder keeps the role.
    assert Stafettholder.objects.get(case=case, status=HandoverStatus.ACTIVE).user == personas["barnehagelaerer"]
    consent_for_unit(personas, case)
    case.refresh_from_db()
    school = login(personas["kontaktlaerer"])
    assert school.post(url("stafettlogg:handover_accept", case), {"version": case.version}).status_code == 302
    assert Stafettholder.objects.get(case=case, status=HandoverStatus.ACTIVE).user == personas["kontaktlaerer"]
    events = [e.data.get("event") for e in Entry.objects.filter(case=case, kind="stafettholder").order_by("seq")]
    assert events == ["started", "proposed", "accepted"]


def test_it_refuses_a_handover_proposal_to_others_than_holder_and_leader(personas, login):
    case = case_on_level(personas, 2)
    data = {"version": case.version, "to": _to(personas, "kontaktlaerer", "Solberg skole")}
    for key in ["barnehagelaerer2", "kontaktlaerer", "ppt", "utenforstaaende", "kommunalsjef"]:
        assert login(personas[key]).post(url("stafettlogg:handover_propose", case), data).status_code == 404, key
    # Niva 0: no stafettholder yet, nothing to hand over.
    niva0 = undring(personas)
    assert login(personas["barnehagelaerer"]).get(url("stafettlogg:handover_propose", niva0)).status_code == 404
    assert login(personas["styrer"]).post(url("stafettlogg:handover_propose", case), data).status_code == 302


def test_it_shows_handover_errors_next_to_the_field(personas, login):
    case = case_on_level(personas, 2)
    client = login(personas["barnehagelaerer"])
    response = client.post(url("stafettlogg:handover_propose", case), {"version": case.version, "to": ""})
    assert response.status_code == 400 and "Velg hvem" in errors_of(body(response), "foresla-to")
    response = client.post(
        url("stafettlogg:handover_propose", case),
        {"version": case.version, "to": _to(personas, "barnehagelaerer", "Lia barnehage"), "message": "Meg"},
    )
    assert response.status_code == 400 and "allerede stafettholder" in errors_of(body(response), "foresla-to")
    assert "Meg" in body(response)
    # The chosen person stays chosen next to the message, even without a search.
    assert re.search(r'<input type="radio" name="to" value="\d+:\d+"[^>]*checked', body(response))


def test_the_staff_search_needs_two_letters_and_shows_at_most_twenty(personas, login):
    from bti.models import Membership, User
    from cases import selectors

    case = case_on_level(personas, 2)
    school = Unit.objects.get(name="Solberg skole")
    for n in range(25):
        user = User.objects.create_user(
            email=f"laerer{n}@solberg.test", full_name=f"Lærer Nummer {n:02}", kommune_id=case.kommune_id
        )
        Membership.objects.create(kommune_id=case.kommune_id, user=user, unit=school, role="ansatt")
    assert selectors.staff_search(case.kommune_id, "L") == ([], False)
    rows, more = selectors.staff_search(case.kommune_id, "nummer")
    assert len(rows) == selectors.STAFF_SEARCH_LIMIT and more
    client = login(personas["barnehagelaerer"])
    hits = body(client.get(url("stafettlogg:handover_candidates", case), {"q": "nummer"}))
    assert "Viser de 20 første treffene" in hits and hits.count('type="radio"') == 20
    assert "Ingen ansatte" in body(client.get(url("stafettlogg:handover_candidates", case), {"q": "zzzz"}))
    # Other kommuners' staff are never hits.
    assert "Jon Fjell" not in body(client.get(url("stafettlogg:handover_candidates", case), {"q": "Fjell"}))


def test_it_refuses_to_accept_a_handover_not_offered(personas, login):
    case = case_on_level(personas, 2)
    log_services.handover_propose(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["kontaktlaerer"].pk
    )
    case.refresh_from_db()
    response = login(personas["styrer"]).post(url("stafettlogg:handover_accept", case), {"version": case.version})
    assert response.status_code == 400
    assert "ikke fått noe forslag" in body(response)
    for key in ("rektor", "barnehagelaerer2", "utenforstaaende"):
        assert login(personas[key]).post(url("stafettlogg:handover_accept", case), {}).status_code == 404, key
    assert Stafettholder.objects.get(case=case, status=HandoverStatus.ACTIVE).user == personas["barnehagelaerer"]


def test_it_declines_with_a_reason_and_the_decliner_loses_access(personas, login):
    case = case_on_level(personas, 2)
    log_services.handover_propose(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["kontaktlaerer"].pk
    )
    case.refresh_from_db()
    client = login(personas["kontaktlaerer"])
    response = client.post(url("stafettlogg:handover_decline", case), {"version": case.version, "reason": ""})
    assert response.status_code == 400
    assert "takker nei" in errors_of(body(response), "avsla-reason")
    response = client.post(
        url("stafettlogg:handover_decline", case), {"version": case.version, "reason": "Ikke min elev"}, **HTMX
    )
    assert response.status_code == 204, response.content.decode()[-3000:]
    assert response["HX-Redirect"] == reverse("cases:my_cases")
    assert client.get(url("cases:case_detail", case)).status_code == 404
    assert Stafettholder.objects.get(case=case, user=personas["kontaktlaerer"]).status == HandoverStatus.DECLINED


def test_it_withdraws_a_proposal(personas, login):
    case = case_on_level(personas, 2)
    log_services.handover_propose(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["kontaktlaerer"].pk
    )
    case.refresh_from_db()
    html = body(login(personas["barnehagelaerer"]).get(url("cases:case_detail", case)))
    assert "<summary>Trekk tilbake forslaget</summary>" in html
    assert "<summary>Foreslå ny stafettholder</summary>" not in html
    assert login(personas["barnehagelaerer2"]).post(url("stafettlogg:handover_withdraw", case), {}).status_code == 404
    response = login(personas["barnehagelaerer"]).post(
        url("stafettlogg:handover_withdraw", case), {"version": case.version}
    )
    assert response.status_code == 302
    assert not Stafettholder.objects.filter(case=case, status=HandoverStatus.PROPOSED).exists()


def test_it_lets_the_new_holder_coordinate_and_the_old_one_only_read_and_write(personas, login):
    case = handover_to_school(personas, case_on_level(personas, 2))
    html = body(login(personas["kontaktlaerer"]).get(url("cases:case_detail", case)))
    for title in ("Endre nivå", "Foreslå ny stafettholder", "Skriv i stafettloggen"):
        assert f"<summary>{title}</summary>" in html, title
    assert f'href="/saker/{case.pk}/avslutning/">Avslutt saken</a>' in html
    response = login(personas["barnehagelaerer"]).post(url("cases:level", case), {"to_level": 3, "reason": "x"})
    assert response.status_code == 404
