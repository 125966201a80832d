"""What the archive copy of a case holds (issue 15 item 2). The arkivmelding is built by
the system for the kommune's archive, not read by a person, so it reads through these
selectors (the read gate is for readers; docs/adr/0025): the whole stafettlogg, the plan,
the referater, the consents, the closing summary and the parter. Also the deliveries'
reads for the administrator's page and the close page."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from arkiv.models import Delivery, DeliveryStatus
from bti import policy
from cases.models import Case, Guardian
from consent.models import Consent
from samarbeid.models import CaseClosing, Evaluation, Goal, Measure, Meeting
from stafettlogg.models import Entry


def archive_content(case: Case) -> dict[str, Any]:
    guardians: list[Guardian] = list(Guardian.objects.filter(child_id=case.child_id)) if case.child_id else []
    return {
        "entries": list(Entry.objects.filter(case=case).select_related("author", "author_unit").order_by("seq")),
        "goals": list(
            Goal.objects.filter(case=case)
            .prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("pk")))
            .order_by("created_at", "pk")
        ),
        "meetings": list(Meeting.objects.filter(case=case).exclude(referat="").order_by("starts_at", "pk")),
        "consents": list(
            Consent.objects.filter(case=case).select_related("registered_by").order_by("registered_at", "pk")
        ),
        "closing": CaseClosing.objects.filter(case=case).select_related("closed_by").order_by("-closed_at").first(),
        "guardians": guardians,
    }


def deliveries_for_kommune(kommune_id: int) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(kommune_id=kommune_id).select_related("case__owner_unit").order_by("-created_at", "-pk")
    )


def delivery_in_kommune(kommune_id: int, delivery_id: Any) -> Delivery | None:
    return Delivery.objects.filter(kommune_id=kommune_id, pk=delivery_id).first()


def latest_delivery(case: Case) -> Delivery | None:
    return Delivery.objects.filter(case=case).order_by("-created_at", "-pk").first()


def is_acknowledged(case: Case) -> bool:
    return Delivery.objects.filter(case=case, status=DeliveryStatus.KVITTERT).exists()


def stored_counts(case: Case, view: Any = None) -> dict[str, int]:
    """How much of each kind of content the case holds (no content itself): the kassasjon's
    tombstone (everything), and the «what is registered» page, where ``view`` (the reader's
    ``bti.gate.CaseView``) limits the counts to the categories the reader may read, so a
    count never tells of a note the reader may not see."""

    def of(qs: Any, column: str = "category") -> Any:
        if view is None or not policy.category_q(view.categories):  # an empty Q: every category
            return qs
        return qs.filter(**{f"{column}__in": sorted(view.categories)})

    meetings = Meeting.objects.filter(case=case)
    return {
        "entries": of(Entry.objects.filter(case=case)).count(),
        "goals": of(Goal.objects.filter(case=case)).count(),
        "measures": of(Measure.objects.filter(case=case)).count(),
        "evaluations": of(Evaluation.objects.filter(case=case)).count(),
        "meetings": of(meetings).count(),
        "referater": of(meetings.exclude(referat=""), "referat_category").count(),
        "consents": Consent.objects.filter(case=case).count(),
        "documents": Consent.objects.filter(case=case).exclude(document="").count(),
        "closings": CaseClosing.objects.filter(case=case).count(),
        "guardians": Guardian.objects.filter(registered_in=case).count(),
    }


def storage_info(case: Case, view: Any = None, *, counts: bool = True) -> dict[str, Any]:
    """What is registered in the case and when it will be deleted (the staff page, the
    API and the family portal share it): counts per kind of content, the rule in force,
    until when the case is kept, and where it goes (the archive or deletion)."""
    from arkiv import retention, rules
    from arkiv.models import Disposal

    service = case.owner_unit.service
    rule = rules.rule_for_service(service)
    closed_on = case.closed_at.date() if case.closed_at and not case.is_open else None
    due = rules.add_years(closed_on, rule.case_years) if closed_on else None
    delivery = latest_delivery(case)
    found = stored_counts(case, view) if counts else {}
    return {
        "counts": found,
        "rows": [(_COUNT_LABELS[k], found[k], k) for k in _COUNT_LABELS if k in found],
        "rule": rule,
        "rule_text": retention.rule_text(service.name, rule),
        "case_years": rule.case_years,
        "preserved": rule.disposal == Disposal.BEVARES,
        "closed_on": closed_on,
        "kept_until": due,
        "innsynslogg_years": rule.innsynslogg_years,
        "delivery": delivery,
        "delivery_status": delivery.status if delivery is not None else "",
        "delivery_status_label": delivery.get_status_display() if delivery is not None else "",
    }


def _labels() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy as _

    return {
        "entries": _("Loggføringer i stafettloggen"),
        "goals": _("Mål i planen"),
        "measures": _("Tiltak"),
        "evaluations": _("Evalueringer"),
        "meetings": _("Samarbeidsmøter"),
        "referater": _("Møtereferater"),
        "consents": _("Samtykker"),
        "documents": _("Skannede dokumenter"),
        "closings": _("Avslutningsoppsummeringer"),
        "guardians": _("Foresatte registrert i saken"),
    }


_COUNT_LABELS = _labels()
