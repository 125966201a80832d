"""Every state change of the implementation support: one function per use case, checking
``implementering.rules`` and writing in one transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bti import policy
from bti.models import Service, Unit, User
from implementering import rules
from implementering.models import (
    Assessment,
    BtiProject,
    Feedback,
    FeedbackReply,
    FeedbackStatus,
    GroupKind,
    GroupMember,
    ItemStatus,
    Phase,
    PlanItem,
    Recipient,
    Routine,
    TrainingKind,
    TrainingRecord,
)

# The BTI model's usual implementation plan, in our own words (each kommune edits it).
DEFAULT_PLAN: dict[str, list[str]] = {
    Phase.DESIGN: [
        "Forankre innføringen i kommunens ledelse",
        "Sette ned styringsgruppe og arbeidsgruppe",
        "Kartlegge rutiner, tiltak og samarbeidsfora vi har i dag",
        "Lage kommunens grunnmodell og BTI-undersøkelsen før start",
    ],
    Phase.INFORMASJON: ["Informere ledere og ansatte", "Informere foreldre og samarbeidspartnere"],
    Phase.PILOT: [
        "Lage handlingsveileder for hver tjeneste",
        "Gi ansatte grunnopplæring",
        "Prøve ut modellen i utvalgte enheter",
    ],
    Phase.DRIFT: [
        "Rutine for å holde handlingsveilederne oppdatert",
        "Opplæring av nyansatte",
        "Ny BTI-undersøkelse og tilbakemeldingsmøte",
    ],
}


def _kid(actor: User) -> int:
    if actor.kommune_id is None:
        raise ValidationError({"__all__": _("Du må arbeide i en kommune for å gjøre dette.")})
    return int(actor.kommune_id)


def _koordinator(actor: User) -> None:
    if not rules.is_koordinator(actor):
        raise ValidationError({"__all__": _("Bare BTI-koordinatoren kan endre innføringsplanen.")})


def _text(value: Any, field: str, message: str, max_length: int = 200) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > max_length:
        raise ValidationError({field: _("Teksten kan være høyst %(max)s tegn.") % {"max": max_length}})
    return text


@transaction.atomic
def project_for(kommune_id: int) -> BtiProject:
    """The kommune's BTI project, created with the default plan on first use."""
    project, created = BtiProject.objects.get_or_create(kommune_id=kommune_id)
    if created:
        PlanItem.objects.bulk_create(
            [
                PlanItem(kommune_id=kommune_id, project=project, phase=phase, title=title)
                for phase, titles in DEFAULT_PLAN.items()
                for title in titles
            ]
        )
    return project


@transaction.atomic
def project_save(*, actor: User, name: str, goal: str, project_leader_id: Any = None) -> BtiProject:
    _koordinator(actor)
    project = project_for(_kid(actor))
    project.name = _text(name, "name", _("Skriv et navn på prosjektet."), 150)
    project.goal = str(goal or "").strip()[:4000]
    leader = None
    if project_leader_id not in (None, ""):
        leader = User.objects.filter(pk=project_leader_id, kommune_id=_kid(actor), is_active=True).first()
        if leader is None:
            raise ValidationError({"project_leader": _("Velg en person i kommunen som prosjektleder.")})
    project.project_leader = leader
    project.updated_at = timezone.now()
    project.save(update_fields=["name", "goal", "project_leader", "updated_at"])
    return project


@transaction.atomic
def member_add(*, actor: User, group: str, name: str, role: str = "") -> GroupMember:
    _koordinator(actor)
    if group not in GroupKind.values:
        raise ValidationError({"group": _("Velg styringsgruppe eller arbeidsgruppe.")})
    project = project_for(_kid(actor))
    return GroupMember.objects.create(
        kommune_id=_kid(actor),
        project=project,
        group=group,
        name=_text(name, "name", _("Skriv navnet på medlemmet."), 150),
        role=str(role or "").strip()[:150],
    )


@transaction.atomic
def item_add(*, actor: User, phase: str, title: str, responsible: str = "", due_on: date | None = None) -> PlanItem:
    _koordinator(actor)
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Velg en fase.")})
    project = project_for(_kid(actor))
    return PlanItem.objects.create(
        kommune_id=_kid(actor),
        project=project,
        phase=phase,
        title=_text(title, "title", _("Skriv hva som skal gjøres.")),
        responsible=str(responsible or "").strip()[:150],
        due_on=due_on,
    )


@transaction.atomic
def item_set_status(*, actor: User, item_id: Any, status: str) -> PlanItem:
    _koordinator(actor)
    if status not in ItemStatus.values:
        raise ValidationError({"status": _("Velg en status.")})
    item = PlanItem.objects.select_for_update().filter(pk=item_id, kommune_id=_kid(actor)).first()
    if item is None:
        raise ValidationError({"status": _("Fant ikke aktiviteten.")})
    item.status = status
    item.updated_at = timezone.now()
    item.save(update_fields=["status", "updated_at"])
    return item


@transaction.atomic
def routine_save(*, actor: User, name: str, service_id: Any, assessment: str, note: str = "") -> Routine:
    _koordinator(actor)
    if assessment not in Assessment.values:
        raise ValidationError({"assessment": _("Velg en vurdering.")})
    service = None
    if service_id not in (None, ""):
        service = Service.objects.filter(pk=service_id, kommune_id=_kid(actor)).first()
        if service is None:
            raise ValidationError({"service": _("Velg en tjeneste i kommunen.")})
    return Routine.objects.create(
        kommune_id=_kid(actor),
        project=project_for(_kid(actor)),
        name=_text(name, "name", _("Skriv navnet på rutinen.")),
        service=service,
        assessment=assessment,
        note=str(note or "").strip()[:2000],
    )


@transaction.atomic
def training_register(*, actor: User, user_ids: list[int], kind: str, completed_on: date | None) -> int:
    """Register one training for several staff members (the koordinator for anyone in the
    kommune, a unit leader for the people of their units). A second registration of the
    same training moves its date."""
    if kind not in TrainingKind.values:
        raise ValidationError({"kind": _("Velg hvilken opplæring det gjelder.")})
    if completed_on is None:
        raise ValidationError({"completed_on": _("Skriv datoen for opplæringen (dd.mm.åååå).")})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("Datoen kan ikke være fram i tid.")})
    if not user_ids:
        raise ValidationError({"users": _("Velg minst én ansatt.")})
    allowed = User.objects.filter(kommune_id=_kid(actor), is_active=True)
    if not rules.is_koordinator(actor):
        units = rules.led_unit_ids(actor)
        if not units:
            raise ValidationError({"users": _("Du kan bare registrere opplæring for ansatte i egne enheter.")})
        allowed = allowed.filter(memberships__unit_id__in=units)
    users = list(allowed.filter(pk__in=user_ids).distinct())
    if len(users) != len(set(user_ids)):
        raise ValidationError({"users": _("Du kan bare registrere opplæring for ansatte i egne enheter.")})
    for user in users:
        TrainingRecord.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={"kommune_id": _kid(actor), "completed_on": completed_on, "registered_by": actor},
        )
    return len(users)


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


@transaction.atomic
def feedback_send(
    *, actor: User, recipient: str, text: str, anonymous: bool, unit_id: Any = None
) -> tuple[Feedback, str]:
    """Send feedback about the BTI work. Anonymous: no author is stored, and the writer gets
    a code (shown once) to read the answer. Returns the feedback and that code ("" if named)."""
    if _kid(actor) is None:
        raise ValidationError({"text": _("Du må arbeide i en kommune for å sende tilbakemelding.")})
    if recipient not in Recipient.values:
        raise ValidationError({"recipient": _("Velg hvem tilbakemeldingen skal til.")})
    body = _text(text, "text", _("Skriv tilbakemeldingen."), 4000)
    unit = None
    if recipient == Recipient.LEDER:
        units = Unit.objects.filter(pk__in=policy.case_unit_ids(actor)).order_by("name")
        unit = units.filter(pk=unit_id).first() if unit_id not in (None, "") else units.first()
        if unit is None:
            raise ValidationError({"unit": _("Velg enheten din. Tilbakemeldingen går til lederen der.")})
    code = secrets.token_hex(4).upper() if anonymous else ""
    feedback = Feedback.objects.create(
        kommune_id=_kid(actor),
        recipient=recipient,
        unit=unit,
        text=body,
        author=None if anonymous else actor,
        code_hash=_hash(code) if code else "",
    )
    return feedback, code


def feedback_by_code(*, actor: User, code: str) -> Feedback | None:
    if not code.strip():
        return None
    return Feedback.objects.filter(kommune_id=_kid(actor), code_hash=_hash(code)).first()


def may_answer(actor: User, feedback: Feedback) -> bool:
    if feedback.kommune_id != _kid(actor):
        return False
    if feedback.recipient == Recipient.KOORDINATOR:
        return rules.is_koordinator(actor)
    return feedback.unit_id in rules.led_unit_ids(actor)


@transaction.atomic
def feedback_reply(*, actor: User, feedback_id: Any, text: str) -> FeedbackReply:
    feedback = Feedback.objects.select_for_update().filter(pk=feedback_id, kommune_id=_kid(actor)).first()
    if feedback is None or not may_answer(actor, feedback):
        raise ValidationError({"text": _("Fant ikke tilbakemeldingen.")})
    reply = FeedbackReply.objects.create(
        kommune_id=_kid(actor), feedback=feedback, text=_text(text, "text", _("Skriv et svar."), 4000), by=actor
    )
    feedback.status = FeedbackStatus.ANSWERED
    feedback.save(update_fields=["status"])
    return reply
