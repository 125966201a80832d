"""Build plans, meetings and transitions through the service functions, as the personas would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from bti.models import Unit
from cases.models import Case
from samarbeid import services
from samarbeid.models import Goal, Measure, Meeting, Transition
from tests.cases.helpers import case_on_level


def unit_id(name: str) -> int:
    return Unit.objects.get(name=name).pk


def goal(personas, case: Case, text: str = "Emma trives i barnehagen og leker med andre barn") -> Goal:
    return services.goal_create(
        actor=personas["barnehagelaerer"], case_id=case.pk, text=text, agreed_with="mor, far og Emma"
    )


def measure(
    personas,
    case: Case,
    the_goal: Goal,
    description: str = "Fast voksen i frilek hver dag",
    *,
    unit_name: str = "Lia barnehage",
    responsible: str = "barnehagelaerer",
) -> Measure:
    today = timezone.localdate()
    return services.measure_create(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        goal_id=the_goal.pk,
        description=description,
        responsible_unit_id=unit_id(unit_name),
        responsible_user_id=personas[responsible].pk,
        start_date=today,
        evaluation_date=today + timedelta(days=42),
    )


def meeting(personas, case: Case) -> Meeting:
    return services.meeting_schedule(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        starts_at=timezone.now() + timedelta(days=7),
        place="Lia barnehage, møterom 1",
        agenda="1. Hvordan går det med Emma\n2. Tiltak",
        participant_ids=[personas["styrer"].pk],
        family_participants="mor og far",
    )


def held(meeting: Meeting) -> Meeting:
    """The meeting has taken place (it was planned a week ahead): its referat may be written."""
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    meeting.refresh_from_db()
    return meeting


def plan_case(personas) -> dict[str, Any]:
    case = case_on_level(personas, 1)
    the_goal = goal(personas, case)
    the_measure = measure(personas, case, the_goal)
    the_meeting = meeting(personas, case)
    return {"case": case, "goal": the_goal, "measure": the_measure, "meeting": the_meeting}


def transition_to_school(personas, case: Case) -> Transition:
    return services.transition_propose(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        to_unit_id=unit_id("Solberg skole"),
        kind="barnehage_skole",
        message="Emma begynner på Solberg skole i august.",
    )


def consent_for(personas, case: Case, unit_name: str = "Solberg skole") -> Any:
    """A guardian's consent for ``unit_name`` (the receiving unit of a transition needs one,
    issue #6: consent is renewed at every transition)."""
    from cases import services as case_services
    from consent import services as consent_services

    guardian = case.child.guardians.first() if case.child is not None else None
    if guardian is None:
        guardian = case_services.guardian_add(
            actor=personas["barnehagelaerer"],
            case_id=case.pk,
            full_name="Marit Eksempel",
            relation="mor",
            has_parental_responsibility=True,
            address="Storgata 1",
        )
    today = timezone.localdate()
    return consent_services.consent_register(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        decision="given",
        guardian_ids=[guardian.pk],
        by_young_person=False,
        unit_ids=[unit_id(unit_name)],
        category_codes=["stafettlogg", "plan_tiltak"],
        purpose="Overgang til skolen",
        form="written",
        child_view="Emma gleder seg til skolen.",
        valid_from=today,
        valid_until=today + timedelta(days=365),
    )
