"""Kassasjon at the end of retention (issue 15 item 3, docs/adr/0026).

* ``plan(today=, kommune_id=)`` lists what the run would do: every closed case whose
  retention under its rule (``arkiv.rules``) ended on or before ``today``, and, for a rule
  that says bevares, only once the kommune's archive acknowledged the case (an arkiv
  Delivery with a kvittering); the others are listed as waiting. Read only: the dry run.
* ``shred(item=, run=, actor=)`` does one case, in one transaction with the case row
  locked: checks again that it is due (a case reopened or shredded since is skipped),
  deletes the case's key row (``cases_casekey``; the stafettlogg rows are never updated or
  deleted, the application role may not), clears the identifying and free-text fields the
  key does not cover, deletes the case's stored PDFs and scanned documents, and writes the
  tombstone (``arkiv.Kassasjon``).
* ``apply(today=, actor=, dry_run=)`` is the daily task's body: idempotent (a shredded
  case is no longer planned; a rerun does nothing), and the dry run returns exactly the
  list the real run then does.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arkiv import rules, selectors
from arkiv.models import Disposal, Kassasjon
from bti import sealing
from cases.models import Case, CaseKey, CaseStatus, Child, Guardian

# Free-text columns the key does not seal (short fields, structured text): cleared at
# kassasjon. TextFields of every model pointing at the case are cleared as well.
CLEARED_CHARFIELDS: dict[str, tuple[str, ...]] = {
    "samarbeid.Goal": ("agreed_with",),
    "samarbeid.Meeting": ("place", "family_participants", "video_link"),
}
# Kept as they are: the archive's kvittering, the tombstone itself, the append-only log.
# The innsynslogg has its own retention (append-only, dropped by partition); the overview's
# fact rows are de-identified and carry its counts, which must not change.
KEPT_MODELS = frozenset(
    {
        "arkiv.Delivery",
        "arkiv.Kassasjon",
        "stafettlogg.Entry",
        "bti.AccessLogEntry",
        "oversikt.CaseFact",
        "oversikt.LevelFact",
    }
)


@dataclass(frozen=True)
class Item:
    """One case the run deletes (or waits for)."""

    case_id: int
    unit: str
    closed_on: date
    due_on: date
    disposal: str
    rule: str
    waiting: bool  # bevares, and the archive has not acknowledged the case yet

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["closed_on"] = self.closed_on.isoformat()
        d["due_on"] = self.due_on.isoformat()
        return d


def rule_text(service_name: str, rule: rules.Rule) -> str:
    """How the tombstone, the 410 and the log name the rule."""
    origin = {"standard": _("standard"), "kommune": _("kommunens regel"), "tjeneste": _("tjenestens regel")}
    disposal = _("bevares") if rule.disposal == Disposal.BEVARES else _("kasseres")
    return _("«%(service)s: %(years)s år etter avslutning, %(disposal)s» (%(origin)s)") % {
        "service": service_name,
        "years": rule.case_years,
        "disposal": disposal,
        "origin": origin.get(rule.origin, rule.origin),
    }


def plan(*, today: date | None = None, kommune_id: int | None = None) -> list[Item]:
    """What a run on ``today`` does, in case order (read only)."""
    today = today or timezone.localdate()
    qs = Case.objects.filter(status=CaseStatus.CLOSED, shredded_at__isnull=True, closed_at__isnull=False)
    if kommune_id is not None:
        qs = qs.filter(kommune_id=kommune_id)
    qs = qs.select_related("owner_unit__service").order_by("pk")
    by_kommune: dict[int, dict[int, rules.Rule]] = {}
    items: list[Item] = []
    for case in qs.iterator(chunk_size=500):
        assert case.closed_at is not None
        service = case.owner_unit.service
        if case.kommune_id not in by_kommune:
            by_kommune[case.kommune_id] = {s.pk: r for s, r in rules.effective_rules(case.kommune_id)}
        rule = by_kommune[case.kommune_id].get(service.pk) or rules.default_for(service.kind)
        closed_on = timezone.localdate(case.closed_at)
        due_on = rules.add_years(closed_on, rule.case_years)
        if due_on > today:
            continue
        waiting = rule.disposal == Disposal.BEVARES and not selectors.is_acknowledged(case)
        items.append(
            Item(
                case_id=case.pk,
                unit=case.owner_unit.name,
                closed_on=closed_on,
                due_on=due_on,
                disposal=rule.disposal,
                rule=rule_text(service.name, rule),
                waiting=waiting,
            )
        )
    return items


def _case_models() -> list[type[models.Model]]:
    """Every model with a foreign key to the case (found from the model graph, so a new
    app's table is cleared too)."""
    found = []
    for rel in Case._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue
        model: Any = rel.related_model
        label = model._meta.label
        if label in KEPT_MODELS or model is CaseKey or getattr(rel, "field", None) is None or rel.field.name != "case":  # type: ignore[union-attr]
            continue
        found.append(model)
    return sorted(set(found), key=lambda m: m._meta.label)


def _clear_case_rows(case: Case) -> dict[str, int]:
    """Clear what the key does not seal; returns how many rows of each kind the case had."""
    counts: dict[str, int] = {}
    for model in _case_models():
        qs = model._default_manager.filter(case_id=case.pk)
        n = qs.count()
        if not n:
            continue
        counts[model._meta.label] = n
        blank: dict[str, Any] = {}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                for name in qs.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                    if name and default_storage.exists(name):
                        default_storage.delete(name)
                blank[field.name] = ""
            elif isinstance(field, models.TextField) and not isinstance(field, sealing.SealedTextField):
                blank[field.name] = ""
        for name in CLEARED_CHARFIELDS.get(model._meta.label, ()):
            blank[name] = ""
        if model._meta.label == "samarbeid.PdfJob":
            for name in qs.exclude(file_name="").values_list("file_name", flat=True):
                if default_storage.exists(name):
                    default_storage.delete(name)
            blank["file_name"] = ""
        if model._meta.label == "samarbeid.Measure":
            qs.exclude(responsible_other="").update(responsible_other="–")
        if blank:
            qs.update(**blank)
    return counts


def _clear_identity(case: Case) -> None:
    """The child's and the guardians' names and numbers; the child only when none of its
    cases is still kept (another case of the same child keeps its own)."""
    Guardian.objects.filter(registered_in_id=case.pk).update(full_name="", phone="", email="", address="")
    if case.child_id is None:
        return
    others = Case.objects.filter(child_id=case.child_id, shredded_at__isnull=True).exclude(pk=case.pk)
    if others.exists():
        return
    Guardian.objects.filter(child_id=case.child_id).update(full_name="", phone="", email="", address="")
    Child.objects.filter(pk=case.child_id).update(
        full_name="", fnr="", fnr_index="", birth_date=None, expected_date=None
    )


@transaction.atomic
def shred(*, item: Item, run: str, actor: Any = None, today: date | None = None) -> Kassasjon | None:
    """Destroy one case's key and clear what identifies it; None when it is no longer due
    (reopened, shredded by another run, or waiting for the archive)."""
    if item.waiting:
        return None
    case = Case.objects.select_for_update().filter(pk=item.case_id).first()
    if case is None or case.shredded_at is not None or case.status != CaseStatus.CLOSED or case.closed_at is None:
        return None
    if timezone.localdate(case.closed_at) != item.closed_on:  # reopened and closed again: its clock restarted
        return None
    if item.disposal == Disposal.BEVARES and not selectors.is_acknowledged(case):
        return None
    destroyed = selectors.stored_counts(case)
    destroyed["keys"] = CaseKey.objects.filter(case_id=case.pk).delete()[0]
    destroyed.update(_clear_case_rows(case))
    _clear_identity(case)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        shredded_at=now,
        shred_note=item.rule[:300],
        child_name="",
        anonymous_label="" if case.child_id else "–",
        close_reason="",
    )
    sealing.forget(case.pk)
    return Kassasjon.objects.create(
        kommune_id=case.kommune_id,
        case_id=case.pk,
        unit_name=item.unit,
        rule=item.rule[:300],
        disposal=item.disposal,
        closed_on=item.closed_on,
        due_on=item.due_on,
        done_at=now,
        done_by=actor,
        run=run,
        destroyed=destroyed,
    )


@dataclass
class Outcome:
    run: str
    planned: list[Item]
    done: list[Item]
    waiting: list[Item]


def apply(
    *, today: date | None = None, actor: Any = None, dry_run: bool = False, kommune_id: int | None = None
) -> Outcome:
    """The daily task: plan, then (unless ``dry_run``) shred each due case in its own
    transaction. ``done`` is the log of the real run; the dry run's ``done`` is what it
    would do."""
    run = str(uuid.uuid4())
    planned = plan(today=today, kommune_id=kommune_id)
    waiting = [i for i in planned if i.waiting]
    due = [i for i in planned if not i.waiting]
    if dry_run:
        return Outcome(run, planned, due, waiting)
    done = [item for item in due if shred(item=item, run=run, actor=actor, today=today) is not None]
    return Outcome(run, planned, done, waiting)


def run_now(*, actor: Any, kommune_id: int, request: Any = None) -> Outcome:
    """The kommune administrator's «run now»: the daily task for one kommune, recorded as
    an ``admin_change`` security event with the cases it deleted."""
    from kommuneadmin.services.common import record_change

    out = apply(actor=actor, kommune_id=kommune_id)
    record_change(
        actor=actor,
        action="retention_applied",
        obj="kommune",
        obj_id=kommune_id,
        after={"run": out.run, "cases": [i.case_id for i in out.done]},
        request=request,
    )
    return out


def log_for_kommune(kommune_id: int, limit: int = 200) -> list[Kassasjon]:
    return list(Kassasjon.objects.filter(kommune_id=kommune_id).select_related("done_by")[:limit])
