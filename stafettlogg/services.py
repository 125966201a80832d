"""Writes to the stafettlogg and the stafettholder role. Every function here runs inside
the caller's transaction and with the case row locked (``select_for_update``), so the
sequence numbers and the hash chain of one case never fork."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bti import basis, integrity, policy, registries, sealing
from bti.limits import check_log_entry
from bti.models import Unit, User
from stafettlogg.models import GENESIS_HASH, KIND_CATEGORY, NOTE_KINDS, Entry, EntryKind, HandoverStatus, Stafettholder
from stafettlogg.texts import system_text

if TYPE_CHECKING:
    from cases.models import Case  # cases sits above the stafettlogg (DESIGN.md §2)


def acting_unit(actor: User, case: Case) -> Unit | None:
    """The unit an actor writes for on this case: the owning unit if they belong to it,
    else the unit they hold the stafettholder role for, else their first unit."""
    membership_units = list(policy._active_memberships(actor).order_by("unit_id").values_list("unit_id", flat=True))
    if case.owner_unit_id in membership_units:
        return case.owner_unit
    holder = (
        Stafettholder.objects.filter(case=case, user=actor, status__in=[HandoverStatus.ACTIVE, HandoverStatus.PROPOSED])
        .select_related("unit")
        .first()
    )
    if holder is not None:
        return holder.unit
    return Unit.objects.filter(pk=membership_units[0]).first() if membership_units else None


def entry_append(
    *,
    case: Case,
    actor: User,
    kind: str,
    text: str = "",
    data: dict[str, Any] | None = None,
    corrects: Entry | None = None,
    unit: Unit | None = None,
    category: str | None = None,
) -> Entry:
    """Append one entry to the case's log. Callers hold the case row lock.

    The entry's information category is ``category`` when the writer chose one (checked
    by the caller against the kommune's list), else a ``kategori`` the writing service put
    in ``data``, else the kind's default (``KIND_CATEGORY``)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("entry_append must run inside the caller's transaction")
    check_log_entry(text=text, data=data)
    explicit = (data or {}).get("kategori")
    category = category or (explicit if isinstance(explicit, str) and explicit else None) or KIND_CATEGORY[kind]
    last = Entry.objects.filter(case=case).order_by("-seq").values("seq", "hash").first()
    entry = Entry(
        kommune_id=case.kommune_id,
        case=case,
        seq=(last["seq"] + 1) if last else 1,
        created_at=timezone.now(),
        author=actor,
        author_unit=unit if unit is not None else acting_unit(actor, case),
        kind=kind,
        category=category,
        level=case.level,
        # Sealed before hashing: the chain covers what is stored (docs/adr/0026).
        text=sealing.seal(case.pk, text),
        data=data or {},
        corrects=corrects,
        prev_hash=last["hash"] if last else GENESIS_HASH,
        key_id=integrity.current_key_id(),
    )
    entry.hash = entry.compute_hash()
    entry.save()
    entry.text = sealing.Opened(text, entry.text) if entry.text else entry.text
    policy.case_model().objects.filter(pk=case.pk).update(last_activity_at=entry.created_at)
    case.last_activity_at = entry.created_at
    registries.entry_appended(case=case, actor=actor, entry=entry)
    return entry


def locked_case(actor: User, case_id: int, need: str, expected_version: int | None) -> Case:
    """The case through the access policy, row-locked; a stale ``expected_version`` is a conflict."""
    case = policy.access_case(actor, case_id, need, for_update=True)
    if expected_version is not None and case.version != expected_version:
        from bti.errors import ConflictError

        raise ConflictError()
    return case


def bump_version(case: Case, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version"])


@transaction.atomic
def note_add(
    *,
    actor: User,
    case_id: int,
    kind: str,
    text: str,
    category: str = "",
    expected_version: int | None = None,
) -> Entry:
    """A note, a conversation with the child or the guardians, or observations written down.
    The writer may mark it with a stricter category (a note of «Helseopplysninger»)."""
    case = locked_case(actor, case_id, "add_note", expected_version)
    if kind not in NOTE_KINDS:
        raise ValidationError({"kind": _("Velg en gyldig type loggføring.")})
    if not text.strip():
        raise ValidationError({"text": _("Skriv hva som skal loggføres.")})
    chosen = basis.check_category(case.kommune_id, category, KIND_CATEGORY[kind])
    return entry_append(case=case, actor=actor, kind=kind, text=text.strip(), category=chosen)


@transaction.atomic
def entry_correct(
    *, actor: User, case_id: int, entry_id: int, text: str, reason: str, expected_version: int | None = None
) -> Entry:
    """A correction is a new entry pointing at the old one; the old one stays as it was."""
    case = locked_case(actor, case_id, "correct_entry", expected_version)
    original = Entry.objects.filter(case=case, pk=entry_id).first()
    if original is None:
        raise ValidationError({"entry": _("Fant ikke loggføringen som skal korrigeres.")})
    if not text.strip():
        raise ValidationError({"text": _("Skriv den korrigerte teksten.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor loggføringen korrigeres.")})
    return entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.KORRIGERING,
        text=text.strip(),
        data={"reason": reason.strip(), "corrects_seq": original.seq},
        corrects=original,
        # A correction is read by those who read what it corrects, never by more.
        category=original.category,
    )


def stafettholder_start(*, case: Case, user: User, unit: Unit, actor: User) -> Stafettholder:
    """Make ``user`` the active stafettholder now (first holder of a case). Caller holds the lock."""
    now = timezone.now()
    holder = Stafettholder.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        user=user,
        unit=unit,
        status=HandoverStatus.ACTIVE,
        proposed_by=actor,
        proposed_at=now,
        responded_at=now,
        started_at=now,
    )
    started_text, started_data = system_text("stafettholder.started", name=user.full_name, unit=unit.name)
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.STAFETTHOLDER,
        text=started_text,
        data={"event": "started", "user": user.pk, "unit": unit.pk, **started_data},
    )
    registries.notify("became_stafettholder", holder=holder, actor=actor)
    return holder


def stafettholder_end_all(*, case: Case) -> None:
    """End the active role and any open proposal (the case is closed). Caller holds the lock."""
    now = timezone.now()
    Stafettholder.objects.filter(case=case, status=HandoverStatus.ACTIVE).update(
        status=HandoverStatus.ENDED, ended_at=now
    )
    Stafettholder.objects.filter(case=case, status=HandoverStatus.PROPOSED).update(
        status=HandoverStatus.WITHDRAWN, responded_at=now
    )


def active_stafettholder(case: Case) -> Stafettholder | None:
    return Stafettholder.objects.filter(case=case, status=HandoverStatus.ACTIVE).select_related("user", "unit").first()


def pending_handover(case: Case) -> Stafettholder | None:
    return (
        Stafettholder.objects.filter(case=case, status=HandoverStatus.PROPOSED).select_related("user", "unit").first()
    )


@transaction.atomic
def handover_propose(
    *,
    actor: User,
    case_id: int,
    to_user_id: int,
    to_unit_id: int | None = None,
    message: str = "",
    expected_version: int | None = None,
) -> Stafettholder:
    """Propose a new stafettholder. The current holder keeps the role until acceptance."""
    case = locked_case(actor, case_id, "propose_handover", expected_version)
    to_user = User.objects.filter(pk=to_user_id, kommune_id=case.kommune_id, is_active=True).first()
    if to_user is None:
        raise ValidationError({"to_user": _("Velg en aktiv ansatt i kommunen.")})
    units = Unit.objects.filter(pk__in=policy.case_unit_ids(to_user), kommune_id=case.kommune_id).order_by("name")
    unit = units.filter(pk=to_unit_id).first() if to_unit_id else units.first()
    if unit is None:
        raise ValidationError({"to_user": _("Personen må være ansatt eller leder i en enhet i kommunen.")})
    current = active_stafettholder(case)
    if current is not None and current.user_id == to_user.pk:
        raise ValidationError({"to_user": _("Personen er allerede stafettholder.")})
    if pending_handover(case) is not None:
        raise ValidationError(
            {"to_user": _("Det finnes allerede et forslag som venter på svar. Trekk det tilbake først.")}
        )
    proposal = Stafettholder.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        user=to_user,
        unit=unit,
        status=HandoverStatus.PROPOSED,
        proposed_by=actor,
        message=message.strip(),
    )
    proposed_text, proposed_data = system_text(
        "stafettholder.proposed", actor=actor.full_name, name=to_user.full_name, unit=unit.name
    )
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.STAFETTHOLDER,
        text=proposed_text,
        data={"event": "proposed", "user": to_user.pk, "unit": unit.pk, "message": message.strip(), **proposed_data},
    )
    bump_version(case)
    registries.notify("handover_proposed", proposal=proposal, actor=actor)
    return proposal


@transaction.atomic
def handover_accept(*, actor: User, case_id: int, expected_version: int | None = None) -> Stafettholder:
    case = locked_case(actor, case_id, "view", expected_version)
    proposal = (
        Stafettholder.objects.filter(case=case, user=actor, status=HandoverStatus.PROPOSED)
        .select_related("unit")
        .first()
    )
    if proposal is None:
        raise ValidationError({"handover": _("Du har ikke fått noe forslag om å bli stafettholder i denne saken.")})
    # A proposal opens nothing; taking the role needs a basis for the receiving unit: the
    # same unit, a consent covering it, or another legal basis (issue 13 item 4).
    if proposal.unit_id != case.owner_unit_id and not basis.has_basis(unit_ids=[proposal.unit_id], case_id=case.pk):
        raise ValidationError(
            {
                "handover": _(
                    "%(unit)s har ikke samtykke eller annet rettslig grunnlag i saken. Saken må først få et "
                    "samtykke som omfatter %(unit)s, før du kan ta imot stafettholderrollen."
                )
                % {"unit": proposal.unit.name}
            }
        )
    now = timezone.now()
    previous = active_stafettholder(case)
    if previous is not None:
        previous.status = HandoverStatus.ENDED
        previous.ended_at = now
        previous.save(update_fields=["status", "ended_at"])
    proposal.status = HandoverStatus.ACTIVE
    proposal.responded_at = now
    proposal.started_at = now
    proposal.save(update_fields=["status", "responded_at", "started_at"])
    if previous is not None:
        accepted_text, accepted_data = system_text(
            "stafettholder.accepted_from", name=actor.full_name, unit=proposal.unit.name, prev=previous.user.full_name
        )
    else:
        accepted_text, accepted_data = system_text(
            "stafettholder.accepted", name=actor.full_name, unit=proposal.unit.name
        )
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.STAFETTHOLDER,
        text=accepted_text,
        data={
            "event": "accepted",
            "user": actor.pk,
            "unit": proposal.unit_id,
            "previous": previous.user_id if previous else None,
            **accepted_data,
        },
        unit=proposal.unit,
    )
    bump_version(case)
    registries.notify("handover_answered", proposal=proposal)
    registries.notify("became_stafettholder", holder=proposal, actor=actor)
    return proposal


@transaction.atomic
def handover_decline(*, actor: User, case_id: int, reason: str, expected_version: int | None = None) -> Stafettholder:
    case = locked_case(actor, case_id, "view", expected_version)
    proposal = (
        Stafettholder.objects.filter(case=case, user=actor, status=HandoverStatus.PROPOSED)
        .select_related("unit")
        .first()
    )
    if proposal is None:
        raise ValidationError({"handover": _("Du har ikke fått noe forslag om å bli stafettholder i denne saken.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor du takker nei, så den som foreslo deg kan finne en annen.")})
    proposal.status = HandoverStatus.DECLINED
    proposal.responded_at = timezone.now()
    proposal.response_reason = reason.strip()
    proposal.save(update_fields=["status", "responded_at", "response_reason"])
    declined_text, declined_data = system_text("stafettholder.declined", name=actor.full_name, reason=reason.strip())
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.STAFETTHOLDER,
        text=declined_text,
        data={"event": "declined", "user": actor.pk, **declined_data},
        unit=proposal.unit,
    )
    bump_version(case)
    registries.notify("handover_answered", proposal=proposal)
    return proposal


@transaction.atomic
def handover_withdraw(*, actor: User, case_id: int, expected_version: int | None = None) -> Stafettholder:
    case = locked_case(actor, case_id, "propose_handover", expected_version)
    proposal = pending_handover(case)
    if proposal is None:
        raise ValidationError({"handover": _("Det finnes ikke noe forslag å trekke tilbake.")})
    proposal.status = HandoverStatus.WITHDRAWN
    proposal.responded_at = timezone.now()
    proposal.save(update_fields=["status", "responded_at"])
    withdrawn_text, withdrawn_data = system_text("stafettholder.withdrawn", name=proposal.user.full_name)
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.STAFETTHOLDER,
        text=withdrawn_text,
        data={"event": "withdrawn", "user": proposal.user_id, **withdrawn_data},
    )
    bump_version(case)
    registries.notify("handover_answered", proposal=proposal)
    return proposal
