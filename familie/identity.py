"""Who the family is (issue 14 item 1): decided on every request, nothing cached.

A person logged in with ID-porten is known by ``pid_index`` (``bti.security.oidc.pid_index``).
They read a child's case when a ``FamilyMember`` row links that index to the child and

* as a guardian: the guardian has foreldreansvar now (never one without: the Bergen/Vigilo
  fine), and the child's address is not protected from this guardian;
* as the young person: the child is at least the kommune's «samtykker selv»-age
  (``consent.AgeRules.consents_alone_from``, default 16), or 12–15 and given read access;
* a demo person only while DEMO_MODE is on, and only through the test ID-porten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bti.categories import BARNEVERN, HELSE
from cases.models import Case
from consent.models import AgeRules
from consent.services import categories_for
from familie.models import AddressProtection, FamilyMember, MemberKind

READS_WITH_GRANT_FROM = 12


@dataclass(frozen=True)
class FamilyReader:
    """The person in the session: the keyed hash of their pid, and whether they came through
    the test ID-porten. Not a staff user (``is_authenticated`` is False)."""

    pid_index: str
    demo: bool = False
    is_authenticated = False

    @classmethod
    def from_session(cls, session: Any) -> FamilyReader | None:
        citizen = session.get("citizen") or {}
        pid_index = citizen.get("pid_index")
        if not pid_index:
            return None
        return cls(pid_index=str(pid_index), demo=bool(citizen.get("demo")))


def refusal(member: FamilyMember, day: Any = None) -> str:
    """Why this member may not read the child's case now ('' when they may)."""
    day = day or timezone.localdate()
    if member.is_demo and not settings.DEMO_MODE:
        return _("Testbrukere kan bare logge inn i demoversjonen.")
    if member.kind == MemberKind.FORESATT:
        guardian = member.guardian
        if guardian is None or not guardian.has_parental_responsibility:
            return _(
                "Du er registrert uten foreldreansvar for barnet. Bare foresatte med foreldreansvar "
                "kan se saken. Ta kontakt med enheten hvis dette er feil."
            )
        if AddressProtection.objects.filter(child_id=member.child_id, protected_from=guardian).exists():
            return _("Du har ikke tilgang til denne saken. Ta kontakt med enheten hvis du har spørsmål.")
        return ""
    age = member.child.age_on(day)
    rules = AgeRules.for_kommune(member.kommune_id)
    if age is not None and (age >= rules.consents_alone_from or (age >= READS_WITH_GRANT_FROM and member.read_granted)):
        return ""
    return _("Du kan se saken din selv fra du er %(age)s år. Snakk med en voksen i tjenesten.") % {
        "age": rules.consents_alone_from
    }


def members_of(reader: FamilyReader) -> list[FamilyMember]:
    """The registrations of this person (one per child), demo rows only for demo logins."""
    qs = FamilyMember.objects.filter(pid_index=reader.pid_index).select_related("child", "guardian")
    if not reader.demo:
        qs = qs.filter(is_demo=False)
    return list(qs.order_by("pk"))


def allowed_members(reader: FamilyReader) -> list[FamilyMember]:
    return [m for m in members_of(reader) if not refusal(m)]


def family_cases(reader: FamilyReader) -> list[Case]:
    """The cases of the children this person may read, newest first."""
    members = allowed_members(reader)
    if not members:
        return []
    return list(
        Case.objects.filter(child_id__in=[m.child_id for m in members], kommune_id__in={m.kommune_id for m in members})
        .select_related("owner_unit", "child")
        .order_by("-opened_at")
    )


def member_for(reader: Any, case: Case) -> FamilyMember | None:
    if not isinstance(reader, FamilyReader):
        return None
    for member in allowed_members(reader):
        if member.child_id == case.child_id and member.kommune_id == case.kommune_id:
            return member
    return None


def resolve_case(reader: Any, case_id: Any) -> Case | None:
    """The gate's family audience: the case, if this person is its child's family now."""
    if not isinstance(reader, FamilyReader):
        return None
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        return None
    case = Case.objects.filter(pk=pk).exclude(Q(child__isnull=True)).select_related("owner_unit", "child").first()
    if case is None or member_for(reader, case) is None:
        return None
    return case


def categories(reader: Any, case: Case) -> frozenset[str]:
    """All the kommune's categories but barnevern's (C-21); a guardian of a young person
    past the health age reads no health information (C-14)."""
    member = member_for(reader, case)
    codes = {c.code for c in categories_for(case.kommune_id)} - {BARNEVERN}
    if member is not None and member.kind == MemberKind.FORESATT:
        age = case.child.age_on(timezone.localdate()) if case.child else None
        if age is not None and age >= AgeRules.for_kommune(case.kommune_id).health_consents_alone_from:
            codes.discard(HELSE)
    return frozenset(codes)
