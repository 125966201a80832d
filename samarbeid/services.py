"""Every state change of plans, tiltak, evaluations, the tiltak catalogue, meetings,
transitions, closing and print jobs (STYLE.md §1): keyword-only, the acting user first
checked by ``bti.policy``, one transaction, a stafettlogg entry for what concerns a case."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bti import basis, policy
from bti.categories import PLAN_TILTAK
from bti.models import Service, Unit, User
from cases import services as case_services
from cases.models import Case
from oversikt import services as notifications
from oversikt.models import AlarmRule
from samarbeid.models import (
    CaseClosing,
    CatalogueItem,
    CatalogueKind,
    CatalogueLevel,
    ClosingReason,
    Evaluation,
    EvaluationDecision,
    Goal,
    Measure,
    MeasureStatus,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    Transition,
    TransitionKind,
    TransitionStatus,
)

# The PDF job services live in samarbeid/pdfjobs.py; the views and the API find them here.
from samarbeid.pdfjobs import PDF_LINK_MINUTES as PDF_LINK_MINUTES
from samarbeid.pdfjobs import pdf_job_create as pdf_job_create
from samarbeid.pdfjobs import pdf_job_render as pdf_job_render
from samarbeid.pdfjobs import pdf_job_retry as pdf_job_retry
from samarbeid.pdfjobs import pdf_job_still_valid as pdf_job_still_valid
from samarbeid.pdfjobs import pdf_jobs_cleanup as pdf_jobs_cleanup
from samarbeid.pdfjobs import pdf_jobs_sweep as pdf_jobs_sweep
from stafettlogg.models import EntryKind, HandoverStatus, Stafettholder
from stafettlogg.services import entry_append, stafettholder_start

# How long a finished background PDF may be downloaded (by the person who asked only).


def _d(day: date) -> str:
    return date_format(day, "j. F Y")


def _locked_case(actor: User, case_id: int, need: str) -> Case:
    """The case, row-locked, if ``actor`` may ``need`` it. Closed cases refuse every change
    (``policy.can`` answers no), and a refusal looks like a missing case (404)."""
    return policy.access_case(actor, case_id, need, for_update=True)


def _required(value: str | None, field: str, message: str) -> str:
    if not value or not str(value).strip():
        raise ValidationError({field: message})
    return str(value).strip()


# --- Involved units and people ------------------------------------------------------


def involved_unit_ids(case: Case) -> set[int]:
    """Units taking part in the case: the owning unit, the units of the current and
    proposed stafettholder, and the units involved with a basis that holds today (an open
    involvement on a legal basis, or a valid consent not withdrawn for the unit)."""
    holders = Stafettholder.objects.filter(
        case=case, status__in=[HandoverStatus.ACTIVE, HandoverStatus.PROPOSED]
    ).values_list("unit_id", flat=True)
    with_basis = basis.basis_unit_ids(case.pk).values_list("unit_id", flat=True)
    # One query for the sources (the basis is the one valid-basis rule, bti/basis.py).
    return {case.owner_unit_id, *holders.union(with_basis)}


def _member_unit(user_id: int, unit_ids: set[int]) -> int | None:
    """The first of ``unit_ids`` where the user does case work, if any."""
    from bti.models import Membership

    today = timezone.localdate()
    return (
        Membership.objects.filter(
            user_id=user_id,
            user__is_active=True,
            unit_id__in=unit_ids,
            role__in=policy.CASE_ROLES,
            valid_from__lte=today,
        )
        .exclude(valid_until__lt=today)
        .order_by("unit_id")
        .values_list("unit_id", flat=True)
        .first()
    )


# --- Tiltaksoversikt (catalogue) ------------------------------------------------------


@transaction.atomic
def catalogue_item_save(
    *,
    actor: User,
    name: str,
    description: str,
    kind: str = CatalogueKind.TILTAK,
    service_id: int | None = None,
    target_group: str = "",
    level: str = CatalogueLevel.ALLE,
    contact: str = "",
    is_active: bool = True,
    item_id: int | None = None,
    name_nn: str = "",
    description_nn: str = "",
) -> CatalogueItem:
    """Create or change an entry of the kommune's tiltaksoversikt (fagadministratorer only)."""
    if not policy.is_fagadministrator(actor) or actor.kommune_id is None:
        raise ValidationError({"name": _("Bare fagadministratorer kan endre tiltaksoversikten.")})
    name = _required(name, "name", _("Skriv navnet på tiltaket."))
    description = _required(description, "description", _("Beskriv tiltaket."))
    if kind not in CatalogueKind.values:
        raise ValidationError({"kind": _("Velg tiltak eller samarbeidsarena.")})
    if level not in CatalogueLevel.values:
        raise ValidationError({"level": _("Velg et nivå.")})
    service = None
    if service_id:
        service = Service.objects.filter(pk=service_id, kommune_id=actor.kommune_id).first()
        if service is None:
            raise ValidationError({"service": _("Velg en tjeneste i kommunen.")})
    duplicate = CatalogueItem.objects.filter(kommune_id=actor.kommune_id, name__iexact=name)
    if item_id:
        duplicate = duplicate.exclude(pk=item_id)
    if duplicate.exists():
        raise ValidationError({"name": _("Det finnes allerede et tiltak med dette navnet i tiltaksoversikten.")})
    if item_id:
        item = CatalogueItem.objects.select_for_update().filter(pk=item_id, kommune_id=actor.kommune_id).first()
        if item is None:
            raise ValidationError({"name": _("Fant ikke tiltaket i tiltaksoversikten.")})
    else:
        item = CatalogueItem(kommune_id=actor.kommune_id)
    item.name = name
    item.description = description
    # Optional nynorsk texts (ADR 0030): shown to nynorsk readers, never machine-translated.
    item.name_nn = (name_nn or "").strip()[:150]
    item.description_nn = (description_nn or "").strip()
    item.kind = kind
    item.service = service
    item.target_group = target_group.strip()
    item.level = level
    item.contact = contact.strip()
    item.is_active = is_active
    item.updated_by = actor
    item.updated_at = timezone.now()
    item.save()
    return item


# --- Plan: mål, tiltak, evaluering ----------------------------------------------------


@transaction.atomic
def goal_create(*, actor: User, case_id: int, text: str, agreed_with: str, category: str = "") -> Goal:
    """A mål in the plan, written with the family (who it was agreed with is required).
    Its category is «Plan og tiltak» unless the writer chose a stricter one."""
    case = _locked_case(actor, case_id, "plan")
    category = basis.check_category(case.kommune_id, category, PLAN_TILTAK)
    text = _required(text, "text", _("Skriv målet."))
    agreed_with = _required(
        agreed_with, "agreed_with", _("Skriv hvem målet er utarbeidet sammen med, for eksempel foreldrene og barnet.")
    )
    goal = Goal.objects.create(
        kommune_id=case.kommune_id, case=case, text=text, agreed_with=agreed_with, created_by=actor, category=category
    )
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.PLAN,
        category=category,
        text=_("Nytt mål i planen: %(text)s (utarbeidet sammen med %(with)s)") % {"text": text, "with": agreed_with},
        data={"event": "goal_created", "goal": goal.pk},
    )
    return goal


def _validate_measure(
    *,
    case: Case,
    description: str,
    responsible_unit_id: int | None,
    responsible_user_id: int | None,
    responsible_other: str,
    start_date: date | None,
    evaluation_date: date | None,
) -> tuple[str, Unit, User | None]:
    errors: dict[str, str] = {}
    if not description or not description.strip():
        errors["description"] = _("Beskriv tiltaket.")
    unit = Unit.objects.filter(pk=responsible_unit_id or 0, kommune_id=case.kommune_id, is_active=True).first()
    if unit is None:
        errors["responsible_unit"] = _("Velg hvilken enhet som har ansvaret for tiltaket.")
    person: User | None = None
    if responsible_user_id:
        person = User.objects.filter(pk=responsible_user_id, kommune_id=case.kommune_id, is_active=True).first()
        if person is None or (unit is not None and _member_unit(person.pk, {unit.pk}) is None):
            errors["responsible_user"] = _("Den ansvarlige personen må arbeide i den ansvarlige enheten.")
    elif not responsible_other.strip():
        errors["responsible_user"] = _(
            "Velg en ansvarlig person, eller skriv hvem som har ansvaret (for eksempel foreldrene)."
        )
    if start_date is None:
        errors["start_date"] = _("Skriv når tiltaket starter.")
    if evaluation_date is None:
        errors["evaluation_date"] = _("Skriv når tiltaket skal evalueres.")
    elif start_date is not None and evaluation_date < start_date:
        errors["evaluation_date"] = _("Evalueringsdatoen kan ikke være før startdatoen.")
    if errors:
        raise ValidationError(errors)
    assert unit is not None
    return description.strip(), unit, person


@transaction.atomic
def measure_create(
    *,
    actor: User,
    case_id: int,
    goal_id: int,
    description: str,
    responsible_unit_id: int | None,
    start_date: date | None,
    evaluation_date: date | None,
    responsible_user_id: int | None = None,
    responsible_other: str = "",
    catalogue_item_id: int | None = None,
    category: str = "",
) -> Measure:
    """A tiltak under a mål, with a responsible unit and person, a start and an evaluation date."""
    case = _locked_case(actor, case_id, "plan")
    category = basis.check_category(case.kommune_id, category, PLAN_TILTAK)
    goal = Goal.objects.filter(pk=goal_id or 0, case=case).first()
    if goal is None:
        raise ValidationError({"goal": _("Velg hvilket mål tiltaket hører til. Lag et mål først.")})
    item = None
    if catalogue_item_id:
        item = CatalogueItem.objects.filter(pk=catalogue_item_id, kommune_id=case.kommune_id, is_active=True).first()
        if item is None:
            raise ValidationError({"catalogue_item": _("Velg et tiltak fra kommunens tiltaksoversikt.")})
        description = description or f"{item.name}: {item.description}"
    description, unit, person = _validate_measure(
        case=case,
        description=description,
        responsible_unit_id=responsible_unit_id,
        responsible_user_id=responsible_user_id,
        responsible_other=responsible_other,
        start_date=start_date,
        evaluation_date=evaluation_date,
    )
    assert start_date is not None and evaluation_date is not None
    measure = Measure.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        goal=goal,
        catalogue_item=item,
        description=description,
        responsible_unit=unit,
        responsible_user=person,
        responsible_other="" if person else responsible_other.strip(),
        start_date=start_date,
        evaluation_date=evaluation_date,
        status=MeasureStatus.PAGAR if start_date <= timezone.localdate() else MeasureStatus.PLANLAGT,
        created_by=actor,
        category=category,
    )
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.TILTAK,
        category=category,
        text=_("Nytt tiltak: %(desc)s. Ansvarlig: %(who)s (%(unit)s). Start %(start)s, evaluering %(eval)s.")
        % {
            "desc": description,
            "who": measure.responsible_name,
            "unit": unit.name,
            "start": _d(start_date),
            "eval": _d(evaluation_date),
        },
        data={
            "event": "measure_created",
            "measure": measure.pk,
            "goal": goal.pk,
            "started": measure.status == MeasureStatus.PAGAR,
        },
    )
    if person is not None:
        notifications.notify_measure_assigned(actor=actor, case_id=case.pk, measure_id=measure.pk, user_id=person.pk)
    if unit.pk != case.owner_unit_id:
        notifications.notify_unit(
            actor=actor, case_id=case.pk, unit_id=unit.pk, event="measure", key=f"{measure.pk}",
            skip_user_ids=(person.pk,) if person is not None else (),
        )  # fmt: skip
    return measure


@transaction.atomic
def measure_set_status(
    *, actor: User, case_id: int, measure_id: int, status: str, expected_version: int | None = None
) -> Measure:
    """Change a tiltak's status (planlagt, pågår, evaluert, avsluttet)."""
    case = _locked_case(actor, case_id, "plan")
    measure = Measure.objects.select_for_update().filter(pk=measure_id or 0, case=case).first()
    if measure is None:
        raise ValidationError({"measure": _("Fant ikke tiltaket i denne saken.")})
    if status not in MeasureStatus.values:
        raise ValidationError({"status": _("Velg en gyldig status.")})
    if expected_version is not None and measure.version != expected_version:
        from bti.errors import ConflictError

        raise ConflictError()
    old = measure.get_status_display()
    measure.status = status
    measure.version += 1
    measure.save(update_fields=["status", "version"])
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.TILTAK,
        category=measure.category,
        text=_("Tiltaket «%(desc)s» endret status fra %(old)s til %(new)s.")
        % {"desc": measure.description[:80], "old": old, "new": measure.get_status_display()},
        data={"event": "measure_status", "measure": measure.pk, "status": status},
    )
    return measure


@transaction.atomic
def evaluation_record(
    *,
    actor: User,
    case_id: int,
    measure_id: int,
    what_happened: str,
    child_view: str,
    parents_view: str,
    decision: str,
    adjustment: str = "",
    next_evaluation_date: date | None = None,
    category: str = "",
) -> Evaluation:
    """Evaluate a tiltak: what happened, barnets stemme, the parents' view and the decision
    (continue, adjust, end). Continuing or adjusting needs the next evaluation date."""
    case = _locked_case(actor, case_id, "plan")
    measure = Measure.objects.select_for_update().filter(pk=measure_id or 0, case=case).first()
    if measure is None:
        raise ValidationError({"measure": _("Fant ikke tiltaket i denne saken.")})
    if measure.status == MeasureStatus.AVSLUTTET:
        raise ValidationError({"decision": _("Tiltaket er avsluttet og kan ikke evalueres på nytt.")})
    # Never looser than the tiltak it evaluates.
    category = basis.check_category(case.kommune_id, category, measure.category)
    errors: dict[str, str] = {}
    if not what_happened.strip():
        errors["what_happened"] = _("Skriv hva som har skjedd med tiltaket.")
    if not child_view.strip():
        errors["child_view"] = _(
            "Skriv barnets stemme: hva barnet selv sier, eller hvorfor barnet ikke har kunnet uttale seg."
        )
    if not parents_view.strip():
        errors["parents_view"] = _("Skriv hva foreldrene mener.")
    if decision not in EvaluationDecision.values:
        errors["decision"] = _("Velg om tiltaket skal fortsette, justeres eller avsluttes.")
    elif decision == EvaluationDecision.JUSTERE and not adjustment.strip():
        errors["adjustment"] = _("Skriv hvordan tiltaket skal justeres.")
    if decision in {EvaluationDecision.FORTSETTE, EvaluationDecision.JUSTERE}:
        if next_evaluation_date is None:
            errors["next_evaluation_date"] = _("Skriv når tiltaket skal evalueres neste gang.")
        elif next_evaluation_date < timezone.localdate():
            errors["next_evaluation_date"] = _("Neste evalueringsdato kan ikke være tilbake i tid.")
    if errors:
        raise ValidationError(errors)
    evaluation = Evaluation.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        measure=measure,
        what_happened=what_happened.strip(),
        child_view=child_view.strip(),
        parents_view=parents_view.strip(),
        decision=decision,
        adjustment=adjustment.strip(),
        next_evaluation_date=next_evaluation_date if decision != EvaluationDecision.AVSLUTTE else None,
        created_by=actor,
        category=category,
    )
    fields = ["status", "version"]
    if decision == EvaluationDecision.AVSLUTTE:
        measure.status = MeasureStatus.AVSLUTTET
    else:
        assert next_evaluation_date is not None
        measure.status = MeasureStatus.EVALUERT
        measure.evaluation_date = max(next_evaluation_date, measure.start_date)
        fields.append("evaluation_date")
    if decision == EvaluationDecision.JUSTERE:
        measure.description = f"{measure.description}\n{_('Justert')}: {adjustment.strip()}"
        fields.append("description")
    measure.version += 1
    measure.save(update_fields=fields)
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.EVALUERING,
        category=category,
        text=_(
            "Evaluering av tiltaket «%(desc)s».\nHva har skjedd: %(what)s\nBarnets stemme: %(child)s\n"
            "Foreldrenes syn: %(parents)s\nBeslutning: %(decision)s%(adj)s"
        )
        % {
            "desc": measure.description.splitlines()[0][:80],
            "what": evaluation.what_happened,
            "child": evaluation.child_view,
            "parents": evaluation.parents_view,
            "decision": evaluation.get_decision_display(),
            "adj": f" – {evaluation.adjustment}" if evaluation.adjustment else "",
        },
        data={"event": "evaluation", "measure": measure.pk, "evaluation": evaluation.pk, "decision": decision},
    )
    # The evaluation is the act the reminder and the «forfalt» alarm asked for (issue 17).
    notifications.notifications_done(
        key_prefixes=[f"evaluering_snart:{measure.pk}:", f"alarm:{AlarmRule.EVALUATION_OVERDUE}:{measure.pk}:"]
    )
    return evaluation


# --- Samarbeidsmøter -----------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    case_id: int,
    starts_at: datetime | None,
    agenda: str,
    participant_ids: list[int],
    place: str = "",
    video_link: str = "",
    family_participants: str = "",
    category: str = "",
) -> Meeting:
    """Schedule a samarbeidsmøte. Participants must work in a unit involved in the case."""
    case = _locked_case(actor, case_id, "plan")
    category = basis.check_category(case.kommune_id, category, PLAN_TILTAK)
    errors: dict[str, str] = {}
    if starts_at is None:
        errors["starts_at"] = _("Skriv dato og klokkeslett for møtet.")
    elif starts_at < timezone.now():
        errors["starts_at"] = _("Møtet kan ikke planlegges tilbake i tid. Velg et tidspunkt fram i tid.")
    if not place.strip() and not video_link.strip():
        errors["place"] = _("Skriv hvor møtet holdes, eller legg inn en videolenke.")
    if not agenda.strip():
        errors["agenda"] = _("Skriv sakslisten for møtet.")
    units = involved_unit_ids(case)
    people: list[tuple[int, int]] = []
    outside: list[str] = []
    for user_id in dict.fromkeys(int(u) for u in participant_ids):
        unit_id = _member_unit(user_id, units)
        if unit_id is None:
            person = User.objects.filter(pk=user_id).values_list("full_name", flat=True).first()
            outside.append(person or str(user_id))
        else:
            people.append((user_id, unit_id))
    actor_unit = _member_unit(actor.pk, units)
    if actor_unit is not None and actor.pk not in {p for p, _u in people}:
        people.append((actor.pk, actor_unit))
    if outside:
        errors["participants"] = _(
            "Disse arbeider ikke i en enhet som er involvert i saken: %(names)s. Involver enheten først."
        ) % {"names": ", ".join(outside)}
    if errors:
        raise ValidationError(errors)
    assert starts_at is not None
    meeting = Meeting.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        starts_at=starts_at,
        place=place.strip(),
        video_link=video_link.strip(),
        agenda=agenda.strip(),
        family_participants=family_participants.strip(),
        created_by=actor,
        category=category,
        referat_category=category,
    )
    MeetingParticipant.objects.bulk_create(
        MeetingParticipant(kommune_id=case.kommune_id, meeting=meeting, user_id=user_id, unit_id=unit_id)
        for user_id, unit_id in people
    )
    local = timezone.localtime(starts_at)
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.MOTE,
        category=category,
        text=_("Samarbeidsmøte planlagt %(when)s, %(where)s.")
        % {
            "when": date_format(local, "j. F Y \\k\\l. H:i"),
            "where": meeting.place or _("på video"),
        },
        data={"event": "meeting_scheduled", "meeting": meeting.pk},
    )
    # Everyone invited is told (with the .ics link on the meeting page), issue 17 item 4.
    notifications.notify_meeting(
        actor=actor, case_id=case.pk, meeting_id=meeting.pk, user_ids=[user_id for user_id, _unit in people]
    )
    return meeting


def _planned_meeting(case: Case, meeting_id: int, field: str, expected_version: int | None) -> Meeting:
    """The case's meeting, locked, still planned, and at the version the form showed."""
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id or 0, case=case).first()
    if meeting is None:
        raise ValidationError({field: _("Fant ikke møtet i denne saken.")})
    if meeting.status == MeetingStatus.AVLYST:
        raise ValidationError({field: _("Møtet er allerede avlyst.")})
    if meeting.status == MeetingStatus.GJENNOMFORT:
        raise ValidationError({field: _("Møtet er holdt og referatet skrevet. Det kan ikke endres eller avlyses.")})
    if expected_version is not None and meeting.version != expected_version:
        from bti.errors import ConflictError

        raise ConflictError()
    return meeting


def _invited(meeting: Meeting) -> list[int]:
    return list(meeting.participants.values_list("user_id", flat=True))


@transaction.atomic
def meeting_change(
    *,
    actor: User,
    case_id: int,
    meeting_id: int,
    starts_at: datetime | None,
    place: str = "",
    video_link: str = "",
    expected_version: int | None = None,
) -> Meeting:
    """Move a planned meeting or change where it is held. The version goes up (the .ics
    file's SEQUENCE, so calendars replace the earlier invitation) and every participant is
    told about the change (issue 17 item 4)."""
    case = _locked_case(actor, case_id, "plan")
    meeting = _planned_meeting(case, meeting_id, "starts_at", expected_version)
    errors: dict[str, str] = {}
    if starts_at is None:
        errors["starts_at"] = _("Skriv dato og klokkeslett for møtet.")
    elif starts_at < timezone.now():
        errors["starts_at"] = _("Møtet kan ikke flyttes tilbake i tid. Velg et tidspunkt fram i tid.")
    if not place.strip() and not video_link.strip():
        errors["place"] = _("Skriv hvor møtet holdes, eller legg inn en videolenke.")
    if errors:
        raise ValidationError(errors)
    assert starts_at is not None
    # The form gives minutes: a meeting planned at 10:00:27 is still «10:00» there.
    before = meeting.starts_at.replace(second=0, microsecond=0)
    changed = (starts_at.replace(second=0, microsecond=0), place.strip(), video_link.strip()) != (
        before,
        meeting.place,
        meeting.video_link,
    )
    if not changed:
        raise ValidationError({"starts_at": _("Ingenting er endret. Endre tidspunkt, sted eller videolenke.")})
    meeting.starts_at = starts_at
    meeting.place = place.strip()
    meeting.video_link = video_link.strip()
    meeting.version += 1
    meeting.save(update_fields=["starts_at", "place", "video_link", "version"])
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.MOTE,
        category=meeting.category,
        text=_("Samarbeidsmøtet er flyttet til %(when)s, %(where)s.")
        % {
            "when": date_format(timezone.localtime(starts_at), "j. F Y \\k\\l. H:i"),
            "where": meeting.place or _("på video"),
        },
        data={"event": "meeting_changed", "meeting": meeting.pk, "version": meeting.version},
    )
    notifications.notify_meeting(
        actor=actor,
        case_id=case.pk,
        meeting_id=meeting.pk,
        user_ids=_invited(meeting),
        changed=True,
        version=meeting.version,
    )
    return meeting


@transaction.atomic
def meeting_cancel(
    *, actor: User, case_id: int, meeting_id: int, reason: str, expected_version: int | None = None
) -> Meeting:
    """Cancel a planned meeting, with the reason in the stafettlogg. The participants are
    told, and the meeting's .ics becomes a cancellation (METHOD:CANCEL, STATUS:CANCELLED)."""
    case = _locked_case(actor, case_id, "plan")
    meeting = _planned_meeting(case, meeting_id, "reason", expected_version)
    reason = _required(reason, "reason", _("Skriv hvorfor møtet avlyses."))
    meeting.status = MeetingStatus.AVLYST
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason[:300]
    meeting.version += 1
    meeting.save(update_fields=["status", "cancelled_at", "cancel_reason", "version"])
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.MOTE,
        category=meeting.category,
        text=_("Samarbeidsmøtet %(when)s er avlyst. Begrunnelse: %(reason)s")
        % {"when": date_format(timezone.localtime(meeting.starts_at), "j. F Y \\k\\l. H:i"), "reason": reason},
        data={"event": "meeting_cancelled", "meeting": meeting.pk, "version": meeting.version},
    )
    notifications.notify_meeting(
        actor=actor,
        case_id=case.pk,
        meeting_id=meeting.pk,
        user_ids=_invited(meeting),
        cancelled=True,
        version=meeting.version,
    )
    return meeting


def meeting_seen(*, actor: User, meeting_id: int) -> int:
    """A participant opened the meeting: its invitation, change and cancellation
    notifications are read (the page is what they ask the person to look at)."""
    return notifications.notifications_done(
        key_prefixes=[f"{kind}:{meeting_id}:" for kind in notifications.MEETING_KINDS], user_id=actor.pk
    )


@transaction.atomic
def meeting_write_referat(
    *,
    actor: User,
    case_id: int,
    meeting_id: int,
    referat: str,
    decisions: str = "",
    tasks: str = "",
    new_level: int | None = None,
    level_reason: str = "",
    end_measure_ids: list[int] | None = None,
    new_measure: dict[str, Any] | None = None,
    expected_version: int | None = None,
    category: str = "",
) -> Meeting:
    """Write the referat of a meeting. The referat becomes a stafettlogg entry; decisions may
    create a tiltak, end tiltak and change the level, each through its own service function."""
    case = _locked_case(actor, case_id, "plan")
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id or 0, case=case).first()
    if meeting is None:
        raise ValidationError({"referat": _("Fant ikke møtet i denne saken.")})
    if expected_version is not None and meeting.version != expected_version:
        from bti.errors import ConflictError

        raise ConflictError()
    if meeting.status == MeetingStatus.GJENNOMFORT:
        raise ValidationError(
            {"referat": _("Referatet er allerede skrevet. Rett det med en korrigering i stafettloggen.")}
        )
    if meeting.status == MeetingStatus.AVLYST:
        raise ValidationError({"referat": _("Møtet er avlyst. Et avlyst møte har ikke referat.")})
    if meeting.starts_at > timezone.now():
        raise ValidationError(
            {
                "referat": _("Møtet har ikke startet ennå (%(when)s). Skriv referatet når møtet er holdt.")
                % {"when": date_format(timezone.localtime(meeting.starts_at), "j. F Y \\k\\l. H:i")}
            }
        )
    referat = _required(referat, "referat", _("Skriv referatet fra møtet."))
    meeting.referat_category = basis.check_category(case.kommune_id, category, meeting.category)
    if new_level is not None and not level_reason.strip():
        raise ValidationError({"level_reason": _("Skriv hvorfor møtet besluttet å endre nivå.")})
    meeting.referat = referat
    meeting.decisions = decisions.strip()
    meeting.tasks = tasks.strip()
    meeting.status = MeetingStatus.GJENNOMFORT
    meeting.referat_by = actor
    meeting.referat_at = timezone.now()
    participants = ", ".join(
        p.user.full_name for p in meeting.participants.select_related("user").order_by("user__full_name")
    )
    text = _("Referat fra samarbeidsmøte %(when)s.\nDeltakere: %(who)s\n\n%(referat)s") % {
        "when": date_format(timezone.localtime(meeting.starts_at), "j. F Y"),
        "who": participants + (f", {meeting.family_participants}" if meeting.family_participants else ""),
        "referat": referat,
    }
    if meeting.decisions:
        text += "\n\n" + _("Beslutninger: %(d)s") % {"d": meeting.decisions}
    if meeting.tasks:
        text += "\n\n" + _("Avtalte oppgaver: %(t)s") % {"t": meeting.tasks}
    entry = entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.REFERAT,
        category=meeting.referat_category,
        text=text,
        data={"event": "meeting_referat", "meeting": meeting.pk},
    )
    meeting.referat_entry_id = entry.pk
    meeting.version += 1
    meeting.save(
        update_fields=[
            "referat",
            "decisions",
            "tasks",
            "status",
            "referat_by",
            "referat_at",
            "referat_entry_id",
            "referat_category",
            "version",
        ]
    )
    for measure_id in end_measure_ids or []:
        measure_set_status(actor=actor, case_id=case.pk, measure_id=measure_id, status=MeasureStatus.AVSLUTTET)
    if new_measure:
        measure_create(actor=actor, case_id=case.pk, **new_measure)
    if new_level is not None and new_level != case.level:
        case_services.case_change_level(actor=actor, case_id=case.pk, to_level=new_level, reason=level_reason)
    return meeting


# --- Overganger (transitions) -------------------------------------------------------


def consent_required_for_transfer(case: Case, unit: Unit) -> bool:
    """True when the receiving ``unit`` has no valid consent scope on ``case`` (given, in
    its period, not withdrawn) and no active involvement on another legal basis: the
    consent is renewed at every transition (issues #4 point 4, #6 point 1), so
    ``transition_accept`` refuses with a message until it is registered."""
    return not basis.has_basis(unit_ids=[unit.pk], case_id=case.pk)


@transaction.atomic
def transition_propose(
    *, actor: User, case_id: int, to_unit_id: int | None, kind: str, message: str = ""
) -> Transition:
    """Propose moving the case to a unit in the same kommune (barnehage → skole and so on)."""
    case = _locked_case(actor, case_id, "transfer")
    errors: dict[str, str] = {}
    unit = Unit.objects.filter(pk=to_unit_id or 0, is_active=True).select_related("kommune").first()
    if unit is None:
        errors["to_unit"] = _("Velg enheten saken skal overføres til.")
    elif unit.kommune_id != case.kommune_id:
        errors["to_unit"] = _("Saken kan bare overføres til en enhet i samme kommune.")
    elif unit.pk == case.owner_unit_id:
        errors["to_unit"] = _("Saken hører allerede til denne enheten. Velg en annen enhet.")
    if kind not in TransitionKind.values:
        errors["kind"] = _("Velg hva slags overgang det er.")
    if Transition.objects.filter(case=case, status=TransitionStatus.PROPOSED).exists():
        errors["to_unit"] = _("Det finnes allerede en overgang som venter på svar. Trekk den tilbake først.")
    if errors:
        raise ValidationError(errors)
    assert unit is not None
    transition = Transition.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        from_unit=case.owner_unit,
        to_unit=unit,
        kind=kind,
        message=message.strip(),
        proposed_by=actor,
    )
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=_("Overgang foreslått: %(kind)s, fra %(from)s til %(to)s.%(msg)s")
        % {
            "kind": transition.get_kind_display(),
            "from": case.owner_unit.name,
            "to": unit.name,
            "msg": f" {transition.message}" if transition.message else "",
        },
        data={"event": "transition_proposed", "transition": transition.pk, "to_unit": unit.pk},
    )
    notifications.notify_unit(actor=actor, case_id=case.pk, unit_id=unit.pk, event="transition", key=f"{transition.pk}")
    return transition


def _open_transition(case: Case, transition_id: int) -> Transition:
    transition = (
        Transition.objects.select_for_update()
        .filter(pk=transition_id or 0, case=case, status=TransitionStatus.PROPOSED)
        .select_related("to_unit", "from_unit")
        .first()
    )
    if transition is None:
        raise ValidationError({"transition": _("Overgangen finnes ikke eller er allerede besvart.")})
    return transition


def _receiver_may_answer(actor: User, transition: Transition) -> None:
    if not policy.case_unit_ids(actor).filter(unit_id=transition.to_unit_id).exists():
        raise ValidationError({"transition": _("Bare ansatte i den mottakende enheten kan svare på overgangen.")})


@transaction.atomic
def transition_accept(
    *, actor: User, case_id: int, transition_id: int, stafettholder_id: int | None = None
) -> Transition:
    """The receiving unit accepts: the case's owner unit changes, a person there becomes
    stafettholder (the actor unless another person of the unit is named), the previous
    stafettholder's role ends, and the sending unit loses access except to what its people
    wrote (see docs/adr/0008-samarbeid-app-and-transitions.md)."""
    case = _locked_case(actor, case_id, "view")
    transition = _open_transition(case, transition_id)
    _receiver_may_answer(actor, transition)
    if consent_required_for_transfer(case, transition.to_unit):
        raise ValidationError(
            {
                "transition": _("%(unit)s trenger et nytt samtykke før saken kan tas imot.")
                % {"unit": transition.to_unit.name}
            }
        )
    holder_id = stafettholder_id or actor.pk
    holder = User.objects.filter(pk=holder_id, kommune_id=case.kommune_id, is_active=True).first()
    if holder is None or _member_unit(holder.pk, {transition.to_unit_id}) is None:
        raise ValidationError({"stafettholder": _("Den nye stafettholderen må arbeide i den mottakende enheten.")})
    now = timezone.now()
    # End the current role and any open handover; the new holder starts in the new unit.
    Stafettholder.objects.filter(case=case, status=HandoverStatus.PROPOSED).update(
        status=HandoverStatus.WITHDRAWN, responded_at=now
    )
    Stafettholder.objects.filter(case=case, status=HandoverStatus.ACTIVE).update(
        status=HandoverStatus.ENDED, ended_at=now
    )
    # Move the case first: the receiver's read access comes from the open transition until then.
    case_services.case_transfer_owner_unit(actor=actor, case_id=case.pk, to_unit_id=transition.to_unit_id)
    transition.status = TransitionStatus.ACCEPTED
    transition.decided_by = actor
    transition.decided_at = now
    transition.new_stafettholder = holder
    transition.save(update_fields=["status", "decided_by", "decided_at", "new_stafettholder"])
    case.refresh_from_db()
    if case.level >= 1:
        stafettholder_start(case=case, user=holder, unit=transition.to_unit, actor=actor)
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=_("Overgangen er gjennomført: %(to)s har tatt imot saken fra %(from)s. Ny stafettholder: %(holder)s.")
        % {"to": transition.to_unit.name, "from": transition.from_unit.name, "holder": holder.full_name},
        data={"event": "transition_accepted", "transition": transition.pk, "stafettholder": holder.pk},
        unit=transition.to_unit,
    )
    notifications.notifications_done(keys=[f"enhet:transition:{transition.pk}"])  # answered
    return transition


@transaction.atomic
def transition_decline(*, actor: User, case_id: int, transition_id: int, reason: str) -> Transition:
    case = _locked_case(actor, case_id, "view")
    transition = _open_transition(case, transition_id)
    _receiver_may_answer(actor, transition)
    reason = _required(reason, "reason", _("Skriv hvorfor enheten ikke kan ta imot saken."))
    transition.status = TransitionStatus.DECLINED
    transition.decided_by = actor
    transition.decided_at = timezone.now()
    transition.decline_reason = reason
    transition.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=_("%(unit)s takket nei til overgangen: %(reason)s") % {"unit": transition.to_unit.name, "reason": reason},
        data={"event": "transition_declined", "transition": transition.pk},
        unit=transition.to_unit,
    )
    notifications.notifications_done(keys=[f"enhet:transition:{transition.pk}"])  # answered
    return transition


@transaction.atomic
def transition_withdraw(*, actor: User, case_id: int, transition_id: int) -> Transition:
    case = _locked_case(actor, case_id, "transfer")
    transition = _open_transition(case, transition_id)
    transition.status = TransitionStatus.WITHDRAWN
    transition.decided_by = actor
    transition.decided_at = timezone.now()
    transition.save(update_fields=["status", "decided_by", "decided_at"])
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=_("Overgangen til %(unit)s ble trukket tilbake.") % {"unit": transition.to_unit.name},
        data={"event": "transition_withdrawn", "transition": transition.pk},
    )
    notifications.notifications_done(keys=[f"enhet:transition:{transition.pk}"])  # answered
    return transition


# --- Avslutning ----------------------------------------------------------------------


@transaction.atomic
def case_close_with_summary(
    *,
    actor: User,
    case_id: int,
    reason: str,
    summary: str,
    family_informed: str,
    expected_version: int | None = None,
) -> CaseClosing:
    """Close a case with a closing reason, a final summary and what the family was told.
    Wraps ``cases.services.case_close`` (which ends the stafettholder role and logs it)."""
    case = _locked_case(actor, case_id, "close")
    errors: dict[str, str] = {}
    if reason not in ClosingReason.values:
        errors["reason"] = _("Velg årsaken til at saken avsluttes.")
    if not summary.strip():
        errors["summary"] = _("Skriv en kort oppsummering av saken.")
    if not family_informed.strip():
        errors["family_informed"] = _("Skriv hva familien har fått vite om avslutningen.")
    if errors:
        raise ValidationError(errors)
    label = ClosingReason(reason).label
    case_services.case_close(
        actor=actor,
        case_id=case.pk,
        reason=_("Årsak: %(reason)s.\nOppsummering: %(summary)s\nFamilien har fått vite: %(family)s")
        % {"reason": label, "summary": summary.strip(), "family": family_informed.strip()},
        expected_version=expected_version,
    )
    return CaseClosing.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        reason=reason,
        summary=summary.strip(),
        family_informed=family_informed.strip(),
        closed_by=actor,
    )
