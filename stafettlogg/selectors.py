"""Reads of the stafettlogg. The case comes from ``bti.policy.access_case``; nothing
here fetches a case by id on its own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, QuerySet, Subquery

from bti import policy
from stafettlogg.models import Entry, EntryKind, HandoverStatus, Stafettholder, kind_label

if TYPE_CHECKING:
    from cases.models import Case  # cases sits above the stafettlogg (DESIGN.md §2)

PAGE_SIZE = 50

# Kinds a person wrote (and so may correct); role and identity events are corrected by a new action.
CORRECTABLE_KINDS = frozenset(
    {
        EntryKind.UNDRING,
        EntryKind.KONKRETISERING,
        EntryKind.DELING,
        EntryKind.BESLUTNING,
        EntryKind.NIVAENDRING,
        EntryKind.NOTAT,
        EntryKind.SAMTALE_BARN,
        EntryKind.SAMTALE_FORESATTE,
        EntryKind.AVSLUTNING,
        EntryKind.GJENAPNING,
        EntryKind.PLAN,
        EntryKind.TILTAK,
        EntryKind.EVALUERING,
        EntryKind.MOTE,
        EntryKind.REFERAT,
    }
)


def timeline(
    case: Case,
    *,
    kind: str = "",
    before_seq: int | None = None,
    limit: int = PAGE_SIZE,
    categories: frozenset[str] | None = None,
) -> list[Entry]:
    """Newest first, keyset-paginated by sequence number (``before_seq``), optional kind filter.
    Returns up to ``limit + 1`` rows so the caller can tell whether there is a next page.

    ``categories`` (from ``bti.policy.readable_categories``) narrows to what the reader may
    see: entries outside them come back with ``hidden=True`` (shown as «skjult», date and
    category only), barnevern's are left out (docs/adr/0011). With a kind filter only
    readable entries are returned, so the filter cannot reveal the kind of a hidden one."""
    from bti.categories import category_label, may_read

    latest_correction = Entry.objects.filter(corrects=OuterRef("pk")).order_by("-seq").values("seq")[:1]
    qs: QuerySet[Entry] = (
        Entry.objects.filter(case=case)
        .select_related("author", "author_unit", "corrects")
        .annotate(corrected_by_seq=Subquery(latest_correction))
    )
    if categories is not None:
        qs = qs.filter(policy.listed_entries_q(categories))
    if kind and kind in EntryKind.values:
        qs = qs.filter(kind=kind)
        if categories is not None:
            qs = qs.filter(policy.category_q(categories))
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    entries = list(qs.order_by("-seq")[: limit + 1])
    labels = dict(EntryKind.choices)  # get_kind_display rebuilds this dict for every entry
    for entry in entries:
        entry.kind_label = kind_label(entry.kind, entry.data, labels)  # type: ignore[attr-defined]
        entry.category_label = category_label(entry.category)  # type: ignore[attr-defined]
        entry.hidden = categories is not None and not may_read(categories, entry.category)  # type: ignore[attr-defined]
    return entries


def gated_timeline(view: Any, kind: str = "", before_seq: int | None = None, limit: int = PAGE_SIZE) -> list[Entry]:
    """The timeline of a gate view (``bti.gate``): up to ``limit + 1`` entries."""
    return timeline(view.case, kind=kind, before_seq=before_seq, limit=limit, categories=view.categories)


def entry_in_case(case: Case, entry_id: int) -> Entry | None:
    return Entry.objects.filter(case=case, pk=entry_id).first()


def current_holders(case: Case) -> list[Stafettholder]:
    """The active stafettholder and an open proposal, if any (one query)."""
    return list(
        Stafettholder.objects.filter(case=case, status__in=[HandoverStatus.ACTIVE, HandoverStatus.PROPOSED])
        .select_related("user", "unit", "proposed_by")
        .order_by("status")
    )


# --- Registered with the access policy (StafettloggConfig.ready) ------------------------


def rule_stafettholder(user: Any) -> QuerySet[Any]:
    """The active stafettholder, and a person a handover is proposed to (to decide)."""
    return Stafettholder.objects.filter(user=user, status__in=["active", "proposed"]).values("case_id")


def holder_rows(user: Any, case: Any) -> QuerySet[Stafettholder]:
    """The user's stafettholder rows on one case (the policy reads their status)."""
    return Stafettholder.objects.filter(case=case, user=user)
