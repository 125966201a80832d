"""Read queries for cases, always scoped through the access policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from bti import basis, policy
from bti.categories import ALL
from bti.models import Membership, Unit, User
from cases.models import Case, CaseStatus, Guardian
from stafettlogg.models import HandoverStatus, Stafettholder


def _with_holder(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate the active stafettholder's name without a query per row. Lists never show
    the fødselsnummer, so it is neither read nor decrypted (one Fernet decryption per row)."""
    active = Stafettholder.objects.filter(case_id=OuterRef("pk"), status=HandoverStatus.ACTIVE)
    return (
        qs.select_related("child", "owner_unit")
        .defer("child__fnr", "child__fnr_index")
        .annotate(
            holder_name=Subquery(active.values("user__full_name")[:1]),
            holder_user_id=Subquery(active.values("user_id")[:1]),
        )
    )


def my_cases(user: User, *, include_closed: bool = False) -> QuerySet[Case]:
    """«Mine saker»: cases where I am (or am proposed as) stafettholder, or that I opened,
    among those I may still see."""
    # One id subquery (a UNION of two indexed lookups) drives the query from the user's few
    # cases; an OR of the two would make PostgreSQL walk every open case of the kommune.
    mine = (
        Stafettholder.objects.filter(user=user, status__in=[HandoverStatus.ACTIVE, HandoverStatus.PROPOSED])
        .values("case_id")
        .union(Case.objects.filter(created_by=user).values("pk"))
    )
    qs = policy.cases_visible_to(user).filter(pk__in=mine)
    if not include_closed:
        qs = qs.filter(status=CaseStatus.OPEN)
    return _with_holder(qs).order_by("-last_activity_at", "-pk")


def case_units(user: User) -> QuerySet[Unit]:
    """Units where the user may open an undring (ansatt or leder)."""
    return Unit.objects.filter(pk__in=policy.case_unit_ids(user), is_active=True).order_by("name")


def unit_staff(unit_id: int) -> QuerySet[User]:
    """Active people doing case work in one unit (candidates for first stafettholder)."""
    today = timezone.localdate()
    members = (
        Membership.objects.filter(unit_id=unit_id, role__in=policy.CASE_ROLES, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values("user_id")
    )
    return User.objects.filter(pk__in=members, is_active=True).order_by("full_name")


def _kommune_case_memberships(kommune_id: int) -> QuerySet[Membership]:
    today = timezone.localdate()
    return (
        Membership.objects.filter(
            unit__kommune_id=kommune_id,
            unit__is_active=True,
            role__in=policy.CASE_ROLES,
            valid_from__lte=today,
            user__is_active=True,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("user", "unit")
    )


STAFF_SEARCH_LIMIT = 20


def staff_search(kommune_id: int, q: str, *, chosen: str = "") -> tuple[list[tuple[User, Unit]], bool]:
    """(person, unit) pairs a stafettholder role can be handed to, matching ``q`` on the
    person's or the unit's name (at least two characters), at most ``STAFF_SEARCH_LIMIT``
    of them; plus the pair ``chosen`` ("user:unit") when it is one. The second value says
    whether there were more hits than shown. A kommune has thousands of staff: the case
    page never lists them all."""
    rows: list[tuple[User, Unit]] = []
    q = q.strip()
    more = False
    if len(q) >= 2:
        hits = list(
            _kommune_case_memberships(kommune_id)
            .filter(Q(user__full_name__icontains=q) | Q(unit__name__icontains=q))
            .order_by("user__full_name", "unit__name", "pk")[: STAFF_SEARCH_LIMIT + 1]
        )
        more = len(hits) > STAFF_SEARCH_LIMIT
        rows = [(m.user, m.unit) for m in hits[:STAFF_SEARCH_LIMIT]]
    user_id, _sep, unit_id = chosen.partition(":")
    if (
        user_id.isdigit()
        and unit_id.isdigit()
        and not any(u.pk == int(user_id) and n.pk == int(unit_id) for u, n in rows)
    ):
        pick = _kommune_case_memberships(kommune_id).filter(user_id=int(user_id), unit_id=int(unit_id)).first()
        if pick is not None:
            rows.insert(0, (pick.user, pick.unit))
    return rows, more


def leader_units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=policy.leader_unit_ids(user)).order_by("name")


def unit_cases(
    user: User,
    unit_id: int,
    *,
    status: str = CaseStatus.OPEN,
    level: int | None = None,
    after: tuple[datetime, int] | None = None,
) -> QuerySet[Case]:
    """The unit leader's list of the unit's cases (empty for anyone who does not lead it),
    latest activity first; ``after`` (last_activity_at, id) of the previous page's last
    row gives the next page (keyset: as fast on page 100 as on page 1)."""
    if not policy.leader_unit_ids(user).filter(unit_id=unit_id).exists():
        return Case.objects.none()
    qs = policy.cases_visible_to(user).filter(owner_unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    if level is not None:
        qs = qs.filter(level=level)
    if after is not None:
        at, pk = after
        qs = qs.filter(Q(last_activity_at__lt=at) | Q(last_activity_at=at, pk__lt=pk))
    return _with_holder(qs).order_by("-last_activity_at", "-pk")


@dataclass(frozen=True)
class SharedCase:
    """One row of «Saker delt med oss»: the case and what the reader's units may read."""

    case: Case
    categories: list[str]
    whole_case: bool


def shared_cases(user: User, *, include_closed: bool = False) -> list[SharedCase]:
    """«Saker delt med oss»: cases owned by another unit where one of the user's units takes
    part on a valid basis (a consent scope or another legal basis), each with the names of
    the categories the units may read. The basis is the one rule of ``bti.basis``, asked
    once for all cases (not once per row)."""
    units = policy.case_unit_ids(user)
    by_case = basis.basis_categories_by_case(units)
    qs = policy.cases_visible_to(user).filter(pk__in=list(by_case)).exclude(owner_unit_id__in=units)
    if not include_closed:
        qs = qs.filter(status=CaseStatus.OPEN)
    names: dict[int, dict[str, str]] = {}
    rows: list[SharedCase] = []
    for case in _with_holder(qs).order_by("-last_activity_at", "-pk"):
        if case.kommune_id not in names:
            names[case.kommune_id] = dict(basis.kommune_categories(case.kommune_id))
        known = names[case.kommune_id]
        order = {code: i for i, code in enumerate(known)}
        codes = by_case[case.pk]
        rows.append(
            SharedCase(
                case=case,
                categories=[known.get(c, c) for c in sorted(codes - {ALL}, key=lambda c: order.get(c, len(order)))],
                whole_case=ALL in codes,
            )
        )
    return rows


def children_for(user: User) -> QuerySet[Any]:
    """The children of the user's visible cases, each with ``name_in_my_cases``: the name
    the first of those cases registered (never a name only another case knows)."""
    visible = policy.cases_visible_to(user)
    name = visible.filter(child_id=OuterRef("pk")).order_by("pk").values("child_name")[:1]
    return policy.children_visible_to(user).annotate(name_in_my_cases=Subquery(name))


def guardians_of_case(user: User, case: Case) -> QuerySet[Guardian]:
    """Guardians of the case's child registered in this case or in another case of the
    child the user may see: a case shares its guardians with nobody who has no basis on
    it (issue 20). Guardians from before ``registered_in`` were given their child's first case."""
    if case.child_id is None:
        return Guardian.objects.none()
    visible = policy.cases_visible_to(user).values("pk")
    return Guardian.objects.filter(child_id=case.child_id).filter(
        Q(registered_in_id=case.pk) | Q(registered_in_id__in=visible)
    )


def guardians_for(user: User, case: Case, roles: set[str] | None = None) -> list[dict[str, Any]]:
    """Guardians of the case's child (``guardians_of_case``). Protected addresses and
    contact details are shown only to the owning unit (the Bergen/Vigilo lesson).
    ``roles`` (from ``policy.case_roles``) saves the queries when the caller already has them."""
    if case.child_id is None:
        return []
    may_see_protected = policy.can(user, "see_protected_address", case, roles)
    rows = []
    for guardian in guardians_of_case(user, case).order_by("pk"):
        hidden = guardian.protected_address and not may_see_protected
        rows.append(
            {
                "id": guardian.pk,
                "full_name": guardian.full_name,
                "relation": guardian.relation,
                "has_parental_responsibility": guardian.has_parental_responsibility,
                "protected_address": guardian.protected_address,
                "address": "" if hidden else guardian.address,
                "phone": "" if hidden else guardian.phone,
                "email": "" if hidden else guardian.email,
                "hidden": hidden,
            }
        )
    return rows


def case_prefetch_holders() -> Prefetch[Any]:
    return Prefetch(
        "stafettholders",
        queryset=Stafettholder.objects.filter(
            status__in=[HandoverStatus.ACTIVE, HandoverStatus.PROPOSED]
        ).select_related("user", "unit"),
        to_attr="current_holders",
    )


CASE_ACTIONS = [
    "add_note",
    "correct_entry",
    "nivå0",
    "identify",
    "change_level",
    "close",
    "reopen",
    "propose_handover",
    "respond_handover",
]


def allowed_actions(user: User, case: Case) -> list[str]:
    """The actions this user may take on this case (one policy evaluation, shared by page and API)."""
    roles = policy.case_roles(user, case)
    return [action for action in CASE_ACTIONS if policy.can(user, action, case, roles)]


def annotate_holder(case: Case) -> Case:
    """Set ``holder_name``/``holder_user_id`` on one case fetched by the policy."""
    holder = (
        Stafettholder.objects.filter(case=case, status=HandoverStatus.ACTIVE)
        .values("user_id", "user__full_name")
        .first()
    )
    case.holder_name = holder["user__full_name"] if holder else None  # type: ignore[attr-defined]
    case.holder_user_id = holder["user_id"] if holder else None  # type: ignore[attr-defined]
    return case


def pending_handover(case: Case) -> dict[str, Any] | None:
    proposal = (
        Stafettholder.objects.filter(case=case, status=HandoverStatus.PROPOSED)
        .values("user_id", "user__full_name", "unit__name")
        .first()
    )
    if proposal is None:
        return None
    return {"user_id": proposal["user_id"], "name": proposal["user__full_name"], "unit": proposal["unit__name"]}


SEARCH_LIMIT = 50


def search_cases(user: User, query: str) -> tuple[list[Case], str]:
    """Search among the cases the user may see: an 11-digit number is looked up exactly
    through the fnr blind index, anything else matches the child's name or the anonymous
    label. Returns (cases, message). Only visible cases can ever be hits, so a search never
    reveals that another service (barnevern included) has a case."""
    from cases.models import fnr_index
    from cases.services import clean_fnr

    query = query.strip()
    digits = "".join(ch for ch in query if ch.isdigit())
    visible = policy.cases_visible_to(user)
    if len(digits) == 11 and len(digits) >= len(query.replace(" ", "")):
        try:
            fnr = clean_fnr(digits)
        except Exception:  # noqa: BLE001 - clean_fnr raises a ValidationError with the message
            return [], "Fødselsnummeret er ikke gyldig. Sjekk at alle 11 sifrene er riktige."
        qs = visible.filter(child__fnr_index=fnr_index(user.kommune_id or 0, fnr))
    elif len(query) >= 2:
        # The name each case registered: a search never matches a name only another case knows.
        qs = visible.filter(Q(child_name__icontains=query) | Q(anonymous_label__icontains=query))
    else:
        return [], "Skriv minst to bokstaver, eller et helt fødselsnummer."
    return list(_with_holder(qs).order_by("-last_activity_at", "-pk")[:SEARCH_LIMIT]), ""
