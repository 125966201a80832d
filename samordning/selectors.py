"""Reads of the samordning app. The case always comes from the access policy
(``bti.policy.access_case``); what a reader sees is narrowed to their information
categories (``bti.policy.readable_categories``), through the existing selectors of the
apps that own the content (samarbeid's plan and meetings, consent's consents)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bti import policy
from bti.models import User
from cases.models import Case
from consent.categories import may_read
from samordning.models import CATEGORY, Barnekoordinator, Coordination


@dataclass
class Panel:
    readable: bool
    coordination: Coordination | None = None
    history: list[Coordination] = field(default_factory=list)
    barnekoordinator: Barnekoordinator | None = None
    former: list[Barnekoordinator] = field(default_factory=list)


def panel(user: User, case: Case, categories: frozenset[str] | None = None) -> Panel:
    """Who coordinates and who the barnekoordinator is, for a reader holding the category."""
    categories = policy.readable_categories(user, case) if categories is None else categories
    if not may_read(categories, CATEGORY):
        return Panel(readable=False)
    coordinations = list(
        Coordination.objects.filter(case=case)
        .select_related("service", "unit", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )
    coordinators = list(
        Barnekoordinator.objects.filter(case=case)
        .select_related("user", "unit", "appointed_by")
        .prefetch_related("consent_guardians")
        .order_by("-appointed_at", "-pk")
    )
    current = next((b for b in coordinators if b.ended_at is None), None)
    return Panel(
        readable=True,
        coordination=coordinations[0] if coordinations else None,
        history=coordinations[1:],
        barnekoordinator=current,
        former=[b for b in coordinators if b is not current],
    )


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def ip_summary(user: User, case: Case) -> dict[str, Any]:
    """The case as the individuell plan can take it over: the child, who coordinates, the
    barnekoordinator, goals with tiltak, participants and consents. Only what the reader
    may read (by category); no fødselsnummer (the IP tool identifies the child itself)."""
    from consent import selectors as consent_selectors
    from samarbeid import selectors as plan_selectors
    from stafettlogg.selectors import current_holders

    categories = policy.readable_categories(user, case)
    child = case.child if case.child_id else None
    summary: dict[str, Any] = {
        "format": "bti-samhandling/individuell-plan/1",
        "case": {"id": case.pk, "level": case.level, "status": case.status, "opened": _date(case.opened_at)},
        "unit": {"name": case.owner_unit.name, "service": case.owner_unit.service.name},
        "child": {
            "name": child.full_name if child else "",
            "birth_date": _date(child.birth_date) if child else None,
        },
    }
    info = panel(user, case, categories)
    if info.readable:
        c = info.coordination
        summary["coordination"] = (
            {
                "service": c.service.name,
                "unit": c.unit.name if c.unit else None,
                "child_view": c.child_view,
                "parents_view": c.parents_view,
                "decided_by": c.decided_by,
                "decided_on": _date(c.decided_on),
                "services_agree": c.services_agree,
                "kommune_decision": c.kommune_decision or None,
                "kommune_decided_by": c.kommune_decided_by or None,
            }
            if c
            else None
        )
        b = info.barnekoordinator
        summary["barnekoordinator"] = (
            {
                "name": b.user.full_name,
                "unit": b.unit.name,
                "email": b.user.email,
                "from": _date(b.started_on),
                "consent": {
                    "by": [g.full_name for g in b.consent_guardians.all()]
                    + (["ungdommen selv"] if b.consent_by_young_person else []),
                    "form": b.consent_form,
                    "on": _date(b.consented_on),
                },
            }
            if b
            else None
        )
    if may_read(categories, "plan_tiltak"):
        summary["goals"] = [
            {
                "goal": goal.text,
                "agreed_with": goal.agreed_with,
                "tiltak": [
                    {
                        "description": m.description,
                        "responsible": m.responsible_name,
                        "responsible_unit": m.responsible_unit.name,
                        "start": _date(m.start_date),
                        "evaluation": _date(m.evaluation_date),
                        "status": m.status,
                        "evaluations": [
                            {"on": _date(e.created_at), "decision": e.decision, "child_view": e.child_view}
                            for e in m.evaluations.all()
                        ],
                    }
                    for m in goal.measures.all()
                ],
            }
            for goal in plan_selectors.plan_goals(case)
        ]
    participants: dict[tuple[str, str], dict[str, Any]] = {}
    for holder in current_holders(case):
        if holder.status == "active":
            participants[(holder.user.full_name, holder.unit.name)] = {
                "name": holder.user.full_name,
                "unit": holder.unit.name,
                "role": "stafettholder",
            }
    if info.readable and info.barnekoordinator is not None:
        b = info.barnekoordinator
        participants.setdefault(
            (b.user.full_name, b.unit.name), {"name": b.user.full_name, "unit": b.unit.name, "role": "barnekoordinator"}
        )
    if may_read(categories, "plan_tiltak"):
        for meeting in plan_selectors.meetings(case):
            for p in meeting.participants.all():
                participants.setdefault(
                    (p.user.full_name, p.unit.name), {"name": p.user.full_name, "unit": p.unit.name, "role": "deltaker"}
                )
    summary["participants"] = sorted(participants.values(), key=lambda p: (p["role"], p["name"]))
    summary["consents"] = [
        {
            "status": row["status"],
            "given_by": row["givers"],
            "purpose": row["consent"].purpose,
            "valid_from": _date(row["consent"].valid_from),
            "valid_until": _date(row["consent"].valid_until),
            "recipients": [
                {
                    "unit": u["unit"].name,
                    "categories": [c["category"].name for c in u["categories"] if c["withdrawn_at"] is None],
                }
                for u in row["units"]
            ],
        }
        for row in consent_selectors.consent_rows(case, categories)
        if row["status"] in {"gyldig", "fremtidig"}
    ]
    return summary
