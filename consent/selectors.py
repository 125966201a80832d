"""Reads of consents, the category-scoped stafettlogg, the innsyn package and the leaders'
review. The case always comes from ``bti.policy.access_case``; every helper here narrows
by the reader's categories (bti.policy.readable_categories) so the HTML, the API, the
PDF and the JSON answer the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from bti import gate, policy
from bti.languages import written
from bti.models import AccessLogEntry, Membership, Unit, User
from cases.models import Case, Child
from consent.categories import BARNEVERN, entry_category, may_read
from consent.models import (
    AccessReview,
    AnonymDrofting,
    Consent,
    ConsentDecision,
    ConsentEvent,
    ConsentScope,
    Involvement,
    LegalBasis,
)
from stafettlogg.models import Entry

PAGE_SIZE = 50


# --- stafettlogg helpers others call --------------------------------------------------------


def filter_timeline(
    user: User, case: Case, qs: QuerySet[Entry], categories: frozenset[str] | None = None
) -> QuerySet[Entry]:
    """Narrow a timeline queryset of ``case`` to the entries the reader may *read*."""
    categories = policy.readable_categories(user, case) if categories is None else categories
    return qs.filter(policy.category_q(categories))


def listed_timeline(
    user: User, case: Case, qs: QuerySet[Entry], categories: frozenset[str] | None = None
) -> QuerySet[Entry]:
    """Narrow to the entries the reader sees at least as «skjult» (all but barnevern's)."""
    categories = policy.readable_categories(user, case) if categories is None else categories
    return qs.filter(policy.listed_entries_q(categories))


@dataclass
class TimelineItem:
    entry: Entry
    category: str
    readable: bool


def timeline_for(
    user: User, case: Case, *, before_seq: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[TimelineItem], frozenset[str]]:
    """Newest first; unreadable entries come back with ``readable=False`` and must be shown
    as «skjult» without text, author or data (docs/adr/0011)."""
    categories = policy.readable_categories(user, case)
    qs = Entry.objects.filter(case=case).select_related("author", "author_unit")
    qs = listed_timeline(user, case, qs, categories)
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    items = []
    for entry in qs.order_by("-seq")[: limit + 1]:
        category = entry_category(entry)
        items.append(TimelineItem(entry=entry, category=category, readable=may_read(categories, category)))
    return items, categories


def serialize_item(item: TimelineItem) -> dict[str, Any]:
    entry = item.entry
    if not item.readable:
        return {"id": None, "created_at": entry.created_at.isoformat(), "category": item.category, "hidden": True}
    return {
        "id": entry.pk,
        "seq": entry.seq,
        "created_at": entry.created_at.isoformat(),
        "kind": entry.kind,
        "kind_display": entry.get_kind_display(),
        "category": item.category,
        "author": entry.author.full_name,
        "unit": entry.author_unit.name if entry.author_unit else "",
        "text": entry.shown_text,
        "hidden": False,
    }


# --- consent overview --------------------------------------------------------------------------


def consents_for(case: Case) -> list[Consent]:
    return list(
        Consent.objects.filter(case=case)
        .select_related("registered_by")
        .prefetch_related(
            "guardians",
            Prefetch("events", queryset=ConsentEvent.objects.select_related("actor").order_by("at", "pk")),
            Prefetch(
                "scopes",
                queryset=ConsentScope.objects.select_related("unit", "unit__service", "category").order_by(
                    "unit__name", "category__sort"
                ),
            ),
        )
        .order_by("-registered_at", "-pk")
    )


RENEW_WARNING_DAYS = 30


def consent_rows(case: Case, categories: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """The case's consents with status. A reader without the barnevern category (``categories``
    given and without it) does not see recipients in barnevern, nor a consent that only had
    such recipients (C-21)."""
    today = timezone.localdate()
    hide_barnevern = categories is not None and not may_read(categories, BARNEVERN)
    rows = []
    for consent in consents_for(case):
        scopes = list(consent.scopes.all())
        if hide_barnevern:
            scopes = [s for s in scopes if s.unit.service.kind != "barnevern"]
            if not scopes:
                continue
        open_scopes = [s for s in scopes if s.withdrawn_at is None]
        if consent.decision == ConsentDecision.REFUSED:
            status = "nektet"
        elif not open_scopes:
            status = "trukket"
        elif consent.valid_until is not None and consent.valid_until < today:
            status = "utlopt"
        elif consent.valid_from is not None and consent.valid_from > today:
            status = "fremtidig"
        else:
            status = "gyldig"
        units: dict[int, dict[str, Any]] = {}
        for s in scopes:
            row = units.setdefault(s.unit_id, {"unit": s.unit, "categories": []})
            row["categories"].append({"category": s.category, "withdrawn_at": s.withdrawn_at})
        rows.append(
            {
                "consent": consent,
                "status": status,
                "units": list(units.values()),
                "givers": [g.full_name for g in consent.guardians.all()]
                + (["ungdommen selv"] if consent.by_young_person else []),
                "events": list(consent.events.all()),
                "withdrawable": status in {"gyldig", "fremtidig"},
                "expires_soon": status == "gyldig"
                and consent.valid_until is not None
                and (consent.valid_until - today).days <= RENEW_WARNING_DAYS,
            }
        )
    return rows


def involvements_for(user: User, case: Case, categories: frozenset[str]) -> list[Involvement]:
    """Active involvements; a barnevern involvement only to barnevern and the case's own
    people (C-21)."""
    qs = Involvement.objects.filter(case=case, ended_at__isnull=True).select_related("unit", "unit__service")
    if not may_read(categories, BARNEVERN):
        qs = qs.exclude(basis=LegalBasis.OPPLYSNINGSPLIKT).exclude(unit__service__kind="barnevern")
    return list(qs.order_by("unit__name"))


def candidate_units(case: Case) -> QuerySet[Unit]:
    """Units in the case's kommune that may receive a consent (not the owner, not barnevern:
    barnevern is reached by melding or by a consent registered on purpose)."""
    return (
        Unit.objects.filter(kommune_id=case.kommune_id, is_active=True)
        .exclude(pk=case.owner_unit_id)
        .select_related("service")
        .order_by("service__name", "name")
    )


# --- search ------------------------------------------------------------------------------------


# --- anonym drøfting ---------------------------------------------------------------------------


def droftinger_for_case(case: Case) -> list[AnonymDrofting]:
    return list(AnonymDrofting.objects.filter(case=case).select_related("with_unit").order_by("-created_at"))


def drofting_for_reader(user: User, drofting_id: Any) -> AnonymDrofting | None:
    """The summary only, to a member of the unit it is discussed with or its author."""
    try:
        pk = int(drofting_id)
    except (TypeError, ValueError):
        return None
    drofting = AnonymDrofting.objects.filter(pk=pk, kommune_id=user.kommune_id or 0).select_related("with_unit").first()
    if drofting is None:
        return None
    if drofting.created_by_id == user.pk:
        return drofting
    # The receiving unit sees the summary only once the writer has confirmed it (issue 20).
    if drofting.confirmed_at is not None and policy.case_unit_ids(user).filter(unit_id=drofting.with_unit_id).exists():
        return drofting
    return None


def droftinger_for_my_units(user: User) -> list[AnonymDrofting]:
    return list(
        AnonymDrofting.objects.filter(with_unit_id__in=policy.case_unit_ids(user), confirmed_at__isnull=False)
        .select_related("with_unit")
        .order_by("-created_at")[:50]
    )


# --- innsyn package ------------------------------------------------------------------------------


STATUS_NAMES = {
    "gyldig": "gyldig",
    "trukket": "trukket tilbake",
    "utlopt": "utløpt",
    "nektet": "nektet",
    "fremtidig": "ikke startet",
}


def _iso(value: Any) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes")


def _hidden_from_family(entry: Entry) -> bool:
    return bool(
        isinstance(entry.data, dict)
        and (entry.data.get("skjul_for_foresatte") or entry.data.get("skjermet_for_foresatte"))
    )


def innsyn_package(case: Case) -> dict[str, Any]:
    """What a guardian is entitled to for the case's child: who read the child's data and
    when (name, role and unit; coded, never free text), the consents with their history,
    and the stafettlogg entries the family may see. A melding to barnevernet with
    suspected violence or abuse, and barnevern's reads while it is hidden, stay out (C-18)."""
    child: Child | None = case.child if case.child_id else None
    entries = list(Entry.objects.filter(case=case).select_related("author", "author_unit").order_by("seq"))
    hidden_melding = any(_hidden_from_family(e) for e in entries)
    # The reads of this case, and reads of the child alone (the API's child record) by the
    # owning unit: the reads of the child's other cases belong to their own packages,
    # or the package would tell this case's people that other cases exist (issue 20).
    reads = AccessLogEntry.objects.filter(case_id=case.pk)
    if child is not None:
        from django.db.models import Q

        reads = AccessLogEntry.objects.filter(
            Q(case_id=case.pk) | Q(case_id__isnull=True, child_id=child.pk, unit_id=case.owner_unit_id)
        )
    reads = reads.select_related("user", "unit", "unit__service").order_by("at", "pk")
    if hidden_melding:
        reads = reads.exclude(unit__service__kind="barnevern")
    role_names = dict(Membership._meta.get_field("role").choices or [])
    how_names = dict(AccessLogEntry._meta.get_field("how").choices or [])
    return {
        "generated_at": _iso(timezone.now()),
        "child": {
            "name": case.display_name,
            "birth_date": child.birth_date.isoformat() if child and child.birth_date else None,
        },
        "case": {"id": case.pk, "unit": case.owner_unit.name, "opened_at": _iso(case.opened_at)},
        "reads": [
            {
                "at": _iso(r.at),
                "name": r.user.full_name,
                "role": str(role_names.get(r.role, r.role)),
                "unit": r.unit.name if r.unit else "",
                "service": r.unit.service.name if r.unit else "",
                "how": str(how_names.get(r.how, r.how)),
                "purpose": gate.purpose_name(r.purpose),
                "what": r.obj_type,
                "reason_given": bool(r.reason),
            }
            for r in reads
        ],
        "consents": [
            {
                "id": row["consent"].pk,
                "decision": row["consent"].get_decision_display(),
                "status": STATUS_NAMES.get(row["status"], row["status"]),
                "givers": row["givers"],
                "purpose": row["consent"].purpose,
                "form": row["consent"].get_form_display(),
                "valid_from": row["consent"].valid_from.isoformat() if row["consent"].valid_from else None,
                "valid_until": row["consent"].valid_until.isoformat() if row["consent"].valid_until else None,
                "recipients": [
                    {
                        "unit": u["unit"].name,
                        "categories": [
                            {
                                "name": written(c["category"], "name"),
                                "withdrawn_at": _iso(c["withdrawn_at"]) if c["withdrawn_at"] else None,
                            }
                            for c in u["categories"]
                        ],
                    }
                    for u in row["units"]
                ],
                "history": [
                    {
                        "at": e.at.isoformat(),
                        "event": e.get_kind_display(),
                        "by": e.withdrawn_by_name or e.actor.full_name,
                    }
                    for e in row["events"]
                ],
            }
            for row in consent_rows(case)
        ],
        "entries": [
            {
                "seq": e.seq,
                "created_at": _iso(e.created_at),
                "kind": e.get_kind_display(),
                "unit": e.author_unit.name if e.author_unit else "",
                "text": e.shown_text,
            }
            for e in entries
            if not _hidden_from_family(e) and entry_category(e) != BARNEVERN
        ],
    }


# --- leader review ------------------------------------------------------------------------------


def review_threshold() -> int:
    return int(getattr(settings, "ACCESS_REVIEW_DAILY_CASES", 20))


def review_for_leader(user: User, *, days: int = 30) -> dict[str, Any]:
    """Reads of the leader's units' cases by people reading as another unit, and people who
    read unusually many cases in one day. Ids and codes only; a fixed number of queries."""
    led = policy.leader_unit_ids(user)
    since = timezone.now() - timedelta(days=days)
    cases_of_unit = Case.objects.filter(owner_unit_id__in=led, kommune_id=user.kommune_id or 0).values("pk")
    base = AccessLogEntry.objects.filter(case_id__in=cases_of_unit, at__gte=since)
    outside = (
        base.exclude(unit_id__in=led)
        .select_related("user", "unit")
        .annotate(reviewed=Exists(AccessReview.objects.filter(entry_id=OuterRef("pk"))))
        .order_by("-at", "-pk")[:200]
    )
    volumes = (
        base.annotate(day=TruncDate("at"))
        .values("user_id", "user__full_name", "day")
        .annotate(cases=Count("case_id", distinct=True))
        .filter(cases__gte=review_threshold())
        .order_by("-day", "-cases")
    )
    return {"outside": list(outside), "volumes": list(volumes), "threshold": review_threshold(), "days": days}


def leads_any_unit(user: User) -> bool:
    return policy.leader_unit_ids(user).exists()


def guardian_choices(user: User, case: Case) -> list[tuple[str, str]]:
    from cases.selectors import guardians_of_case

    rows = guardians_of_case(user, case).order_by("pk")
    return [
        (
            str(g.pk),
            f"{g.full_name} ({g.relation})" + ("" if g.has_parental_responsibility else " – uten foreldreansvar"),
        )
        for g in rows
    ]


def review_entry(user: User, entry_id: Any) -> AccessLogEntry | None:
    """An innsynslogg row about a case of a unit the user leads, else None."""
    try:
        pk = int(entry_id)
    except (TypeError, ValueError):
        return None
    led_cases = Case.objects.filter(owner_unit_id__in=policy.leader_unit_ids(user)).values("pk")
    return AccessLogEntry.objects.filter(pk=pk, case_id__in=led_cases).first()


def consents_expiring(*, kommune_id: int, until: date) -> list[dict[str, Any]]:
    """Given consents of open cases that expire on or before ``until`` (expired ones too),
    still in force for at least one recipient and not renewed: the oversikt rule
    «samtykke utløper» (oversikt/sources.py)."""
    from cases.models import CaseStatus

    live_scope = ConsentScope.objects.filter(consent_id=OuterRef("pk"), withdrawn_at__isnull=True)
    renewal = Consent.objects.filter(renews_id=OuterRef("pk"), decision=ConsentDecision.GIVEN)
    rows = (
        Consent.objects.filter(
            kommune_id=kommune_id,
            case__status=CaseStatus.OPEN,
            decision=ConsentDecision.GIVEN,
            valid_until__isnull=False,
            valid_until__lte=until,
        )
        .filter(Exists(live_scope))
        .exclude(Exists(renewal))
        .order_by("valid_until", "pk")
        .values("case_id", "pk", "valid_until")
    )
    return [{"case_id": r["case_id"], "consent_id": r["pk"], "valid_until": r["valid_until"]} for r in rows]


# --- innsyn per person (issue 15 item 5, GDPR art. 15, R-09) ----------------------------------


def find_children_for_innsyn(kommune_id: int, query: str) -> list[Child]:
    """Children of the kommune for an innsyn request: by fødselsnummer (11 digits, the
    blind index) or by part of the name. Only for the kommune's administration."""
    from cases.models import fnr_index

    query = query.strip()
    digits = query.replace(" ", "")
    qs = Child.objects.filter(kommune_id=kommune_id).defer("fnr")
    if digits.isdigit() and len(digits) == 11:
        qs = qs.filter(fnr_index=fnr_index(kommune_id, digits))
    elif len(query) >= 2:
        qs = qs.filter(full_name__icontains=query)
    else:
        return []
    return list(qs.order_by("full_name", "pk")[:50])


def innsyn_child(kommune_id: int, child_id: int) -> Child | None:
    return Child.objects.filter(kommune_id=kommune_id, pk=child_id).defer("fnr").first()


def cases_of_child(kommune_id: int, child: Child) -> list[Case]:
    return list(
        Case.objects.filter(kommune_id=kommune_id, child=child)
        .select_related("owner_unit", "child")
        .order_by("opened_at", "pk")
    )


def person_innsyn_package(kommune_id: int, child: Child, cases: list[Case]) -> dict[str, Any]:
    """Everything the kommune holds about one child across its cases and units (GDPR art.
    15; legal-and-security R-09): each case's innsyn package (the reads, the consents with
    their history, the entries the family may see, under the same skjerming rules: C-18,
    held-back entries) and the reads of the child's record outside any case."""
    role_names = dict(Membership._meta.get_field("role").choices or [])
    how_names = dict(AccessLogEntry._meta.get_field("how").choices or [])
    outside = (
        AccessLogEntry.objects.filter(kommune_id=kommune_id, child_id=child.pk, case_id__isnull=True)
        .select_related("user", "unit", "unit__service")
        .order_by("at", "pk")
    )
    return {
        "generated_at": _iso(timezone.now()),
        "child": {
            "id": child.pk,
            "name": child.full_name,
            "birth_date": child.birth_date.isoformat() if child.birth_date else None,
        },
        "cases": [innsyn_package(case) for case in cases],
        "reads_outside_cases": [
            {
                "at": _iso(r.at),
                "name": r.user.full_name,
                "role": str(role_names.get(r.role, r.role)),
                "unit": r.unit.name if r.unit else "",
                "service": r.unit.service.name if r.unit else "",
                "how": str(how_names.get(r.how, r.how)),
                "purpose": gate.purpose_name(r.purpose),
                "what": r.obj_type,
            }
            for r in outside
        ],
    }
