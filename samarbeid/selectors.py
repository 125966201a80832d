"""Reads for plans, meetings, transitions, the catalogue and print jobs. A case always
comes from ``bti.policy.access_case``; lists are scoped through ``cases_visible_to``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from bti import policy
from bti.models import Membership, Unit, User
from cases.models import Case, CaseStatus
from samarbeid.models import (
    CaseClosing,
    CatalogueItem,
    Evaluation,
    Goal,
    Measure,
    MeasureStatus,
    Meeting,
    MeetingParticipant,
    PdfJob,
    Transition,
    TransitionStatus,
)
from samarbeid.services import involved_unit_ids
from stafettlogg.models import Entry, HandoverStatus, Stafettholder


def plan_goals(case: Case, readable: Q | None = None) -> list[Goal]:
    """The plan: goals, their tiltak and each tiltak's evaluations, in a fixed number of
    queries; ``readable`` (``CaseView.category_q()``) keeps only what the reader may read."""
    readable = readable if readable is not None else Q()
    evaluations = Evaluation.objects.filter(readable).select_related("created_by").order_by("created_at", "pk")
    measures = (
        Measure.objects.filter(readable)
        .select_related("responsible_user", "responsible_unit", "catalogue_item")
        .prefetch_related(Prefetch("evaluations", queryset=evaluations))
    )
    return list(
        Goal.objects.filter(case=case)
        .filter(readable)
        .prefetch_related(Prefetch("measures", queryset=measures.order_by("start_date", "pk")))
        .order_by("created_at", "pk")
    )


def measure_in_case(case: Case, measure_id: Any, readable: Q | None = None) -> Measure | None:
    try:
        pk = int(measure_id)
    except (TypeError, ValueError):
        return None
    return (
        Measure.objects.select_related("goal", "responsible_unit", "responsible_user")
        .filter(case=case, pk=pk)
        .filter(readable if readable is not None else Q())
        .first()
    )


def _hide_referat(meeting: Meeting, categories: frozenset[str] | None) -> Meeting:
    """A meeting the reader may read whose referat is of a category they may not: the
    referat, decisions and tasks are blanked on this read-only copy."""
    from bti.categories import may_read

    meeting.referat_hidden = categories is not None and not may_read(categories, meeting.referat_category)  # type: ignore[attr-defined]
    if meeting.referat_hidden:  # type: ignore[attr-defined]
        meeting.referat = meeting.decisions = meeting.tasks = ""
    return meeting


def meetings(case: Case, readable: Q | None = None, categories: frozenset[str] | None = None) -> list[Meeting]:
    participants = MeetingParticipant.objects.select_related("user", "unit").order_by("user__full_name")
    rows = (
        Meeting.objects.filter(case=case)
        .filter(readable if readable is not None else Q())
        .prefetch_related(Prefetch("participants", queryset=participants))
        .order_by("-starts_at", "-pk")
    )
    return [_hide_referat(m, categories) for m in rows]


def meeting_in_case(
    case: Case, meeting_id: Any, readable: Q | None = None, categories: frozenset[str] | None = None
) -> Meeting | None:
    try:
        pk = int(meeting_id)
    except (TypeError, ValueError):
        return None
    participants = MeetingParticipant.objects.select_related("user", "unit").order_by("user__full_name")
    found = (
        Meeting.objects.filter(case=case, pk=pk)
        .filter(readable if readable is not None else Q())
        .select_related("referat_by")
        .prefetch_related(Prefetch("participants", queryset=participants))
        .first()
    )
    return _hide_referat(found, categories) if found is not None else None


# --- Content through the read gate (bti.gate, registered in SamarbeidConfig.ready) ------


def gated_goals(view: Any) -> list[Goal]:
    return plan_goals(view.case, view.category_q())


def gated_measures(view: Any) -> list[Measure]:
    return [m for g in view.content("goals") for m in g.measures.all()]


def gated_measure(view: Any, measure_id: Any) -> Measure | None:
    return measure_in_case(view.case, measure_id, view.category_q())


def gated_evaluations(view: Any, measure: Measure) -> QuerySet[Evaluation]:
    """The evaluations of a tiltak the view's reader may read."""
    return Evaluation.objects.filter(measure=measure).filter(view.category_q()).order_by("created_at")


def gated_meetings(view: Any) -> list[Meeting]:
    return meetings(view.case, view.category_q(), view.categories)


def gated_meeting(view: Any, meeting_id: Any) -> Meeting | None:
    return meeting_in_case(view.case, meeting_id, view.category_q(), view.categories)


def my_meetings(user: User) -> QuerySet[Meeting]:
    """Meetings I take part in, on cases I may still see: upcoming first, then the last 30 days."""
    since = timezone.now() - timedelta(days=30)
    return (
        Meeting.objects.filter(
            participants__user=user, case__in=policy.cases_visible_to(user).values("pk"), starts_at__gte=since
        )
        .select_related("case", "case__child", "case__owner_unit")
        .order_by("starts_at", "pk")
    )


def involved_people(case: Case) -> list[Membership]:
    """People who work (ansatt, leder) in a unit involved in the case, for participant and
    responsible pickers."""
    today = timezone.localdate()
    return list(
        Membership.objects.filter(
            unit_id__in=involved_unit_ids(case), role__in=policy.CASE_ROLES, valid_from__lte=today, user__is_active=True
        )
        .exclude(valid_until__lt=today)
        .select_related("user", "unit")
        .order_by("unit__name", "user__full_name")
    )


def kommune_people(case: Case) -> list[Membership]:
    """People doing case work in any unit of the case's kommune (responsible for a tiltak)."""
    today = timezone.localdate()
    return list(
        Membership.objects.filter(
            kommune_id=case.kommune_id, role__in=policy.CASE_ROLES, valid_from__lte=today, user__is_active=True
        )
        .exclude(valid_until__lt=today)
        .select_related("user", "unit")
        .order_by("unit__name", "user__full_name")
    )


def kommune_units(kommune_id: int | None, *, exclude: int | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.filter(kommune_id=kommune_id or 0, is_active=True).select_related("service").order_by("name")
    return qs.exclude(pk=exclude) if exclude else qs


def catalogue(
    user: User, *, q: str = "", service_id: Any = None, level: str = "", include_inactive: bool = False
) -> QuerySet[CatalogueItem]:
    """The user's kommune's tiltaksoversikt, searchable by name, description, target group."""
    qs = CatalogueItem.objects.filter(kommune_id=user.kommune_id or 0).select_related("service")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if q.strip():
        term = q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(description__icontains=term) | Q(target_group__icontains=term))
    try:
        if service_id:
            qs = qs.filter(service_id=int(service_id))
    except (TypeError, ValueError):
        pass
    if level:
        qs = qs.filter(Q(level=level) | Q(level="alle"))
    return qs.order_by("name")


def catalogue_item(user: User, item_id: Any) -> CatalogueItem | None:
    try:
        pk = int(item_id)
    except (TypeError, ValueError):
        return None
    return CatalogueItem.objects.filter(kommune_id=user.kommune_id or 0, pk=pk).first()


def transitions(case: Case) -> list[Transition]:
    return list(
        Transition.objects.filter(case=case)
        .select_related("from_unit", "to_unit", "proposed_by", "decided_by", "new_stafettholder")
        .order_by("-proposed_at")
    )


def pending_transition(case: Case) -> Transition | None:
    return (
        Transition.objects.filter(case=case, status=TransitionStatus.PROPOSED)
        .select_related("to_unit", "from_unit")
        .first()
    )


def incoming_transitions(user: User) -> QuerySet[Transition]:
    """Transitions waiting for a unit I work in."""
    return (
        Transition.objects.filter(status=TransitionStatus.PROPOSED, to_unit_id__in=policy.case_unit_ids(user))
        .select_related("case", "case__child", "from_unit", "to_unit")
        .order_by("proposed_at")
    )


def my_entries_in_cases_i_no_longer_see(user: User) -> QuerySet[Entry]:
    """What I wrote in cases my unit has handed on (an overgang). The author keeps read
    access to their own entries, and only to those (docs/adr/0008-samarbeid-app-and-transitions.md)."""
    return (
        Entry.objects.filter(author=user, kommune_id=user.kommune_id or 0)
        .exclude(case_id__in=policy.cases_visible_to(user).values("pk"))
        .select_related("author_unit")
        .order_by("-created_at", "-pk")
    )


def last_closing(case: Case) -> CaseClosing | None:
    return CaseClosing.objects.filter(case=case).select_related("closed_by").order_by("-closed_at").first()


def my_job(user: User, job_id: Any) -> PdfJob | None:
    """A print job, only for the person who asked for it."""
    try:
        pk = int(job_id)
    except (TypeError, ValueError):
        return None
    return PdfJob.objects.filter(pk=pk, requested_by=user).first()


def measures_evaluation_overdue(*, kommune_id: int, today: date) -> list[dict[str, Any]]:
    """Tiltak of open cases whose evaluation date has passed without an evaluation (an
    evaluation moves the date on, so a passed date means none was recorded): the source of
    the «evaluering forfalt» oppfølgingsbrudd (``oversikt.sources``). No person is read."""
    rows = (
        Measure.objects.filter(kommune_id=kommune_id, case__status=CaseStatus.OPEN, evaluation_date__lt=today)
        .exclude(status=MeasureStatus.AVSLUTTET)
        .values("case_id", "evaluation_date", measure_id=F("pk"), responsible_id=F("responsible_user_id"))
    )
    return [dict(row) for row in rows]


def measures_evaluation_due(*, kommune_id: int, today: date, until: date) -> list[dict[str, Any]]:
    """Tiltak of open cases to be evaluated from ``today`` to ``until``: the source of the
    reminder «Et tiltak skal evalueres snart» (``oversikt.sources``). Told: the responsible
    person, else the case's stafettholder. No person is read beyond the ids."""
    holder = Stafettholder.objects.filter(case_id=OuterRef("case_id"), status=HandoverStatus.ACTIVE)
    rows = (
        Measure.objects.filter(
            kommune_id=kommune_id,
            case__status=CaseStatus.OPEN,
            evaluation_date__gte=today,
            evaluation_date__lte=until,
        )
        .exclude(status=MeasureStatus.AVSLUTTET)
        .annotate(holder_id=Subquery(holder.values("user_id")[:1]))
        .values("case_id", "evaluation_date", "responsible_user_id", "holder_id", measure_id=F("pk"))
    )
    return [
        {
            "case_id": r["case_id"],
            "measure_id": r["measure_id"],
            "evaluation_date": r["evaluation_date"],
            "user_id": r["responsible_user_id"] or r["holder_id"],
        }
        for r in rows
    ]


def print_entries(
    case: Case, date_from: date | None, date_to: date | None, categories: frozenset[str] | None = None
) -> Any:
    """The stafettlogg entries a logg PDF prints, in a period, of the categories it was
    ordered with (``None``: all, for the owning unit's own jobs)."""
    qs = Entry.objects.filter(case=case)
    if categories is not None:
        # Barnevern's entries are left out for a reader without it (docs/adr/0011).
        qs = qs.filter(policy.listed_entries_q(categories))
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def rule_transfer_receiver(user: Any) -> QuerySet[Any]:
    """Members (ansatt, leder) of a unit a transition (overgang) is proposed to, so they can
    read the case before they accept or decline it. Ends when the transition is decided.
    A visibility rule of ``bti.policy`` (registered in ``SamarbeidConfig.ready``)."""
    return Transition.objects.filter(
        status=TransitionStatus.PROPOSED, to_unit_id__in=policy.case_unit_ids(user)
    ).values("case_id")
