"""State changes of the family portal (issue 14): one function each, policy checked, one
transaction, a stafettlogg entry. Staff act through ``policy.access_case``; the family
acts through the gate's family audience (``bti.gate.open_family_case``)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bti import policy
from bti.models import User
from bti.security.oidc import pid_index
from cases.models import Case, Guardian
from familie.models import (
    AddressProtection,
    FamilyMember,
    HeldBack,
    HoldReason,
    LegalStatusBasis,
    LegalStatusChange,
    MemberKind,
)
from stafettlogg.models import Entry, EntryKind
from stafettlogg.services import entry_append

FNR = re.compile(r"^\d{11}$")
REASON_MAX = 2000


def _case(actor: User, case_id: Any) -> Case:
    case = policy.access_case(actor, case_id, "add_note", for_update=True)
    if not policy.can(actor, "add_note", case):
        raise ValidationError({"__all__": _("Du kan ikke endre denne saken.")})
    if case.child_id is None:
        raise ValidationError({"__all__": _("Identifiser barnet først.")})
    return case


def _child_id(case: Case) -> int:
    assert case.child_id is not None  # _case refuses a case without an identified child
    return case.child_id


def _guardian(case: Case, guardian_id: Any) -> Guardian:
    try:
        pk = int(guardian_id)
    except (TypeError, ValueError):
        pk = 0
    guardian = Guardian.objects.filter(pk=pk, child_id=_child_id(case)).select_for_update().first()
    if guardian is None:
        raise ValidationError({"guardian": _("Velg en av barnets foresatte.")})
    return guardian


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": _("Skriv en begrunnelse.")})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": _("Høyst %(n)s tegn.") % {"n": REASON_MAX}})
    return text


@transaction.atomic
def guardian_status_change(
    *, actor: User, case_id: Any, guardian_id: Any, has_responsibility: bool, basis: str, reason: str
) -> LegalStatusChange:
    """Foreldreansvar gained or lost (court decision, agreement, verge …), with the reason.
    Takes effect on the family's next request: a guardian who lost it is refused at once."""
    case = _case(actor, case_id)
    guardian = _guardian(case, guardian_id)
    if basis not in LegalStatusBasis.values:
        raise ValidationError({"basis": _("Velg grunnlaget for endringen.")})
    text = _reason(reason)
    if guardian.has_parental_responsibility == has_responsibility:
        raise ValidationError(
            {"has_responsibility": _("Den foresatte har allerede denne statusen. Ingenting er endret.")}
        )
    change = LegalStatusChange.objects.create(
        kommune_id=case.kommune_id,
        guardian=guardian,
        case=case,
        had_responsibility=guardian.has_parental_responsibility,
        has_responsibility=has_responsibility,
        basis=basis,
        reason=text,
        changed_by=actor,
    )
    guardian.has_parental_responsibility = has_responsibility
    guardian.save(update_fields=["has_parental_responsibility"])
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=_("Foreldreansvar endret for %(relation)s: %(status)s (%(basis)s). Begrunnelse: %(reason)s")
        % {
            "relation": guardian.relation,
            "status": _("har foreldreansvar") if has_responsibility else _("har ikke lenger foreldreansvar"),
            "basis": LegalStatusBasis(basis).label,
            "reason": text,
        },
        data={"event": "guardian_status", "guardian": guardian.pk, "foreldreansvar": has_responsibility},
    )
    return change


@transaction.atomic
def child_address_protect(*, actor: User, case_id: Any, protected_from_id: Any, reason: str) -> AddressProtection:
    """Mark the child's own address as protected, optionally from one guardian, who is then
    never let into the portal for this child."""
    case = _case(actor, case_id)
    protected_from = _guardian(case, protected_from_id) if protected_from_id not in (None, "", 0) else None
    text = _reason(reason)
    protection = AddressProtection.objects.create(
        kommune_id=case.kommune_id, child_id=_child_id(case), protected_from=protected_from, reason=text, set_by=actor
    )
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        # The log names no guardian: the entry may be read by the family.
        text=_("Barnets adresse er sperret."),
        data={"event": "address_protected"},
    )
    return protection


def _entry(case: Case, entry_id: Any) -> Entry:
    try:
        pk = int(entry_id)
    except (TypeError, ValueError):
        pk = 0
    entry = Entry.objects.filter(case=case, pk=pk).first()
    if entry is None:
        raise ValidationError({"entry": _("Fant ikke oppføringen i denne saken.")})
    return entry


@transaction.atomic
def entry_hold(*, actor: User, case_id: Any, entry_id: Any, reason: str, note: str = "") -> HeldBack:
    """Hold an entry back from the family (C-15 a young person's confidence, C-18 suspected
    violence or abuse). Not written to the stafettlogg itself: that entry would tell the
    family that something is held back."""
    case = _case(actor, case_id)
    entry = _entry(case, entry_id)
    if reason not in HoldReason.values:
        raise ValidationError({"reason": _("Velg hvorfor familien ikke skal se oppføringen.")})
    if len(note) > REASON_MAX:
        raise ValidationError({"note": _("Høyst %(n)s tegn.") % {"n": REASON_MAX}})
    if HeldBack.objects.filter(entry=entry).exists():
        raise ValidationError({"entry": _("Oppføringen er allerede holdt tilbake.")})
    return HeldBack.objects.create(
        kommune_id=case.kommune_id, case=case, entry=entry, reason=reason, note=note.strip(), held_by=actor
    )


@transaction.atomic
def family_member_register(*, actor: User, case_id: Any, guardian_id: Any, pid: str) -> FamilyMember:
    """Link a guardian (or, without ``guardian_id``, the child) to a fødselsnummer, so the
    ID-porten login finds them. Only the keyed hash is stored."""
    case = _case(actor, case_id)
    digits = (pid or "").strip()
    if not FNR.match(digits):
        raise ValidationError({"pid": _("Skriv et fødselsnummer eller D-nummer med 11 siffer.")})
    guardian = _guardian(case, guardian_id) if guardian_id not in (None, "", 0) else None
    index = pid_index(digits)
    if FamilyMember.objects.filter(child_id=_child_id(case), pid_index=index).exists():
        raise ValidationError({"pid": _("Denne personen er allerede registrert for barnet.")})
    member = FamilyMember.objects.create(
        kommune_id=case.kommune_id,
        child_id=_child_id(case),
        guardian=guardian,
        kind=MemberKind.FORESATT if guardian else MemberKind.UNGDOM,
        pid_index=index,
    )
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=_("Innlogging i foreldreportalen registrert for %(who)s.")
        % {"who": guardian.relation if guardian else _("barnet")},
        data={"event": "family_member"},
    )
    return member


# --- The family acts (issue 14 items 3–5) ------------------------------------------------

PORTAL_EMAIL = "foreldreportalen-{kommune}@portal.invalid"


def portal_actor(kommune_id: int) -> User:
    """The kommune's account that writes what the family does online (the stafettlogg and the
    consent tables need an author). It cannot log in: no password, inactive."""
    user = User.objects.filter(email=PORTAL_EMAIL.format(kommune=kommune_id)).first()
    if user is None:
        user = User(
            email=PORTAL_EMAIL.format(kommune=kommune_id),
            full_name=str(_("Foreldreportalen")),
            kommune_id=kommune_id,
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
    return user


def _member_of(view: Any) -> FamilyMember:
    from familie.identity import member_for

    member = member_for(view.reader, view.case)
    if member is None:
        raise ValidationError({"__all__": _("Du har ikke tilgang til denne saken.")})
    return member


def member_name(member: FamilyMember) -> str:
    if member.guardian is not None:
        return f"{member.guardian.full_name} ({member.guardian.relation})"
    return str(_("barnet selv"))


def tell_stafettholder(case: Case, text: str) -> int:
    """A notification (no content, only the event and the case number) to the active
    stafettholder, or to the owning unit's leaders when there is none."""
    from familie.selectors import case_contacts
    from oversikt.models import NotificationKind
    from oversikt.services import notify

    users, _is_holder = case_contacts(case)
    sent = 0
    for user in users:
        sent += notify(user=user, kind=NotificationKind.FAMILY, text=text, case_id=case.pk) is not None
    return sent


def unit_leaders(unit_id: int) -> list[User]:
    from bti.models import MembershipRole
    from bti.selectors import unit_people

    return unit_people(unit_id, [MembershipRole.LEDER])


def family_consent(
    *, view: Any, decision: str, unit_ids: list[int], category_codes: list[str], purpose: str,
    child_view: str = "", valid_until: Any = None, renews_id: int | None = None,
) -> Any:  # fmt: skip
    """A guardian or the young person gives or refuses consent online, through the consent
    app's one write path (``consent.services.consent_register_by_family``)."""
    from django.utils import timezone

    from consent import services as consent_services

    member = _member_of(view)
    youth = member.kind == MemberKind.UNGDOM
    refusal = decide_refusal(member, view.case)
    if refusal:
        raise ValidationError({"__all__": refusal})
    if youth and not child_view.strip():
        child_view = str(_("Ungdommen svarte selv i foreldreportalen."))
    today = timezone.localdate()
    return consent_services.consent_register_by_family(
        view=view, actor=portal_actor(view.case.kommune_id), decision=decision,
        guardian_ids=[] if youth or member.guardian_id is None else [member.guardian_id], by_young_person=youth, unit_ids=unit_ids,
        category_codes=category_codes, purpose=purpose, child_view=child_view,
        valid_from=today if decision == "given" else None, valid_until=valid_until, renews_id=renews_id,
    )  # fmt: skip


def decide_refusal(member: FamilyMember, case: Case) -> str:
    """A young person under the kommune's age who was given read access reads, and does not
    decide (consent stays with the guardians)."""
    from django.utils import timezone

    from consent.models import AgeRules

    if member.kind != MemberKind.UNGDOM:
        return ""
    rules = AgeRules.for_kommune(case.kommune_id)
    age = case.child.age_on(timezone.localdate()) if case.child else None
    if age is None or age < rules.consents_alone_from:
        return _("Du kan lese saken, men foreldrene dine svarer på samtykke til du er %(age)s år.") % {
            "age": rules.consents_alone_from
        }
    return ""


def may_withdraw(member: FamilyMember, consent: Any) -> bool:
    """A guardian with foreldreansvar may withdraw any consent given for the child; the
    young person the consents they gave themselves."""
    if member.kind == MemberKind.UNGDOM:
        return bool(consent.by_young_person)
    return True


def family_withdraw(*, view: Any, consent_id: Any, unit_id: int | None = None, category_code: str = "") -> int:
    """Withdraw online; sharing stops on the next request and the stafettholder is told."""
    from consent import services as consent_services

    member = _member_of(view)
    with transaction.atomic():
        count = consent_services.consent_withdraw_by_family(
            view=view, actor=portal_actor(view.case.kommune_id), consent_id=consent_id,
            withdrawn_by_name=member_name(member), unit_id=unit_id, category_code=category_code,
            allowed=lambda consent: may_withdraw(member, consent),
        )  # fmt: skip
        tell_stafettholder(
            view.case, _("Et samtykke er trukket tilbake i foreldreportalen (sak %(case)s).") % {"case": view.case.pk}
        )
    return count


QUESTION_MAX = 2000


def ask_why(*, view: Any, access_entry_id: Any, question: str) -> Any:
    """«Why did this person read my child's case?»: asked to the leader of the reader's
    unit, who is notified; question and answer are kept and shown to the family."""
    from bti.models import AccessLogEntry
    from familie.models import WhyQuestion
    from oversikt.models import NotificationKind
    from oversikt.services import notify

    member = _member_of(view)
    text = (question or "").strip()
    if not text:
        raise ValidationError({"question": _("Skriv spørsmålet ditt.")})
    if len(text) > QUESTION_MAX:
        raise ValidationError({"question": _("Høyst %(n)s tegn.") % {"n": QUESTION_MAX}})
    try:
        pk = int(access_entry_id)
    except (TypeError, ValueError):
        pk = 0
    entry = AccessLogEntry.objects.filter(pk=pk, case_id=view.case.pk).first()
    if entry is None:
        raise ValidationError({"question": _("Fant ikke lesingen i saken.")})
    with transaction.atomic():
        q = WhyQuestion.objects.create(
            kommune_id=view.case.kommune_id, case=view.case, access_entry=entry, unit_id=entry.unit_id,
            asked_by=member, question=text,
        )  # fmt: skip
        for leader in unit_leaders(entry.unit_id) if entry.unit_id else []:
            notify(
                user=leader, kind=NotificationKind.FAMILY, case_id=None,
                text=_("En forelder spør hvorfor en i enheten din leste en sak (spørsmål %(q)s).") % {"q": q.pk},
            )  # fmt: skip
    return q


def answer_why(*, actor: User, question_id: Any, answer: str) -> Any:
    """The unit leader answers; the answer is shown to the family."""
    from django.utils import timezone

    from bti.models import Membership, MembershipRole
    from familie.models import WhyQuestion

    try:
        pk = int(question_id)
    except (TypeError, ValueError):
        pk = 0
    today = timezone.localdate()
    led = Membership.objects.filter(user=actor, role=MembershipRole.LEDER, valid_from__lte=today).exclude(
        valid_until__lt=today
    )
    with transaction.atomic():
        q = WhyQuestion.objects.select_for_update().filter(pk=pk, unit_id__in=led.values("unit_id")).first()
        if q is None:
            raise ValidationError({"answer": _("Fant ikke spørsmålet.")})
        text = (answer or "").strip()
        if not text:
            raise ValidationError({"answer": _("Skriv svaret.")})
        if len(text) > QUESTION_MAX:
            raise ValidationError({"answer": _("Høyst %(n)s tegn.") % {"n": QUESTION_MAX}})
        if q.answered_at is not None:
            raise ValidationError({"answer": _("Spørsmålet er allerede besvart.")})
        q.answer, q.answered_by, q.answered_at = text, actor, timezone.now()
        q.save(update_fields=["answer", "answered_by", "answered_at"])
    return q


def raise_concern(*, reader: Any, child_member_id: Any, unit_id: Any, text: str) -> Case:
    """A parent or the young person raises an undring or bekymring: a nivå 0 case in the
    chosen unit, source «foreldreinitiativ» (or «barnet selv»), the unit's leaders notified."""
    from cases import services as case_services
    from cases.models import CaseSource
    from familie.identity import allowed_members
    from oversikt.models import NotificationKind
    from oversikt.services import notify

    member = next((m for m in allowed_members(reader) if str(m.pk) == str(child_member_id)), None)
    if member is None:
        raise ValidationError({"child": _("Velg barnet det gjelder.")})
    if len(text or "") > 5000:
        raise ValidationError({"observation": _("Høyst %(n)s tegn.") % {"n": 5000}})
    source = CaseSource.BARNET if member.kind == MemberKind.UNGDOM else CaseSource.FORELDRE
    with transaction.atomic():
        case = case_services.undring_from_family(
            actor=portal_actor(member.kommune_id), unit_id=unit_id, child=member.child, observation=text, source=source
        )
        for leader in unit_leaders(case.owner_unit_id):
            notify(
                user=leader, kind=NotificationKind.FAMILY, case_id=case.pk,
                text=_("Ny undring fra foreldreportalen (sak %(case)s).") % {"case": case.pk},
            )  # fmt: skip
    return case


# --- Messages between the family and the stafettholder (item 6) ------------------------------

MESSAGE_MAX = 5000


def message_refusal(member: FamilyMember, case: Case) -> str:
    """Why this family member may not write in the case's thread now ('' when they may).
    A guardian with foreldreansvar (checked by ``identity.refusal``) may, unless the case has
    a melding or an entry about suspected violence or abuse (C-18): then no guardian writes,
    and the page only tells them to contact the unit. The young person writes from the
    kommune's age (``AgeRules.consents_alone_from``); a 12–15-year-old given read access reads
    the thread but does not write in it."""
    from django.utils import timezone

    from consent.models import AgeRules, BarnevernMelding

    if member.kind == MemberKind.UNGDOM:
        rules = AgeRules.for_kommune(case.kommune_id)
        age = case.child.age_on(timezone.localdate()) if case.child else None
        if age is None or age < rules.consents_alone_from:
            return _("Du kan lese saken, men ikke sende meldinger før du er %(age)s år.") % {
                "age": rules.consents_alone_from
            }
        return ""
    suspicion = (
        HeldBack.objects.filter(case=case, reason=HoldReason.C18).exists()
        or BarnevernMelding.objects.filter(case=case, violence_or_abuse=True).exists()
    )
    if suspicion:
        return _("Du kan ikke sende meldinger i denne saken her. Ta kontakt med enheten direkte.")
    return ""


def _message_text(text: str) -> str:
    body = (text or "").strip()
    if not body:
        raise ValidationError({"text": _("Skriv meldingen.")})
    if len(body) > MESSAGE_MAX:
        raise ValidationError(
            {"text": _("Meldingen er på %(len)s tegn. Den kan ha høyst %(n)s tegn. Korte den ned og send igjen.")
             % {"len": len(body), "n": MESSAGE_MAX}}
        )  # fmt: skip
    return body


def message_send_by_family(*, view: Any, text: str) -> Any:
    """A guardian or the young person writes to the stafettholder. One transaction: the
    message, a stafettlogg entry without the text («Ny melding fra familien.») and a
    notification to the stafettholder that only says there is a message (with a link)."""
    from familie.models import Message

    member = _member_of(view)
    refusal = message_refusal(member, view.case)
    if refusal:
        raise ValidationError({"text": refusal})
    body = _message_text(text)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=view.case.pk)
        message = Message.objects.create(kommune_id=case.kommune_id, case=case, member=member, text=body)
        entry_append(
            case=case,
            actor=portal_actor(case.kommune_id),
            kind=EntryKind.NOTAT,
            # Never the message text: the log is read by everyone on the case.
            text=_("Ny melding fra familien i foreldreportalen."),
            data={"event": "family_message", "message": message.pk},
        )
        tell_stafettholder(case, _("Ny melding fra familien i foreldreportalen (sak %(case)s).") % {"case": case.pk})
    return message


def _family_link(case: Case) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse("familie-messages", kwargs={"case_id": case.pk})


def tell_family(member: FamilyMember, case: Case) -> int:
    """E-mail the family member (a guardian with an e-mail address) that there is a new
    message, with the link. Never the text, never the child's name."""
    from django.core.mail import send_mail

    address = member.guardian.email if member.guardian is not None else ""
    if not address:
        return 0
    link = _family_link(case)

    def send() -> None:
        send_mail(
            subject=_("Ny melding i foreldreportalen"),
            message=_(
                "Hei!\n\nDu har fått en ny melding i foreldreportalen. Logg inn med ID-porten for å lese den:"
                " %(link)s\n\nAv personvernhensyn står det ikke noe om saken i denne e-posten.\n"
            )
            % {"link": link},
            from_email=None,
            recipient_list=[address],
        )

    transaction.on_commit(send)
    return 1


def message_send_by_staff(*, actor: User, case_id: Any, member_id: Any, text: str) -> Any:
    """The case's active stafettholder writes in a family member's thread; the stafettlogg
    records that a message was sent (not its text), the family member gets an e-mail with a
    link. Not to someone who may not read the case (no foreldreansvar, protected address)."""
    from familie.identity import refusal
    from familie.models import Message
    from stafettlogg.selectors import current_holders

    body = _message_text(text)
    with transaction.atomic():
        case = _case(actor, case_id)
        if not any(h.user_id == actor.pk and h.status == "active" for h in current_holders(case)):
            raise ValidationError({"text": _("Bare stafettholderen i saken kan skrive til familien.")})
        try:
            pk = int(member_id)
        except (TypeError, ValueError):
            pk = 0
        member = (
            FamilyMember.objects.filter(pk=pk, child_id=_child_id(case), kommune_id=case.kommune_id)
            .select_related("guardian", "child")
            .first()
        )
        if member is None or refusal(member):
            raise ValidationError({"member": _("Velg en i familien som kan logge inn i saken.")})
        message = Message.objects.create(
            kommune_id=case.kommune_id, case=case, member=member, from_user=actor, text=body
        )
        entry_append(
            case=case,
            actor=actor,
            kind=EntryKind.NOTAT,
            text=_("Melding sendt til familien i foreldreportalen."),
            data={"event": "family_message", "message": message.pk},
        )
        tell_family(member, case)
    return message


# --- Read access for a 12–15-year-old (item 3) ------------------------------------------------


@transaction.atomic
def youth_read_grant(*, actor: User, case_id: Any, member_id: Any, granted: bool, reason: str) -> FamilyMember:
    """Give (or take back) a young person of 12–15 read access to their own case in the portal.
    They read, they do not decide: consent and messages stay with the guardians until the
    kommune's age (``AgeRules.consents_alone_from``). The reason goes in the stafettlogg."""
    from django.utils import timezone

    from consent.models import AgeRules
    from familie.identity import READS_WITH_GRANT_FROM

    case = _case(actor, case_id)
    try:
        pk = int(member_id)
    except (TypeError, ValueError):
        pk = 0
    member = (
        FamilyMember.objects.select_for_update()
        .filter(pk=pk, child_id=_child_id(case), kind=MemberKind.UNGDOM)
        .select_related("child")
        .first()
    )
    if member is None:
        raise ValidationError({"member": _("Registrer innlogging for barnet først.")})
    text = _reason(reason)
    age = member.child.age_on(timezone.localdate())
    rules = AgeRules.for_kommune(case.kommune_id)
    if granted and (age is None or age < READS_WITH_GRANT_FROM):
        raise ValidationError({"member": _("Barnet må være minst %(age)s år.") % {"age": READS_WITH_GRANT_FROM}})
    if granted and age is not None and age >= rules.consents_alone_from:
        raise ValidationError({"member": _("Barnet er %(age)s år og ser saken selv uten lesetilgang.") % {"age": age}})
    if member.read_granted == granted:
        raise ValidationError({"granted": _("Barnet har allerede denne tilgangen. Ingenting er endret.")})
    member.read_granted = granted
    member.save(update_fields=["read_granted"])
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=(
            _("Barnet har fått lesetilgang i foreldreportalen. Begrunnelse: %(reason)s")
            if granted
            else _("Barnets lesetilgang i foreldreportalen er tatt bort. Begrunnelse: %(reason)s")
        )
        % {"reason": text},
        data={"event": "youth_read_grant", "member": member.pk, "granted": granted},
    )
    return member


# --- Renew a consent that is about to run out (item 2) -----------------------------------------

RENEW_WITHIN_DAYS = 30


def may_renew(member: FamilyMember, consent: Any, today: Any = None) -> bool:
    """A given consent with open scopes that runs out within ``RENEW_WITHIN_DAYS`` (or has run
    out) may be renewed by those who may withdraw it."""
    from datetime import timedelta

    from django.utils import timezone

    today = today or timezone.localdate()
    open_scopes = [s for s in consent.scopes.all() if s.withdrawn_at is None]
    return (
        consent.decision == "given"
        and bool(open_scopes)
        and consent.valid_until is not None
        and consent.valid_until <= today + timedelta(days=RENEW_WITHIN_DAYS)
        and not consent.renewals.exists()
        and may_withdraw(member, consent)
    )


def family_renew(*, view: Any, consent_id: Any, valid_until: Any) -> Any:
    """Renew online: a new consent for the same recipients, information and purpose, linked
    to the old one (``renews``), through the consent app's one write path."""
    from consent.models import Consent

    member = _member_of(view)
    try:
        pk = int(consent_id)
    except (TypeError, ValueError):
        pk = 0
    consent = Consent.objects.filter(case=view.case, pk=pk).prefetch_related("scopes__category").first()
    if consent is None or not may_renew(member, consent):
        raise ValidationError({"valid_until": _("Dette samtykket kan ikke fornyes her.")})
    scopes = [s for s in consent.scopes.all() if s.withdrawn_at is None]
    return family_consent(
        view=view, decision="given", unit_ids=sorted({s.unit_id for s in scopes}),
        category_codes=sorted({s.category.code for s in scopes}), purpose=consent.purpose,
        child_view=consent.child_view, valid_until=valid_until, renews_id=consent.pk,
    )  # fmt: skip
