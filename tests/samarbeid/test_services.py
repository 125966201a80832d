"""Plans, catalogue, meetings, transitions and closing through their service functions:
who may, who may not, what is logged, and the bad input of issue #4."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from bti import policy
from cases.models import CaseStatus
from samarbeid import selectors, services
from samarbeid.models import MeasureStatus, MeetingStatus, TransitionStatus
from stafettlogg.models import Entry, HandoverStatus, Stafettholder
from tests.cases.helpers import case_on_level, undring
from tests.samarbeid import helpers
from tests.sealed import rows_with

pytestmark = pytest.mark.django_db


def last_text(case) -> str:
    return Entry.objects.filter(case=case).order_by("-seq").first().text  # type: ignore[union-attr]


# --- Plan ---------------------------------------------------------------------------------


def test_it_builds_a_plan_with_goals_and_tiltak_and_logs_each_step(personas):
    built = helpers.plan_case(personas)
    case, measure = built["case"], built["measure"]
    assert measure.status == MeasureStatus.PAGAR
    assert measure.responsible_name == "Kari Nordmann"
    texts = list(Entry.objects.filter(case=case).values_list("text", flat=True))
    assert any("Nytt mål i planen" in t for t in texts)
    assert any("Fast voksen i frilek" in t for t in texts)
    goals = selectors.plan_goals(case)
    assert [m.pk for m in goals[0].measures.all()] == [measure.pk]


def test_it_refuses_an_evaluation_date_before_the_start(personas):
    built = helpers.plan_case(personas)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as err:
        services.measure_create(
            actor=personas["barnehagelaerer"],
            case_id=built["case"].pk,
            goal_id=built["goal"].pk,
            description="Ekstra støtte",
            responsible_unit_id=helpers.unit_id("Lia barnehage"),
            responsible_user_id=personas["barnehagelaerer"].pk,
            start_date=today,
            evaluation_date=today - timedelta(days=1),
        )
    assert "før startdatoen" in err.value.message_dict["evaluation_date"][0]


def test_it_refuses_a_tiltak_without_responsible(personas):
    built = helpers.plan_case(personas)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as err:
        services.measure_create(
            actor=personas["barnehagelaerer"],
            case_id=built["case"].pk,
            goal_id=built["goal"].pk,
            description="Ekstra støtte",
            responsible_unit_id=None,
            start_date=today,
            evaluation_date=today,
        )
    assert set(err.value.message_dict) >= {"responsible_unit", "responsible_user"}


def test_it_refuses_a_responsible_person_outside_the_responsible_unit(personas):
    built = helpers.plan_case(personas)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as err:
        services.measure_create(
            actor=personas["barnehagelaerer"],
            case_id=built["case"].pk,
            goal_id=built["goal"].pk,
            description="Samtaler",
            responsible_unit_id=helpers.unit_id("Lia barnehage"),
            responsible_user_id=personas["ppt"].pk,
            start_date=today,
            evaluation_date=today,
        )
    assert "responsible_user" in err.value.message_dict


def test_it_lets_parents_be_responsible_for_a_tiltak_at_home(personas):
    built = helpers.plan_case(personas)
    today = timezone.localdate()
    measure = services.measure_create(
        actor=personas["barnehagelaerer"],
        case_id=built["case"].pk,
        goal_id=built["goal"].pk,
        description="Lese godnatthistorie hver kveld",
        responsible_unit_id=helpers.unit_id("Lia barnehage"),
        responsible_other="Foreldrene",
        start_date=today,
        evaluation_date=today,
    )
    assert measure.responsible_name == "Foreldrene"


def test_it_keeps_the_plan_for_level_1_to_3_and_for_the_people_on_the_case(personas):
    case0 = undring(personas, anonymous=False)
    with pytest.raises(Http404):
        services.goal_create(actor=personas["barnehagelaerer"], case_id=case0.pk, text="Mål", agreed_with="mor")
    case = case_on_level(personas, 1)
    for outsider in ("ppt", "helsesykepleier", "utenforstaaende", "kommunalsjef", "fagadmin"):
        with pytest.raises(Http404):
            services.goal_create(actor=personas[outsider], case_id=case.pk, text="Mål", agreed_with="mor")
    assert services.goal_create(actor=personas["styrer"], case_id=case.pk, text="Mål", agreed_with="mor").pk


def test_it_records_an_evaluation_with_barnets_stemme(personas):
    built = helpers.plan_case(personas)
    evaluation = services.evaluation_record(
        actor=personas["barnehagelaerer"],
        case_id=built["case"].pk,
        measure_id=built["measure"].pk,
        what_happened="Emma leker mer med andre.",
        child_view="Emma sier at det er gøy i sandkassa nå.",
        parents_view="Foreldrene ser at hun gleder seg til barnehagen.",
        decision="fortsette",
        next_evaluation_date=timezone.localdate() + timedelta(days=30),
    )
    built["measure"].refresh_from_db()
    assert built["measure"].status == MeasureStatus.EVALUERT
    assert evaluation.child_view.startswith("Emma sier")
    assert "Barnets stemme: Emma sier at det er gøy" in last_text(built["case"])


def test_it_requires_barnets_stemme_and_a_next_date_when_continuing(personas):
    built = helpers.plan_case(personas)
    with pytest.raises(ValidationError) as err:
        services.evaluation_record(
            actor=personas["barnehagelaerer"],
            case_id=built["case"].pk,
            measure_id=built["measure"].pk,
            what_happened="Bra",
            child_view=" ",
            parents_view="Bra",
            decision="fortsette",
        )
    assert set(err.value.message_dict) == {"child_view", "next_evaluation_date"}


def test_it_ends_a_tiltak_when_the_evaluation_decides_so(personas):
    built = helpers.plan_case(personas)
    services.evaluation_record(
        actor=personas["barnehagelaerer"],
        case_id=built["case"].pk,
        measure_id=built["measure"].pk,
        what_happened="Målet er nådd.",
        child_view="Jeg har mange venner nå.",
        parents_view="Fornøyde.",
        decision="avslutte",
    )
    built["measure"].refresh_from_db()
    assert built["measure"].status == MeasureStatus.AVSLUTTET


# --- Catalogue ------------------------------------------------------------------------------


def test_it_lets_only_fagadministratorer_maintain_the_catalogue(personas):
    item = services.catalogue_item_save(
        actor=personas["fagadmin"], name="Foreldreveiledning ICDP", description="Kurs for foreldre", level="1"
    )
    assert item.kommune_id == personas["fagadmin"].kommune_id
    for who in ("barnehagelaerer", "styrer", "utenforstaaende"):
        with pytest.raises(ValidationError):
            services.catalogue_item_save(actor=personas[who], name="X", description="Y")
    with pytest.raises(ValidationError) as err:
        services.catalogue_item_save(actor=personas["fagadmin"], name="foreldreveiledning icdp", description="Y")
    assert "allerede" in err.value.message_dict["name"][0]


def test_it_lets_staff_search_their_own_kommunes_catalogue(personas):
    services.catalogue_item_save(actor=personas["fagadmin"], name="Foreldreveiledning ICDP", description="Kurs")
    services.catalogue_item_save(
        actor=personas["fagadmin"], name="Ressursteam", description="Samarbeidsarena", kind="arena"
    )
    assert [i.name for i in selectors.catalogue(personas["kontaktlaerer"], q="icdp")] == ["Foreldreveiledning ICDP"]
    assert len(selectors.catalogue(personas["kontaktlaerer"])) == 2
    assert list(selectors.catalogue(personas["utenforstaaende"])) == []


def test_it_picks_a_tiltak_from_the_catalogue(personas):
    built = helpers.plan_case(personas)
    item = services.catalogue_item_save(actor=personas["fagadmin"], name="Vennskapsgruppe", description="Gruppe")
    today = timezone.localdate()
    measure = services.measure_create(
        actor=personas["barnehagelaerer"],
        case_id=built["case"].pk,
        goal_id=built["goal"].pk,
        description="",
        catalogue_item_id=item.pk,
        responsible_unit_id=helpers.unit_id("Lia barnehage"),
        responsible_user_id=personas["barnehagelaerer"].pk,
        start_date=today,
        evaluation_date=today,
    )
    assert measure.catalogue_item_id == item.pk
    assert measure.description.startswith("Vennskapsgruppe")


# --- Meetings --------------------------------------------------------------------------------


def test_it_refuses_a_meeting_in_the_past(personas):
    case = case_on_level(personas, 1)
    with pytest.raises(ValidationError) as err:
        services.meeting_schedule(
            actor=personas["barnehagelaerer"],
            case_id=case.pk,
            starts_at=timezone.now() - timedelta(hours=1),
            place="Rom 1",
            agenda="Tiltak",
            participant_ids=[],
        )
    assert "tilbake i tid" in err.value.message_dict["starts_at"][0]


def test_it_refuses_participants_outside_the_involved_units(personas):
    case = case_on_level(personas, 1)
    with pytest.raises(ValidationError) as err:
        services.meeting_schedule(
            actor=personas["barnehagelaerer"],
            case_id=case.pk,
            starts_at=timezone.now() + timedelta(days=1),
            place="Rom 1",
            agenda="Tiltak",
            participant_ids=[personas["ppt"].pk, personas["styrer"].pk],
        )
    assert "Per Dahl" in err.value.message_dict["participants"][0]


def test_it_shows_a_meeting_in_the_participants_list_only(personas):
    built = helpers.plan_case(personas)
    assert [m.pk for m in selectors.my_meetings(personas["styrer"])] == [built["meeting"].pk]
    assert [m.pk for m in selectors.my_meetings(personas["barnehagelaerer"])] == [built["meeting"].pk]
    assert list(selectors.my_meetings(personas["kontaktlaerer"])) == []


def test_it_writes_the_referat_to_the_log_and_carries_out_decisions(personas):
    built = helpers.plan_case(personas)
    helpers.held(built["meeting"])
    case = built["case"]
    meeting = services.meeting_write_referat(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        meeting_id=built["meeting"].pk,
        referat="Vi gikk gjennom hvordan Emma har det.",
        decisions="Saken løftes til nivå 2 med PPT.",
        tasks="Kari kontakter PPT innen fredag.",
        new_level=2,
        level_reason="Møtet besluttet å involvere PPT.",
        end_measure_ids=[built["measure"].pk],
    )
    assert meeting.status == MeetingStatus.GJENNOMFORT
    entry = Entry.objects.get(pk=meeting.referat_entry_id)  # type: ignore[misc]
    assert "Vi gikk gjennom hvordan Emma har det." in entry.text
    assert "Kari kontakter PPT" in entry.text
    case.refresh_from_db()
    assert case.level == 2
    built["measure"].refresh_from_db()
    assert built["measure"].status == MeasureStatus.AVSLUTTET
    with pytest.raises(ValidationError):
        services.meeting_write_referat(
            actor=personas["barnehagelaerer"], case_id=case.pk, meeting_id=meeting.pk, referat="Igjen"
        )


def test_it_creates_a_tiltak_from_a_meeting_decision(personas):
    built = helpers.plan_case(personas)
    helpers.held(built["meeting"])
    today = timezone.localdate()
    services.meeting_write_referat(
        actor=personas["barnehagelaerer"],
        case_id=built["case"].pk,
        meeting_id=built["meeting"].pk,
        referat="Enige om nytt tiltak.",
        new_measure={
            "goal_id": built["goal"].pk,
            "description": "Samtale med helsesykepleier",
            "responsible_unit_id": helpers.unit_id("Lia barnehage"),
            "responsible_user_id": personas["styrer"].pk,
            "start_date": today,
            "evaluation_date": today + timedelta(days=14),
        },
    )
    assert rows_with(built["case"].measures.all(), "description", equals="Samtale med helsesykepleier")


# --- Transitions ---------------------------------------------------------------------------


def test_it_refuses_a_transition_to_a_unit_in_another_kommune(personas):
    case = case_on_level(personas, 1)
    with pytest.raises(ValidationError) as err:
        services.transition_propose(
            actor=personas["barnehagelaerer"],
            case_id=case.pk,
            to_unit_id=helpers.unit_id("Fjell skole"),
            kind="barnehage_skole",
        )
    assert "samme kommune" in err.value.message_dict["to_unit"][0]


def test_it_refuses_a_transition_from_someone_who_is_not_coordinating(personas):
    case = case_on_level(personas, 1, who="styrer")
    services.transition_propose(
        actor=personas["styrer"], case_id=case.pk, to_unit_id=helpers.unit_id("Solberg skole"), kind="barnehage_skole"
    )
    case2 = case_on_level(personas, 1, who="styrer")
    with pytest.raises(Http404):
        services.transition_propose(
            actor=personas["barnehagelaerer"],
            case_id=case2.pk,
            to_unit_id=helpers.unit_id("Solberg skole"),
            kind="barnehage_skole",
        )


def test_it_transfers_a_case_when_the_receiving_unit_accepts(personas):
    built = helpers.plan_case(personas)
    case = built["case"]
    kari, ola = personas["barnehagelaerer"], personas["kontaktlaerer"]
    assert not policy.cases_visible_to(ola).filter(pk=case.pk).exists()
    transition = helpers.transition_to_school(personas, case)
    # The receiving unit can read the case to decide; nobody else new can.
    assert policy.cases_visible_to(ola).filter(pk=case.pk).exists()
    assert policy.cases_visible_to(personas["rektor"]).filter(pk=case.pk).exists()
    assert not policy.cases_visible_to(personas["ppt"]).filter(pk=case.pk).exists()
    with pytest.raises(ValidationError):
        services.transition_accept(actor=kari, case_id=case.pk, transition_id=transition.pk)
    # The receiving unit needs a consent of its own first (issue #6: renewed at every transition).
    with pytest.raises(ValidationError) as no_consent:
        services.transition_accept(actor=ola, case_id=case.pk, transition_id=transition.pk)
    assert "nytt samtykke" in str(no_consent.value)
    helpers.consent_for(personas, case)
    services.transition_accept(actor=ola, case_id=case.pk, transition_id=transition.pk)
    case.refresh_from_db()
    transition.refresh_from_db()
    assert transition.status == TransitionStatus.ACCEPTED
    assert case.owner_unit.name == "Solberg skole"
    holder = Stafettholder.objects.get(case=case, status=HandoverStatus.ACTIVE)
    assert holder.user == ola and holder.unit.name == "Solberg skole"
    # The sending unit's access ends ...
    for who in ("barnehagelaerer", "styrer"):
        assert not policy.cases_visible_to(personas[who]).filter(pk=case.pk).exists()
        with pytest.raises(Http404):
            policy.access_case(personas[who], case.pk)
    # ... except for what its people wrote, which the authors still read.
    mine = selectors.my_entries_in_cases_i_no_longer_see(kari)
    assert mine.exists() and all(e.author_id == kari.pk for e in mine)
    assert not selectors.my_entries_in_cases_i_no_longer_see(ola).exists()
    assert "Overgangen er gjennomført" in last_text(case)


def test_it_lets_the_receiving_unit_decline_with_a_reason(personas):
    case = case_on_level(personas, 1)
    transition = helpers.transition_to_school(personas, case)
    with pytest.raises(ValidationError):
        services.transition_decline(
            actor=personas["kontaktlaerer"], case_id=case.pk, transition_id=transition.pk, reason=""
        )
    services.transition_decline(
        actor=personas["kontaktlaerer"], case_id=case.pk, transition_id=transition.pk, reason="Feil skole"
    )
    case.refresh_from_db()
    assert case.owner_unit.name == "Lia barnehage"
    assert not policy.cases_visible_to(personas["kontaktlaerer"]).filter(pk=case.pk).exists()


def test_it_asks_the_consent_hook_before_a_transfer(personas, monkeypatch):
    case = case_on_level(personas, 1)
    transition = helpers.transition_to_school(personas, case)
    monkeypatch.setattr(services, "consent_required_for_transfer", lambda case, unit: True)
    with pytest.raises(ValidationError) as err:
        services.transition_accept(actor=personas["kontaktlaerer"], case_id=case.pk, transition_id=transition.pk)
    assert "samtykke" in err.value.message_dict["transition"][0]
    case.refresh_from_db()
    assert case.owner_unit.name == "Lia barnehage"
    assert services.consent_required_for_transfer.__name__ == "<lambda>"


def test_it_requires_a_consent_for_the_receiving_unit_until_one_is_registered(personas):
    from consent import services as consent_services
    from tests.consent.helpers import unit

    case = case_on_level(personas, 1)
    school = unit("Solberg skole")
    assert services.consent_required_for_transfer(case, school) is True
    consent = helpers.consent_for(personas, case)
    assert services.consent_required_for_transfer(case, school) is False
    consent_services.consent_withdraw(
        actor=personas["barnehagelaerer"], case_id=case.pk, consent_id=consent.pk, withdrawn_by_name="Marit"
    )
    assert services.consent_required_for_transfer(case, school) is True


# --- Closing ---------------------------------------------------------------------------------


def test_it_closes_with_reason_summary_and_what_the_family_was_told(personas):
    built = helpers.plan_case(personas)
    case = built["case"]
    with pytest.raises(ValidationError) as err:
        services.case_close_with_summary(
            actor=personas["barnehagelaerer"], case_id=case.pk, reason="", summary="", family_informed=""
        )
    assert set(err.value.message_dict) == {"reason", "summary", "family_informed"}
    closing = services.case_close_with_summary(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        reason="mal_nadd",
        summary="Emma trives og har venner.",
        family_informed="Foreldrene fikk vite at de kan ta kontakt igjen.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and closing.reason == "mal_nadd"
    assert "Foreldrene fikk vite" in last_text(case)
    # Closed cases are read-only.
    with pytest.raises(Http404):
        services.goal_create(actor=personas["barnehagelaerer"], case_id=case.pk, text="Mer", agreed_with="mor")
    with pytest.raises(Http404):
        helpers.meeting(personas, case)


def test_it_refuses_closing_by_someone_outside_the_case(personas):
    case = case_on_level(personas, 1)
    with pytest.raises(Http404):
        services.case_close_with_summary(
            actor=personas["kontaktlaerer"], case_id=case.pk, reason="annet", summary="x", family_informed="y"
        )
