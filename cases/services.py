"""Every state change of children and cases (STYLE.md §1): keyword-only, checks the
access policy, one transaction, a stafettlogg entry for each change."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.no import fodselsnummer

from bti import policy, registries
from bti.limits import check_child_dates, unborn_termin_range
from bti.models import Unit, User
from cases.models import Case, CaseSource, CaseStatus, Child, Guardian, fnr_index
from stafettlogg.models import EntryKind
from stafettlogg.services import (
    active_stafettholder,
    bump_version,
    entry_append,
    locked_case,
    stafettholder_end_all,
    stafettholder_start,
)
from stafettlogg.texts import system_text

SHARING_WITH = {
    "leder": "Leder",
    "kollega": "Kollega",
    "barnet": "Barnet",
    "foresatte": "Foresatte",
    "anonym_drofting": "Anonym drøfting med annen tjeneste",
}


def clean_fnr(raw: str) -> str:
    """Validate a fødselsnummer or D-nummer (checksum included); return the 11 digits."""
    value = "".join(ch for ch in raw if ch.isdigit())
    if not value:
        return ""
    try:
        return str(fodselsnummer.validate(value))
    except Exception as exc:
        raise ValidationError(
            {"fnr": _("Fødselsnummeret eller D-nummeret er ikke gyldig. Sjekk at alle 11 sifrene er riktige.")}
        ) from exc


def _birth_date_from_fnr(fnr: str) -> date | None:
    try:
        return fodselsnummer.get_birth_date(fnr)
    except Exception:  # noqa: BLE001
        return None


def _reason(reason: str, field: str = "reason") -> str:
    if not reason or not reason.strip():
        raise ValidationError({field: _("Skriv en begrunnelse.")})
    return reason.strip()


def _case_unit(actor: User, unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id, pk__in=policy.case_unit_ids(actor)).select_related("kommune").first()
    if unit is None:
        raise ValidationError({"unit": _("Velg en enhet du arbeider i.")})
    return unit


def _find_or_create_child(
    *,
    kommune_id: int,
    full_name: str,
    fnr: str,
    birth_date: date | None,
    gender: str,
    expected_date: date | None = None,
) -> Child:
    """Same fnr in the same kommune is the same child (never a duplicate row). The answer
    is the same whether the number was known or not (no fnr oracle, issue 20): the case
    keeps the name its own people typed (``Case.child_name``), and nothing of the other
    cases (their names, guardians, reads) is shown through the shared child."""
    check_child_dates(birth_date=birth_date, expected_date=expected_date)
    fnr = clean_fnr(fnr) if fnr else ""
    if not full_name.strip():
        raise ValidationError({"full_name": _("Skriv barnets navn.")})
    if not fnr and birth_date is None and expected_date is None:
        raise ValidationError(
            {"fnr": _("Oppgi fødselsnummer eller D-nummer, fødselsdato, eller termin for et ufødt barn.")}
        )
    if fnr:
        from_fnr = _birth_date_from_fnr(fnr)
        if birth_date is not None and from_fnr is not None and birth_date != from_fnr:
            raise ValidationError({"birth_date": _("Fødselsdatoen stemmer ikke med fødselsnummeret.")})
        existing = Child.objects.filter(kommune_id=kommune_id, fnr_index=fnr_index(kommune_id, fnr)).first()
        if existing is not None:
            return existing
        birth_date = from_fnr or birth_date
    child = Child(
        kommune_id=kommune_id,
        full_name=full_name.strip(),
        fnr=fnr,
        fnr_index=fnr_index(kommune_id, fnr) if fnr else "",
        birth_date=birth_date,
        expected_date=expected_date,
        gender=gender or "",
    )
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError:
        # A concurrent registration of the same fnr won the race: use that child.
        return Child.objects.get(kommune_id=kommune_id, fnr_index=child.fnr_index)
    return child


@transaction.atomic
def undring_create(
    *,
    actor: User,
    unit_id: int,
    observation: str,
    source: str = CaseSource.ANSATT,
    anonymous_label: str = "",
    child_name: str = "",
    fnr: str = "",
    birth_date: date | None = None,
    gender: str = "",
    unborn: bool = False,
    expected_date: date | None = None,
    mother_name: str = "",
    mother_phone: str = "",
) -> Case:
    """Register a new undring on nivå 0. The child may be anonymous (initials or an
    internal reference) until the beslutning, or unborn (``unborn``: the termin and the
    mother, who is the person concerned and is registered as the case's «mor» with
    foreldreansvar, so she can consent for the child; issue 17 item 6)."""
    unit = _case_unit(actor, unit_id)
    errors: dict[str, Any] = {}
    if not observation or not observation.strip():
        errors["observation"] = _("Beskriv hva du har sett eller hørt.")
    if source not in CaseSource.values:
        errors["source"] = _("Velg hvem undringen kommer fra.")
    if unborn:
        errors |= unborn_errors(expected_date, mother_name)
    if errors:
        raise ValidationError(errors)
    if unborn:
        return _undring_unborn(
            actor=actor,
            unit=unit,
            observation=observation,
            source=source,
            expected_date=expected_date,
            mother_name=mother_name,
            mother_phone=mother_phone,
        )
    child = None
    if child_name.strip() or fnr.strip():
        child = _find_or_create_child(
            kommune_id=unit.kommune_id, full_name=child_name, fnr=fnr, birth_date=birth_date, gender=gender
        )
    elif not anonymous_label.strip():
        raise ValidationError({"anonymous_label": _("Skriv initialer eller en intern referanse, eller barnets navn.")})
    case = Case.objects.create(
        kommune_id=unit.kommune_id,
        child=child,
        child_name=" ".join(child_name.split()) if child is not None else "",
        anonymous_label=anonymous_label.strip()[:40],
        owner_unit=unit,
        created_by=actor,
        source=source,
        decision_deadline=timezone.localdate() + timedelta(days=unit.kommune.decision_deadline_days),
    )
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.UNDRING,
        text=observation.strip(),
        data={"source": source},
        unit=unit,
    )
    registries.case_opened(case=case)
    return case


def unborn_errors(expected_date: date | None, mother_name: str) -> dict[str, Any]:
    """The same checks for the form and the API (they both call ``undring_create``)."""
    errors: dict[str, Any] = {}
    if expected_date is None:
        errors["expected_date"] = _("Skriv terminen, for eksempel 01.05.2027.")
    else:
        try:
            unborn_termin_range(expected_date)
        except ValidationError as exc:
            errors["expected_date"] = exc.messages[0]
    if not (mother_name or "").strip():
        errors["mother_name"] = _("Skriv navnet til mor. Hun er den saken gjelder til barnet er født.")
    return errors


def _undring_unborn(
    *,
    actor: User,
    unit: Unit,
    observation: str,
    source: str,
    expected_date: date | None,
    mother_name: str,
    mother_phone: str,
) -> Case:
    """An unborn child with its termin; the mother is the case's «mor» with foreldreansvar."""
    assert expected_date is not None
    mother = " ".join(mother_name.split())
    child = Child.objects.create(kommune_id=unit.kommune_id, full_name="", expected_date=expected_date)
    case = Case.objects.create(
        kommune_id=unit.kommune_id,
        child=child,
        child_name=_("Ufødt barn av %(mother)s") % {"mother": mother},
        owner_unit=unit,
        created_by=actor,
        source=source,
        decision_deadline=timezone.localdate() + timedelta(days=unit.kommune.decision_deadline_days),
    )
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.UNDRING,
        text=observation.strip(),
        data={"source": source, "unborn": True, "termin": expected_date.isoformat()},
        unit=unit,
    )
    guardian_add(
        actor=actor,
        case_id=case.pk,
        full_name=mother,
        relation=_("mor"),
        has_parental_responsibility=True,
        phone=mother_phone,
    )
    registries.case_opened(case=case)
    return case


@transaction.atomic
def undring_from_family(*, actor: User, unit_id: Any, child: Child, observation: str, source: str) -> Case:
    """An undring or bekymring a parent or the young person raised in the family portal
    (issue 14 item 5): a nivå 0 case of the chosen unit about the family's own child.
    ``actor`` is the kommune's portal account; the family app has decided who the family is."""
    try:
        pk = int(unit_id)
    except (TypeError, ValueError):
        pk = 0
    unit = Unit.objects.filter(pk=pk, kommune_id=child.kommune_id, is_active=True).select_related("kommune").first()
    if unit is None:
        raise ValidationError({"unit": _("Velg barnehagen, skolen eller tjenesten du vil kontakte.")})
    text = (observation or "").strip()
    if not text:
        raise ValidationError({"observation": _("Skriv hva du lurer på eller er bekymret for.")})
    if source not in (CaseSource.FORELDRE, CaseSource.BARNET):
        raise ValidationError({"source": _("Velg hvem undringen kommer fra.")})
    case = Case.objects.create(
        kommune_id=unit.kommune_id,
        child=child,
        child_name=child.full_name,
        owner_unit=unit,
        created_by=actor,
        source=source,
        decision_deadline=timezone.localdate() + timedelta(days=unit.kommune.decision_deadline_days),
    )
    entry_append(case=case, actor=actor, kind=EntryKind.UNDRING, text=text, data={"source": source}, unit=unit)
    registries.case_opened(case=case)
    return case


@transaction.atomic
def case_record_sharing(
    *,
    actor: User,
    case_id: int,
    with_whom: list[str],
    text: str,
    other_service: str = "",
    expected_version: int | None = None,
) -> Any:
    """Deling on nivå 0: with whom the undring was discussed. Recorded, not yet gated by consent."""
    case = locked_case(actor, case_id, "nivå0", expected_version)
    chosen = [w for w in with_whom if w in SHARING_WITH]
    if not chosen:
        raise ValidationError({"with_whom": _("Velg hvem du har delt undringen med.")})
    if "anonym_drofting" in chosen and not other_service.strip():
        raise ValidationError({"other_service": _("Skriv hvilken tjeneste saken ble drøftet anonymt med.")})
    if not text.strip():
        raise ValidationError({"text": _("Skriv kort hva som kom fram.")})
    return entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.DELING,
        text=text.strip(),
        data={"with": chosen, "other_service": other_service.strip()},
    )


@transaction.atomic
def case_identify(
    *,
    actor: User,
    case_id: int,
    full_name: str,
    fnr: str = "",
    birth_date: date | None = None,
    gender: str = "",
    expected_version: int | None = None,
) -> Case:
    """Replace the anonymous label with the child's identity (required before nivå 1–3)."""
    case = locked_case(actor, case_id, "identify", expected_version)
    if case.child_id is not None:
        raise ValidationError({"full_name": _("Barnet i saken er allerede identifisert.")})
    case.child = _find_or_create_child(
        kommune_id=case.kommune_id, full_name=full_name, fnr=fnr, birth_date=birth_date, gender=gender
    )
    case.child_name = " ".join(full_name.split())
    text, text_data = system_text("case.identified", label=case.anonymous_label)
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.IDENTIFISERING,
        text=text,
        data={"child": case.child.pk, **text_data},
    )
    bump_version(case, "child", "child_name")
    return case


DEADLINE_MAX_DAYS = 120


@transaction.atomic
def case_set_decision_deadline(
    *, actor: User, case_id: int, deadline: date | None, reason: str, expected_version: int | None = None
) -> Case:
    """Move the frist for beslutning of a nivå 0 case (sooner when it is urgent, later when
    the family needs time), with the reason in the stafettlogg."""
    case = locked_case(actor, case_id, "nivå0", expected_version)
    reason = _reason(reason)
    today = timezone.localdate()
    if case.level != 0:
        raise ValidationError({"deadline": _("Fristen for beslutning gjelder bare på nivå 0.")})
    if deadline is None:
        raise ValidationError({"deadline": _("Skriv den nye fristen, for eksempel 24.12.2026.")})
    if deadline < today or deadline > today + timedelta(days=DEADLINE_MAX_DAYS):
        raise ValidationError(
            {"deadline": _("Fristen må være fra i dag til %(days)s dager fram i tid.") % {"days": DEADLINE_MAX_DAYS}}
        )
    old = case.decision_deadline
    case.decision_deadline = deadline
    bump_version(case, "decision_deadline")
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=_("Fristen for beslutning er endret fra %(old)s til %(new)s. Begrunnelse: %(reason)s")
        % {
            "old": old.strftime("%d.%m.%Y") if old else "–",
            "new": deadline.strftime("%d.%m.%Y"),
            "reason": reason,
        },
        data={"event": "decision_deadline", "from": old.isoformat() if old else None, "to": deadline.isoformat()},
    )
    return case


def _require_identity(case: Case) -> None:
    if case.child_id is None:
        raise ValidationError({"to_level": _("Barnet må identifiseres før saken kan gå videre til nivå 1, 2 eller 3.")})


@transaction.atomic
def case_change_level(
    *,
    actor: User,
    case_id: int,
    to_level: int,
    reason: str,
    expected_version: int | None = None,
    stafettholder_id: int | None = None,
) -> Case:
    """Move an open case along the transition table on ``Case``. Leaving nivå 0 is the
    beslutning: it needs the child's identity and makes someone stafettholder (the actor
    unless another person of the owning unit is named)."""
    case = locked_case(actor, case_id, "change_level", expected_version)
    reason = _reason(reason)
    try:
        to_level = int(to_level)
    except (TypeError, ValueError):
        raise ValidationError({"to_level": _("Velg et nivå.")}) from None
    if to_level not in case.allowed_levels():
        raise ValidationError(
            {
                "to_level": _("Saken kan ikke gå fra nivå %(from)s til nivå %(to)s.")
                % {"from": case.level, "to": to_level}
            }
        )
    from_level = case.level
    if from_level == 0:
        _require_identity(case)
    case.level = to_level
    case.level_changed_at = timezone.now()
    bump_version(case, "level", "level_changed_at")
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.BESLUTNING if from_level == 0 else EntryKind.NIVAENDRING,
        text=reason,
        data={"from_level": from_level, "to_level": to_level},
    )
    if active_stafettholder(case) is None:
        holder = actor
        if stafettholder_id and stafettholder_id != actor.pk:
            holder_candidate = User.objects.filter(
                pk=stafettholder_id, pk__in=_owner_unit_user_ids(case), is_active=True
            ).first()
            if holder_candidate is None:
                raise ValidationError({"stafettholder": _("Stafettholder må være ansatt i enheten som eier saken.")})
            holder = holder_candidate
        unit = case.owner_unit if holder.pk in _owner_unit_user_ids(case) else None
        if unit is None:
            raise ValidationError({"stafettholder": _("Stafettholder må være ansatt i enheten som eier saken.")})
        stafettholder_start(case=case, user=holder, unit=unit, actor=actor)
    return case


def _owner_unit_user_ids(case: Case) -> set[int]:
    from bti.models import Membership

    today = timezone.localdate()
    return set(
        Membership.objects.filter(unit_id=case.owner_unit_id, role__in=policy.CASE_ROLES, valid_from__lte=today)
        .exclude(valid_until__lt=today)
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def case_close(*, actor: User, case_id: int, reason: str, expected_version: int | None = None) -> Case:
    """Close from any open level (on nivå 0: «ikke grunn til å gå videre»)."""
    case = locked_case(actor, case_id, "close", expected_version)
    reason = _reason(reason)
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.close_reason = reason
    bump_version(case, "status", "closed_at", "close_reason")
    stafettholder_end_all(case=case)
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.AVSLUTNING,
        text=reason,
        data={"level": case.level},
    )
    return case


@transaction.atomic
def case_transfer_owner_unit(*, actor: User, case_id: int, to_unit_id: int) -> Case:
    """Move the case to another unit in the same kommune (the accepting step of an
    overgang, see samarbeid.services.transition_accept). Only a person who works in the
    receiving unit may do it. The sending unit's access through ``rule_owner_unit`` ends
    with this change; what its people wrote stays in the log under their names."""
    case = locked_case(actor, case_id, "view", None)
    if not case.is_open:
        raise ValidationError({"to_unit": _("Saken er avsluttet og kan ikke overføres.")})
    to_unit = Unit.objects.filter(pk=to_unit_id, kommune_id=case.kommune_id, is_active=True).first()
    if to_unit is None:
        raise ValidationError({"to_unit": _("Velg en aktiv enhet i samme kommune.")})
    if to_unit.pk == case.owner_unit_id:
        raise ValidationError({"to_unit": _("Saken hører allerede til denne enheten.")})
    if not policy.case_unit_ids(actor).filter(unit_id=to_unit.pk).exists():
        raise ValidationError({"to_unit": _("Bare ansatte i den mottakende enheten kan ta imot saken.")})
    from_unit = case.owner_unit
    case.owner_unit = to_unit
    bump_version(case, "owner_unit")
    text, text_data = system_text("case.transferred", **{"from": from_unit.name, "to": to_unit.name})
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=text,
        data={"event": "owner_unit_changed", "from_unit": from_unit.pk, "to_unit": to_unit.pk, **text_data},
        unit=to_unit,
    )
    return case


@transaction.atomic
def case_reopen(*, actor: User, case_id: int, reason: str, expected_version: int | None = None) -> Case:
    """Reopen a closed case on the level it was closed on; on nivå 1–3 the actor becomes
    stafettholder (the role ended at closing)."""
    case = locked_case(actor, case_id, "reopen", expected_version)
    reason = _reason(reason)
    case.status = CaseStatus.OPEN
    case.closed_at = None
    bump_version(case, "status", "closed_at")
    entry_append(case=case, actor=actor, kind=EntryKind.GJENAPNING, text=reason, data={"level": case.level})
    if case.level >= 1:
        if actor.pk not in _owner_unit_user_ids(case):
            raise ValidationError({"reason": _("Bare ansatte i enheten som eier saken kan gjenåpne den.")})
        stafettholder_start(case=case, user=actor, unit=case.owner_unit, actor=actor)
    return case


@transaction.atomic
def guardian_add(
    *,
    actor: User,
    case_id: int,
    full_name: str,
    relation: str,
    has_parental_responsibility: bool,
    phone: str = "",
    email: str = "",
    address: str = "",
    protected_address: bool = False,
    expected_version: int | None = None,
) -> Guardian:
    case = locked_case(actor, case_id, "add_note", expected_version)
    if case.child_id is None:
        raise ValidationError({"full_name": _("Identifiser barnet før du legger til foresatte.")})
    if not full_name.strip():
        raise ValidationError({"full_name": _("Skriv navnet til den foresatte.")})
    if not relation.strip():
        raise ValidationError({"relation": _("Skriv relasjonen til barnet, for eksempel mor, far eller verge.")})
    guardian = Guardian.objects.create(
        kommune_id=case.kommune_id,
        child_id=case.child_id,
        registered_in=case,
        full_name=full_name.strip(),
        relation=relation.strip(),
        phone=phone.strip(),
        email=email.strip(),
        address=address.strip(),
        has_parental_responsibility=has_parental_responsibility,
        protected_address=protected_address,
    )
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=_("Foresatt registrert: %(relation)s%(resp)s.")
        % {
            "relation": guardian.relation,
            "resp": _(" med foreldreansvar") if has_parental_responsibility else _(" uten foreldreansvar"),
        },
        data={"guardian": guardian.pk, "event": "guardian_added"},
    )
    return guardian
