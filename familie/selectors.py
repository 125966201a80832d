"""Reads of the family portal. Case content comes through the gate's ``CaseView``."""

from __future__ import annotations

from typing import Any

from bti.categories import may_read
from familie.models import HeldBack
from stafettlogg.models import Entry
from stafettlogg.selectors import timeline

FAMILY_PAGE = 200


def family_entries(view: Any) -> list[Entry]:
    """The entries the family sees: readable by the family's categories and not held back
    (C-15, C-18). A held-back or unreadable entry is left out entirely, not shown as
    «skjult»: its very existence could tell a parent about a suspicion (C-18)."""
    entries = timeline(view.case, limit=FAMILY_PAGE, categories=view.categories)[:FAMILY_PAGE]
    held = set(HeldBack.objects.filter(case=view.case).values_list("entry_id", flat=True))
    return [e for e in entries if e.pk not in held and may_read(view.categories, e.category)]


def staff_family_overview(view: Any) -> list[dict[str, Any]]:
    """For staff on the case: every entry the staff member reads, and whether the family
    sees it (and if not, why)."""
    entries = timeline(view.case, limit=FAMILY_PAGE, categories=view.categories)[:FAMILY_PAGE]
    held = {h.entry_id: h for h in HeldBack.objects.filter(case=view.case)}
    rows = []
    for e in entries:
        if getattr(e, "hidden", False):
            continue
        hold = held.get(e.pk)
        rows.append({"entry": e, "hold": hold, "family_sees": hold is None and e.category != "barnevern"})
    return rows


def members_of_case(case: Any) -> list[Any]:
    """Who is registered for the portal on this case's child (no pid is ever shown)."""
    from familie.models import FamilyMember

    if case.child_id is None:
        return []
    return list(FamilyMember.objects.filter(child_id=case.child_id).select_related("guardian").order_by("pk"))


def status_changes(case: Any) -> list[Any]:
    from familie.models import LegalStatusChange

    return list(LegalStatusChange.objects.filter(case=case).select_related("guardian", "changed_by"))


def consents_of(view: Any) -> list[Any]:
    """The case's consents and refusals with their scopes, newest first, for the family."""
    from consent.models import Consent

    consents = list(
        Consent.objects.filter(case=view.case)
        .prefetch_related("scopes__unit", "scopes__category", "guardians", "events")
        .order_by("-registered_at", "-pk")
    )
    for c in consents:
        c.open_scopes = [s for s in c.scopes.all() if s.withdrawn_at is None]  # type: ignore[attr-defined]
    return consents


def guardian_status(view: Any) -> list[dict[str, Any]]:
    """Where both guardians must agree: per (recipient, category) of a current consent, who
    of the guardians with foreldreansvar has consented and who has not."""
    from django.utils import timezone

    from cases.models import Guardian
    from consent.basis import valid_scopes

    holders = list(
        Guardian.objects.filter(child_id=view.case.child_id, has_parental_responsibility=True).order_by("pk")
    )
    scopes = (
        valid_scopes(valid_scopes_units(view.case), timezone.localdate(), view.case.pk)
        .select_related("unit", "category", "consent")
        .prefetch_related("consent__guardians")
    )
    pairs: dict[tuple[int, int], dict[str, Any]] = {}
    for s in scopes:
        row = pairs.setdefault(
            (s.unit_id, s.category_id), {"unit": s.unit, "category": s.category, "given": set(), "youth": False}
        )
        row["given"] |= {g.pk for g in s.consent.guardians.all()}
        row["youth"] = row["youth"] or s.consent.by_young_person
    rows = []
    for row in pairs.values():
        row["has"] = [g for g in holders if g.pk in row["given"]]
        row["has_not"] = [g for g in holders if g.pk not in row["given"]]
        rows.append(row)
    return sorted(rows, key=lambda r: (r["unit"].name, r["category"].sort))


def valid_scopes_units(case: Any) -> Any:
    from consent.models import ConsentScope

    return ConsentScope.objects.filter(case=case).values("unit_id")


def recipient_units(case: Any) -> list[Any]:
    from bti.models import Unit

    return list(
        Unit.objects.filter(kommune_id=case.kommune_id, is_active=True)
        .exclude(pk=case.owner_unit_id)
        .select_related("service")
        .order_by("name")
    )


def reads_of(view: Any, limit: int = 200) -> list[Any]:
    """Every read of the case by staff, from the innsynslogg, newest first."""
    from bti.models import AccessLogEntry

    return list(
        AccessLogEntry.objects.filter(case_id=view.case.pk)
        .select_related("user", "unit", "unit__service")
        .order_by("-at", "-pk")[:limit]
    )


def questions_of(view: Any) -> list[Any]:
    from familie.models import WhyQuestion

    return list(WhyQuestion.objects.filter(case=view.case).select_related("answered_by").order_by("-asked_at"))


def questions_for_leader(user: Any) -> list[Any]:
    """Open questions to the units this user leads."""
    from django.utils import timezone

    from bti.models import Membership, MembershipRole
    from familie.models import WhyQuestion

    today = timezone.localdate()
    led = Membership.objects.filter(user=user, role=MembershipRole.LEDER, valid_from__lte=today).exclude(
        valid_until__lt=today
    )
    return list(
        WhyQuestion.objects.filter(unit_id__in=led.values("unit_id"), answered_at__isnull=True)
        .select_related("access_entry", "access_entry__user")
        .order_by("asked_at")
    )


def concern_units(kommune_id: int) -> list[Any]:
    from bti.models import ServiceKind, Unit

    return list(
        Unit.objects.filter(kommune_id=kommune_id, is_active=True)
        .exclude(service__kind=ServiceKind.BARNEVERN)
        .select_related("service")
        .order_by("name")
    )


def messages_of(view: Any) -> list[Any]:
    """The family member's own thread with the stafettholder in this case, oldest first
    (through ``open_family_case``)."""
    from familie.identity import member_for
    from familie.models import Message

    member = member_for(view.reader, view.case)
    if member is None:
        return []
    return list(
        Message.objects.filter(case=view.case, member=member).select_related("from_user").order_by("sent_at", "pk")
    )


def threads_of(view: Any) -> list[dict[str, Any]]:
    """For staff on the case (through ``open_case``): every family member's thread."""
    from familie.models import Message

    threads: dict[int, dict[str, Any]] = {}
    for m in (
        Message.objects.filter(case=view.case).select_related("member__guardian", "from_user").order_by("sent_at", "pk")
    ):
        threads.setdefault(m.member_id, {"member": m.member, "messages": []})["messages"].append(m)
    return list(threads.values())


def case_contacts(case: Any) -> tuple[list[Any], bool]:
    """Who answers for the case towards the family: the active stafettholder(s), or else
    the owning unit's leaders; and whether they are stafettholders."""
    from bti.models import MembershipRole
    from bti.selectors import unit_people
    from stafettlogg.selectors import current_holders

    holders = [h.user for h in current_holders(case) if h.status == "active"]
    return (holders, True) if holders else (unit_people(case.owner_unit_id, [MembershipRole.LEDER]), False)


def unit_contact(case: Any) -> dict[str, Any]:
    """How the family reaches the unit: the unit, and the active stafettholder (or else the
    unit's leaders) with name and work e-mail. Units keep no phone number of their own."""
    people, is_holder = case_contacts(case)
    return {
        "unit": case.owner_unit,
        "is_holder": is_holder,
        "people": [{"name": u.full_name, "email": u.email} for u in people if u.is_active],
    }
