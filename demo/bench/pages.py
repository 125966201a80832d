"""What the benchmark measures: each key page or endpoint, as which persona, at which URL.

A page is skipped (and reported as such) when its route does not exist yet, so the
benchmark runs while parts of the product are still being built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from bti.models import Kommune, Membership, User
from cases.models import Case


@dataclass
class Personas:
    holder: User  # a stafettholder with a realistic case load
    leader: User  # the leader of the busiest unit
    leader_unit_id: int
    kommune_leader: User | None
    case: Case  # a case of the holder with a long log
    child_name: str
    fnr: str


@dataclass
class Page:
    key: str
    label: str
    who: str  # attribute of Personas
    url: Callable[[Personas], str]
    budget_ms: float = 30.0
    method: str = "get"
    min_entries: int = 0  # measured on the case with at least this many entries (rolled back)
    data: dict[str, str] | Callable[[Personas], dict[str, str]] | None = None  # POST body (method "post")

    def body(self, personas: Personas) -> dict[str, str]:
        return self.data(personas) if callable(self.data) else dict(self.data or {})


def _r(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs)


PAGES: list[Page] = [
    Page("bare", "Bar innlogget visning (tak)", "holder", lambda p: _r("ping")),
    Page("home", "Min side", "holder", lambda p: _r("home")),
    Page("mine_saker", "Mine saker", "holder", lambda p: _r("cases:my_cases")),
    Page("unit_list", "Enhetens saker", "leader", lambda p: _r("cases:unit_cases") + f"?enhet={p.leader_unit_id}"),
    Page("case_page", "Sakssiden", "holder", lambda p: _r("cases:case_detail", case_id=p.case.pk)),
    Page(
        "timeline", "Stafettlogg (50 loggføringer)", "holder", lambda p: _r("stafettlogg:timeline", case_id=p.case.pk)
    ),
    Page("consent", "Samtykkesjekk", "holder", lambda p: _r("samtykke", case_id=p.case.pk)),
    # Search is a POST: no name or fnr in the URL (issue 13 item 6).
    Page(
        "search_name",
        "Søk på navn",
        "leader",
        lambda p: _r("search"),
        method="post",
        data=lambda p: {"q": p.child_name.split(" ")[0]},
    ),
    Page(
        "search_fnr",
        "Søk på fødselsnummer",
        "leader",
        lambda p: _r("search"),
        method="post",
        data=lambda p: {"q": p.fnr},
    ),
    Page("api_cases", "API: saksliste", "holder", lambda p: _r("api-cases")),
    Page("api_case", "API: sak", "holder", lambda p: _r("api-case", case_id=p.case.pk)),
    Page("api_entries", "API: stafettlogg", "holder", lambda p: _r("api-case-entries", case_id=p.case.pk)),
    Page("dashboard", "Lederoversikt", "kommune_leader", lambda p: _r("overview"), budget_ms=150.0),
    Page(
        "pdf_200",
        "PDF av stafettlogg (200)",
        "holder",
        lambda p: _r("case-print", case_id=p.case.pk),
        budget_ms=3000.0,
        method="post",
        data={"kind": "logg"},
        min_entries=200,
    ),
]


def resolve(page: Page, personas: Personas) -> str | None:
    try:
        return page.url(personas)
    except NoReverseMatch:
        return None


def pick_personas(kommune: Kommune) -> Personas:
    """The busiest stafettholder, the leader of the busiest unit, and the holder's longest-log case."""
    from stafettlogg.models import Stafettholder

    holder_row = (
        Stafettholder.objects.filter(kommune=kommune, status="active")
        .values("user_id")
        .annotate(n=Count("id"))
        .order_by("-n", "user_id")
        .first()
    )
    if holder_row is None:
        raise RuntimeError(f"{kommune} has no active stafettholder; run seed_scale first")
    holder = User.objects.get(pk=holder_row["user_id"])
    case = (
        Case.objects.filter(stafettholders__user=holder, stafettholders__status="active")
        .annotate(n=Count("entries"))
        .order_by("-n", "pk")
        .select_related("child")
        .first()
    )
    assert case is not None and case.child is not None
    unit_row = (
        Case.objects.filter(kommune=kommune, status="open")
        .values("owner_unit_id")
        .annotate(n=Count("id"))
        .order_by("-n", "owner_unit_id")
        .first()
    )
    assert unit_row is not None
    leader_membership = (
        Membership.objects.filter(unit_id=unit_row["owner_unit_id"], role="leder").select_related("user").first()
    )
    assert leader_membership is not None
    kommune_leader = User.objects.filter(kommune_roles__kommune=kommune).first()
    return Personas(
        holder=holder,
        leader=leader_membership.user,
        leader_unit_id=unit_row["owner_unit_id"],
        kommune_leader=kommune_leader,
        case=case,
        child_name=case.child.full_name,
        fnr=case.child.fnr,
    )


def open_cases_of(user: User) -> int:
    return Case.objects.filter(Q(stafettholders__user=user, stafettholders__status="active"), status="open").count()
