"""Cases follow a version: attach it, complete or skip trinn, move to a newer version."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bti import policy
from bti.models import Kommune, Service, User
from cases.models import Case
from handlingsveileder.models import (
    CaseGuide,
    GuideVersion,
    ProgressStatus,
    Step,
    StepProgress,
    VersionStatus,
)
from handlingsveileder.services.base import (
    clean_text,
)
from handlingsveileder.services.setup import (
    effective_version,
    ensure_kommune_default,
    guide_for_service,
)
from stafettlogg.models import EntryKind
from stafettlogg.services import entry_append


def attach_guide(*, case: Case) -> CaseGuide:
    """Record the version a new case follows: the owning service's published version, or
    the kommune default. Idempotent; called when a case is opened (``bti.registries.case_opened``)."""
    existing = CaseGuide.objects.filter(case=case).select_related("version", "version__guide").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        service = Service.objects.get(pk=case.owner_unit.service_id)
        version = effective_version(guide_for_service(service))
        if version is None:
            kommune = Kommune.objects.get(pk=case.kommune_id)
            version = effective_version(ensure_kommune_default(kommune, actor=case.created_by))
        assert version is not None
        link, _created = CaseGuide.objects.get_or_create(
            case=case, defaults={"kommune_id": case.kommune_id, "version": version}
        )
    return CaseGuide.objects.select_related("version", "version__guide").get(pk=link.pk)


def _case_step(actor: User, case_id: Any, step_id: Any, need: str) -> tuple[Case, Step]:
    case = policy.access_case(actor, case_id, need, for_update=True)
    link = attach_guide(case=case)
    step = Step.objects.filter(pk=step_id, version_id=link.version_id).first()
    if step is None:
        raise ValidationError({"step": _("Trinnet hører ikke til handlingsveilederen saken følger.")})
    if step.level != case.level:
        raise ValidationError({"step": _("Trinnet hører til et annet nivå enn saken er på nå.")})
    return case, step


def _clean_checked(step: Step, checked: Any) -> list[int]:
    try:
        indexes = sorted({int(i) for i in (checked or [])})
    except (TypeError, ValueError):
        raise ValidationError({"checked": _("Ugyldig avkrysning i sjekklisten.")}) from None
    if any(i < 0 or i >= len(step.checklist) for i in indexes):
        raise ValidationError({"checked": _("Sjekklisten har endret seg. Last inn siden på nytt.")})
    return indexes


def _progress_save(case: Case, step: Step, actor: User, **values: Any) -> StepProgress:
    progress, _created = StepProgress.objects.update_or_create(
        case=case,
        step_key=step.key,
        defaults={
            "kommune_id": case.kommune_id,
            "step": step,
            "level": step.level,
            "by": actor,
            "at": timezone.now(),
            **values,
        },
    )
    return progress


def _log(case: Case, actor: User, event: str, step: Step, text: str, **extra: Any) -> None:
    data = {
        "handlingsveileder": {
            "event": event,
            "step_key": str(step.key),
            "step_title": step.title,
            "version_id": step.version_id,
            **extra,
        }
    }
    entry_append(case=case, actor=actor, kind=EntryKind.NOTAT, text=text, data=data)


@transaction.atomic
def step_checklist_save(*, actor: User, case_id: Any, step_id: Any, checked: Any) -> StepProgress:
    """Tick checklist items on a trinn without completing it."""
    case, step = _case_step(actor, case_id, step_id, "add_note")
    indexes = _clean_checked(step, checked)
    existing = StepProgress.objects.filter(case=case, step_key=step.key).first()
    status = existing.status if existing is not None else ProgressStatus.STARTED
    progress = _progress_save(case, step, actor, status=status, checked=indexes)
    _log(
        case,
        actor,
        "checklist",
        step,
        _("Sjekkliste for trinnet «%(title)s»: %(done)s av %(total)s punkter krysset av.")
        % {"title": step.title, "done": len(indexes), "total": len(step.checklist)},
        checked=indexes,
    )
    return progress


@transaction.atomic
def step_complete(*, actor: User, case_id: Any, step_id: Any, checked: Any = None, note: str = "") -> StepProgress:
    """Mark a trinn as done; written to the stafettlogg."""
    case, step = _case_step(actor, case_id, step_id, "add_note")
    indexes = _clean_checked(step, checked) if checked is not None else None
    clean_note = clean_text(note, field="note", label=_("en kommentar"), max_length=2000)
    values: dict[str, Any] = {"status": ProgressStatus.DONE, "reason": clean_note}
    if indexes is not None:
        values["checked"] = indexes
    progress = _progress_save(case, step, actor, **values)
    text = _("Trinn fullført: %(title)s.") % {"title": step.title}
    if clean_note:
        text += " " + clean_note
    _log(case, actor, "step_done", step, text, checked=progress.checked)
    return progress


@transaction.atomic
def step_skip(*, actor: User, case_id: Any, step_id: Any, reason: str) -> StepProgress:
    """Skip a trinn; the reason is required and written to the stafettlogg."""
    case, step = _case_step(actor, case_id, step_id, "add_note")
    clean_reason = clean_text(
        reason, field="reason", label=_("hvorfor trinnet hoppes over"), max_length=2000, required=True
    )
    progress = _progress_save(case, step, actor, status=ProgressStatus.SKIPPED, reason=clean_reason)
    _log(
        case,
        actor,
        "step_skipped",
        step,
        _("Trinn hoppet over: %(title)s. Begrunnelse: %(reason)s") % {"title": step.title, "reason": clean_reason},
    )
    return progress


@transaction.atomic
def case_move_to_version(*, actor: User, case_id: Any, version_id: Any) -> CaseGuide:
    """Move an open case to the newer published version of its guide (the stafettholder
    decides; on nivå 0 the owning unit). Progress follows the trinn by their key."""
    case = policy.access_case(actor, case_id, "change_level", for_update=True)
    link = attach_guide(case=case)
    target = GuideVersion.objects.filter(
        pk=version_id, guide_id=link.version.guide_id, status=VersionStatus.PUBLISHED
    ).first()
    if target is None:
        service_guide = guide_for_service(case.owner_unit.service)
        target = GuideVersion.objects.filter(pk=version_id, guide=service_guide, status=VersionStatus.PUBLISHED).first()
    if target is None:
        raise ValidationError({"version": _("Velg den publiserte versjonen av handlingsveilederen.")})
    if target.pk == link.version_id:
        raise ValidationError({"version": _("Saken følger allerede denne versjonen.")})
    old = link.version
    CaseGuide.objects.filter(pk=link.pk).update(version=target, attached_at=timezone.now())
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=_("Saken følger nå %(guide)s, versjon %(new)s (før: versjon %(old)s).")
        % {"guide": target.guide.name, "new": target.number, "old": old.number},
        data={"handlingsveileder": {"event": "version_moved", "from_version_id": old.pk, "to_version_id": target.pk}},
    )
    link.refresh_from_db()
    return link


def tick_steps_for_entry(*, case: Case, actor: User, entry: Any) -> list[StepProgress]:
    """An action was written to the stafettlogg: tick the trinn of the case's version that
    name it (``Step.completed_by_actions``) and are not done yet, and tell the person.
    Registered with ``bti.registries.register_entry_listener``; runs in the action's
    transaction, so the tick and the action stand or fall together."""
    from bti.notices import notice
    from handlingsveileder.actions import ACTIONS, action_of

    found = action_of(entry, case.level)
    if found is None:
        return []
    action, level = found
    link = CaseGuide.objects.filter(case_id=case.pk).values("version_id").first()
    if link is None:
        return []
    done = StepProgress.objects.filter(case_id=case.pk, status=ProgressStatus.DONE).values("step_key")
    steps = list(
        Step.objects.filter(version_id=link["version_id"], level=level, completed_by_actions__contains=[action])
        .exclude(key__in=done)
        .order_by("position")
    )
    ticked = []
    for step in steps:
        reason = _("Krysset av da %(action)s.") % {"action": ACTIONS[action]}
        ticked.append(_progress_save(case, step, actor, status=ProgressStatus.DONE, reason=reason))
        # No entry of its own: the action's entry is the record (the trinn page says so).
        notice(
            _("Trinnet «%(title)s» på nivå %(level)s er krysset av: %(action)s.")
            % {"title": step.title, "level": level, "action": ACTIONS[action]}
        )
    return ticked
