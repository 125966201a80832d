"""Reads of the implementation support, always for the asking user's own kommune."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from bti.models import Membership, Unit, User
from implementering import rules
from implementering.models import BtiProject, Feedback, Phase, Recipient, TrainingKind, TrainingRecord
from samarbeid.models import CatalogueItem


def plan_by_phase(project: BtiProject) -> list[dict[str, Any]]:
    items = list(project.items.all())
    phases = []
    for value, label in Phase.choices:
        mine = [i for i in items if i.phase == value]
        done = sum(1 for i in mine if i.status == "ferdig")
        status = (
            "ferdig"
            if mine and done == len(mine)
            else "pagar"
            if any(i.status != "ikke_startet" for i in mine)
            else "ikke_startet"
        )
        phases.append({"value": value, "label": label, "items": mine, "done": done, "status": status})
    return phases


def catalogue_summary(kommune_id: int) -> dict[str, Any]:
    """Tiltak and samarbeidsfora from samarbeid's tiltaksoversikt (one list, not a copy)."""
    items = list(CatalogueItem.objects.filter(kommune_id=kommune_id, is_active=True).select_related("service"))
    return {
        "tiltak": [i for i in items if i.kind == "tiltak"],
        "arenaer": [i for i in items if i.kind == "arena"],
    }


def _active(qs: QuerySet[Membership]) -> QuerySet[Membership]:
    today = timezone.localdate()
    return qs.filter(valid_from__lte=today).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def training_units(user: User) -> list[Unit]:
    """Units whose training the user may see: every unit (koordinator) or those they lead."""
    qs = Unit.objects.filter(kommune_id=user.kommune_id or 0, is_active=True).select_related("service")
    if not rules.is_koordinator(user):
        qs = qs.filter(pk__in=rules.led_unit_ids(user))
    return list(qs.order_by("name"))


def training_overview(units: list[Unit]) -> list[dict[str, Any]]:
    """Per unit: its staff, and how many of them have each training."""
    members = _active(Membership.objects.filter(unit__in=units)).select_related("user").order_by("user__full_name")
    staff: dict[int, dict[int, User]] = defaultdict(dict)
    for m in members:
        staff[m.unit_id][m.user_id] = m.user
    user_ids = {uid for people in staff.values() for uid in people}
    done: dict[int, set[str]] = defaultdict(set)
    for uid, kind in TrainingRecord.objects.filter(user_id__in=user_ids).values_list("user_id", "kind"):
        done[uid].add(kind)
    rows = []
    for unit in units:
        people = list(staff[unit.pk].values())
        counts: Counter[str] = Counter(k for p in people for k in done[p.pk])
        rows.append(
            {
                "unit": unit,
                "staff": [{"user": p, "kinds": [k for k in TrainingKind.values if k in done[p.pk]]} for p in people],
                "counts": [counts[k] for k in TrainingKind.values],
                "total": len(people),
            }
        )
    return rows


def inbox(user: User) -> list[Feedback]:
    """Feedback the user may answer: to the koordinator (koordinator) or to units they lead."""
    condition = Q(recipient=Recipient.LEDER, unit_id__in=rules.led_unit_ids(user))
    if rules.is_koordinator(user):
        condition |= Q(recipient=Recipient.KOORDINATOR)
    return list(
        Feedback.objects.filter(condition, kommune_id=user.kommune_id or 0)
        .select_related("author", "unit")
        .prefetch_related("replies__by")
        .order_by("status", "-created_on")
    )


def mine(user: User) -> list[Feedback]:
    return list(Feedback.objects.filter(author=user).prefetch_related("replies__by").order_by("-created_on"))
