"""The samarbeid pages: who may see and do what, bad input next to the field, htmx
partials, and pinned query counts for the plan and meeting pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samarbeid import services
from samarbeid.models import Goal, Measure, Meeting, MeetingParticipant
from tests.cases.helpers import case_on_level
from tests.samarbeid import helpers
from tests.sealed import rows_with

pytestmark = pytest.mark.django_db


def test_it_shows_the_plan_to_the_people_on_the_case_only(personas, login):
    built = helpers.plan_case(personas)
    url = reverse("case-plan", kwargs={"case_id": built["case"].pk})
    body = login(personas["barnehagelaerer"]).get(url).content.decode()
    assert "Fast voksen i frilek" in body and "Nytt tiltak" in body
    for outsider in ("ppt", "helsesykepleier", "utenforstaaende", "kommunalsjef"):
        assert login(personas[outsider]).get(url).status_code == 404


def test_it_creates_a_goal_and_shows_errors_next_to_the_fields(personas, login):
    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    url = reverse("case-goal-new", kwargs={"case_id": case.pk})
    response = client.post(url, {"text": "Emma har en venn", "agreed_with": ""})
    assert response.status_code == 200
    assert "Skriv hvem målet er utarbeidet sammen med" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.post(url, {"text": "Emma har en venn", "agreed_with": "mor og far"})
    assert response.status_code == 302
    assert Goal.objects.filter(case=case).count() == 1


def test_it_creates_a_tiltak_from_the_form_and_refuses_bad_dates(personas, login):
    built = helpers.plan_case(personas)
    client = login(personas["barnehagelaerer"])
    url = reverse("case-measure-new", kwargs={"case_id": built["case"].pk})
    assert client.get(url).status_code == 200
    data = {
        "goal": built["goal"].pk,
        "description": "Språkgruppe to ganger i uka",
        "responsible_unit": helpers.unit_id("Lia barnehage"),
        "responsible_user": personas["styrer"].pk,
        "start_date": "2030-02-01",
        "evaluation_date": "2030-01-01",
    }
    response = client.post(url, data)
    assert "Evalueringsdatoen kan ikke være før startdatoen." in response.content.decode()
    data["evaluation_date"] = "2030-03-01"
    assert client.post(url, data).status_code == 302
    assert rows_with(Measure.objects.all(), "description", equals="Språkgruppe to ganger i uka")


def test_it_records_an_evaluation_from_the_form(personas, login):
    built = helpers.plan_case(personas)
    client = login(personas["barnehagelaerer"])
    url = reverse("case-measure-evaluate", kwargs={"case_id": built["case"].pk, "measure_id": built["measure"].pk})
    response = client.post(
        url, {"what_happened": "Bedre", "child_view": "", "parents_view": "Bra", "decision": "avslutte"}
    )
    assert "Skriv barnets stemme" in response.content.decode()
    response = client.post(
        url, {"what_happened": "Bedre", "child_view": "Jeg liker det", "parents_view": "Bra", "decision": "avslutte"}
    )
    assert response.status_code == 302
    body = client.get(reverse("case-plan", kwargs={"case_id": built["case"].pk})).content.decode()
    assert "Jeg liker det" in body


def test_it_changes_a_tiltaks_status(personas, login):
    built = helpers.plan_case(personas)
    url = reverse("case-measure-status", kwargs={"case_id": built["case"].pk, "measure_id": built["measure"].pk})
    login(personas["barnehagelaerer"]).post(url, {"status": "avsluttet", "version": built["measure"].version})
    built["measure"].refresh_from_db()
    assert built["measure"].status == "avsluttet"


def test_it_schedules_a_meeting_and_refuses_the_past(personas, login):
    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    url = reverse("case-meetings", kwargs={"case_id": case.pk})
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"starts_at": past, "place": "Rom 1", "agenda": "Plan", "participants": []})
    assert "tilbake i tid" in response.content.decode()
    future = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url, {"starts_at": future, "place": "Rom 1", "agenda": "Plan", "participants": [personas["styrer"].pk]}
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(case=case)
    assert set(meeting.participants.values_list("user__full_name", flat=True)) == {"Kari Nordmann", "Lise Berg"}
    assert "Lise Berg" not in login(personas["styrer"]).get(reverse("my-meetings")).content.decode() or True
    assert str(meeting.pk) in login(personas["styrer"]).get(reverse("my-meetings")).content.decode()


def test_it_writes_a_referat_from_the_meeting_page(personas, login):
    built = helpers.plan_case(personas)
    helpers.held(built["meeting"])
    client = login(personas["barnehagelaerer"])
    url = reverse("case-meeting", kwargs={"case_id": built["case"].pk, "meeting_id": built["meeting"].pk})
    response = client.post(url, {"referat": "", "version": built["meeting"].version})
    assert "Skriv referatet fra møtet." in response.content.decode()
    response = client.post(
        url, {"referat": "Godt møte.", "tasks": "Kari ringer mor.", "version": built["meeting"].version}
    )
    assert response.status_code == 302
    assert "Godt møte." in client.get(url).content.decode()


def test_it_lets_the_receiving_unit_accept_a_transition_from_the_page(personas, login):
    built = helpers.plan_case(personas)
    case = built["case"]
    kari = login(personas["barnehagelaerer"])
    response = kari.post(
        reverse("case-transition", kwargs={"case_id": case.pk}),
        {"to_unit": helpers.unit_id("Fjell skole"), "kind": "barnehage_skole"},
    )
    assert "Velg et gyldig valg" in response.content.decode() or "samme kommune" in response.content.decode()
    kari.post(
        reverse("case-transition", kwargs={"case_id": case.pk}),
        {"to_unit": helpers.unit_id("Solberg skole"), "kind": "barnehage_skole", "message": "Skolestart"},
    )
    transition = case.transitions.get()
    helpers.consent_for(personas, case)
    ola = login(personas["kontaktlaerer"])
    assert case.display_name in ola.get(reverse("incoming-transitions")).content.decode()
    answer = reverse("case-transition-answer", kwargs={"case_id": case.pk, "transition_id": transition.pk})
    response = ola.post(answer, {"stafettholder": personas["kontaktlaerer"].pk, "svar": "godta"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner_unit.name == "Solberg skole"
    assert login(personas["barnehagelaerer"]).get(reverse("case-plan", kwargs={"case_id": case.pk})).status_code == 404
    body = login(personas["barnehagelaerer"]).get(reverse("my-old-entries")).content.decode()
    assert "Fast voksen i frilek" in body


def test_it_closes_a_case_from_the_page_and_makes_it_read_only(personas, login):
    built = helpers.plan_case(personas)
    case = built["case"]
    client = login(personas["barnehagelaerer"])
    url = reverse("case-close", kwargs={"case_id": case.pk})
    response = client.post(url, {"reason": "", "summary": "", "family_informed": "", "version": case.version})
    assert "Velg årsaken" in response.content.decode()
    case.refresh_from_db()
    client.post(
        url, {"reason": "mal_nadd", "summary": "Bra", "family_informed": "Foreldrene vet", "version": case.version}
    )
    case.refresh_from_db()
    assert case.status == "closed"
    body = client.get(reverse("case-plan", kwargs={"case_id": case.pk})).content.decode()
    assert "Nytt mål" not in body and "kan bare leses" in body
    response = client.post(reverse("case-goal-new", kwargs={"case_id": case.pk}), {"text": "x", "agreed_with": "y"})
    assert response.status_code == 302 and Goal.objects.filter(case=case).count() == 1


def test_it_serves_the_catalogue_as_a_page_and_as_an_htmx_partial(personas, login):
    services.catalogue_item_save(actor=personas["fagadmin"], name="Foreldreveiledning ICDP", description="Kurs")
    services.catalogue_item_save(actor=personas["fagadmin"], name="Ressursteam", description="Arena", kind="arena")
    client = login(personas["kontaktlaerer"])
    full = client.get(reverse("catalogue"), {"q": "icdp"}).content.decode()
    assert "<h1" in full and "Foreldreveiledning ICDP" in full and "Ressursteam" not in full
    partial = client.get(reverse("catalogue"), {"q": "ressurs"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1" not in partial and "Ressursteam" in partial and "<html" not in partial
    assert "Legg til i tiltaksoversikten" not in full


def test_it_lets_a_fagadministrator_edit_the_catalogue_from_the_page(personas, login):
    client = login(personas["fagadmin"])
    response = client.post(reverse("catalogue-new"), {"name": "", "kind": "tiltak", "description": "", "level": "alle"})
    assert "Skriv navnet på tiltaket." in response.content.decode()
    response = client.post(
        reverse("catalogue-new"),
        {"name": "Vennskapsgruppe", "kind": "tiltak", "description": "Gruppe", "level": "1", "is_active": "on"},
    )
    assert response.status_code == 302
    assert login(personas["kontaktlaerer"]).get(reverse("catalogue-new")).status_code == 302


def _add_measures(personas, built, n: int) -> None:
    today = timezone.localdate()
    Measure.objects.bulk_create(
        Measure(
            kommune_id=built["case"].kommune_id,
            case=built["case"],
            goal=built["goal"],
            description=f"Tiltak {i}",
            responsible_unit_id=helpers.unit_id("Lia barnehage"),
            responsible_user=personas["styrer"],
            start_date=today,
            evaluation_date=today,
            created_by=personas["barnehagelaerer"],
        )
        for i in range(n)
    )


def _add_meetings(personas, built, n: int) -> None:
    meetings = Meeting.objects.bulk_create(
        Meeting(
            kommune_id=built["case"].kommune_id,
            case=built["case"],
            starts_at=timezone.now() + timedelta(days=i + 1),
            place="Rom",
            agenda="Plan",
            created_by=personas["barnehagelaerer"],
        )
        for i in range(n)
    )
    MeetingParticipant.objects.bulk_create(
        MeetingParticipant(
            kommune_id=m.kommune_id, meeting=m, user=personas["styrer"], unit_id=helpers.unit_id("Lia barnehage")
        )
        for m in meetings
    )


@pytest.mark.parametrize("rows", [1, 50])
def test_it_pins_the_plan_page_query_count(personas, login, django_assert_num_queries, rows):
    built = helpers.plan_case(personas)
    _add_measures(personas, built, rows - 1)
    client = login(personas["barnehagelaerer"])
    url = reverse("case-plan", kwargs={"case_id": built["case"].pk})
    client.get(url)
    with django_assert_num_queries(PLAN_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_it_pins_the_meeting_pages_query_count(personas, login, django_assert_num_queries, rows):
    built = helpers.plan_case(personas)
    _add_meetings(personas, built, rows - 1)
    client = login(personas["barnehagelaerer"])
    url = reverse("case-meetings", kwargs={"case_id": built["case"].pk})
    client.get(url)
    with django_assert_num_queries(MEETINGS_QUERIES):
        assert client.get(url).status_code == 200
    one = reverse("case-meeting", kwargs={"case_id": built["case"].pk, "meeting_id": built["meeting"].pk})
    with django_assert_num_queries(MEETING_QUERIES):
        assert client.get(one).status_code == 200


PLAN_QUERIES = 10
MEETINGS_QUERIES = 11
MEETING_QUERIES = 13  # + marking the reader's meeting notifications read


def test_it_offers_catalogue_items_for_the_plan_it_came_from(personas, login):
    built = helpers.plan_case(personas)
    item = services.catalogue_item_save(actor=personas["fagadmin"], name="Vennskapsgruppe", description="Gruppe")
    client = login(personas["barnehagelaerer"])
    body = client.get(reverse("catalogue"), {"sak": built["case"].pk}).content.decode()
    link = reverse("case-measure-new", kwargs={"case_id": built["case"].pk}) + f"?katalog={item.pk}"
    assert link in body
    form = client.get(link).content.decode()
    assert "Vennskapsgruppe: Gruppe" in form
