"""The fagadministrator's editor: drafts, trinn, verktøy, publishing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bti.models import User
from handlingsveileder import rules
from handlingsveileder.actions import clean_actions
from handlingsveileder.models import (
    LEVELS,
    DeadlineFrom,
    GuideVersion,
    Handlingsveileder,
    LevelLabel,
    Step,
    Tool,
    VersionStatus,
)
from handlingsveileder.services.base import (
    TOOL_FILE_TYPES,
    TOOL_MAX_BYTES,
    check_nn_checklist,
    clean_checklist,
    clean_deadline,
    clean_nn_texts,
    clean_text,
    clean_url,
    level_labels,
)
from handlingsveileder.services.setup import (
    effective_version,
)


def _guide_for_edit(actor: User, guide_id: Any) -> Handlingsveileder:
    guide = Handlingsveileder.objects.select_for_update().filter(pk=guide_id).select_related("kommune").first()
    if guide is None or not rules.may_read(actor, guide):
        raise PermissionDenied
    if not rules.may_edit(actor, guide):
        raise PermissionDenied
    return guide


def _draft_for_edit(actor: User, version_id: Any) -> GuideVersion:
    version = GuideVersion.objects.select_for_update(of=("self",)).filter(pk=version_id).select_related("guide").first()
    if version is None or not rules.may_edit(actor, version.guide):
        raise PermissionDenied
    if not version.is_draft:
        raise ValidationError(
            {
                "version": _(
                    "Versjon %(number)s er publisert og kan ikke endres. Lag et nytt utkast for å gjøre endringer."
                )
                % {"number": version.number}
            }
        )
    return version


def _next_number(guide: Handlingsveileder) -> int:
    return (GuideVersion.objects.filter(guide=guide).aggregate(n=Max("number"))["n"] or 0) + 1


def _copy_steps(source: GuideVersion, target: GuideVersion) -> None:
    for step in source.steps.prefetch_related("tools").order_by("level", "position"):
        copy = Step.objects.create(
            kommune_id=target.kommune_id,
            version=target,
            key=step.key,
            level=step.level,
            position=step.position,
            title=step.title,
            summary=step.summary,
            what=step.what,
            how=step.how,
            who=step.who,
            checklist=list(step.checklist),
            title_nn=step.title_nn,
            summary_nn=step.summary_nn,
            what_nn=step.what_nn,
            how_nn=step.how_nn,
            who_nn=step.who_nn,
            checklist_nn=list(step.checklist_nn),
            deadline_days=step.deadline_days,
            deadline_from=step.deadline_from,
            completed_by_actions=list(step.completed_by_actions),
        )
        for tool in step.tools.all():
            Tool.objects.create(
                kommune_id=target.kommune_id,
                step=copy,
                position=tool.position,
                title=tool.title,
                title_nn=tool.title_nn,
                url=tool.url,
                file=tool.file.name if tool.file else "",
                file_name=tool.file_name,
                content_type=tool.content_type,
                size=tool.size,
            )


@transaction.atomic
def draft_create(*, actor: User, guide_id: Any) -> GuideVersion:
    """A new draft copied from the guide's published version (or the kommune default's).
    If a draft already exists, that draft is returned: nobody's work is overwritten."""
    guide = _guide_for_edit(actor, guide_id)
    existing = GuideVersion.objects.filter(guide=guide, status=VersionStatus.DRAFT).first()
    if existing is not None:
        return existing
    source = effective_version(guide)
    draft = GuideVersion.objects.create(
        kommune_id=guide.kommune_id, guide=guide, number=_next_number(guide), based_on=source, created_by=actor
    )
    if source is not None:
        _copy_steps(source, draft)
    return draft


@transaction.atomic
def step_save(
    *,
    actor: User,
    version_id: Any,
    step_id: Any = None,
    level: Any = None,
    title: str,
    summary: str = "",
    what: str = "",
    how: str = "",
    who: str = "",
    checklist: Any = "",
    deadline_days: Any = None,
    deadline_from: str = DeadlineFrom.LEVEL,
    completed_by_actions: Any = None,
    title_nn: str = "",
    summary_nn: str = "",
    what_nn: str = "",
    how_nn: str = "",
    who_nn: str = "",
    checklist_nn: Any = "",
) -> Step:
    """Add a trinn at the end of its nivå, or change one (with the actions that fulfil it,
    issue 17 item 1; ``None`` keeps them). Only in a draft."""
    version = _draft_for_edit(actor, version_id)
    values = {
        "title": clean_text(title, field="title", label=_("en tittel"), max_length=120, required=True),
        "summary": clean_text(summary, field="summary", label=_("kort beskrivelse"), max_length=300),
        "what": clean_text(what, field="what", label=_("hva"), max_length=4000),
        "how": clean_text(how, field="how", label=_("hvordan"), max_length=4000),
        "who": clean_text(who, field="who", label=_("hvem"), max_length=200),
        "checklist": clean_checklist(checklist),
        **clean_nn_texts(
            title_nn=title_nn,
            summary_nn=summary_nn,
            what_nn=what_nn,
            how_nn=how_nn,
            who_nn=who_nn,
            checklist_nn=checklist_nn,
        ),
        "deadline_days": clean_deadline(deadline_days),
        "deadline_from": deadline_from if deadline_from in DeadlineFrom.values else DeadlineFrom.LEVEL,
    }
    check_nn_checklist(values["checklist"], values["checklist_nn"])
    if completed_by_actions is not None or not step_id:  # None on a change: keep the trinn's actions
        values["completed_by_actions"] = clean_actions(list(completed_by_actions or []))
    if step_id:
        step = Step.objects.filter(pk=step_id, version=version).first()
        if step is None:
            raise ValidationError({"step": _("Fant ikke trinnet i dette utkastet.")})
        for name, value in values.items():
            setattr(step, name, value)
        step.save(update_fields=list(values))
        return step
    try:
        level_int = int(level)
    except (TypeError, ValueError):
        level_int = -1
    if level_int not in LEVELS:
        raise ValidationError({"level": _("Velg nivå 0, 1, 2 eller 3.")})
    last = Step.objects.filter(version=version, level=level_int).aggregate(p=Max("position"))["p"] or 0
    return Step.objects.create(
        kommune_id=version.kommune_id, version=version, level=level_int, position=last + 1, **values
    )


def _renumber(version: GuideVersion, level: int) -> None:
    for position, step in enumerate(Step.objects.filter(version=version, level=level).order_by("position", "pk"), 1):
        if step.position != position:
            step.position = position
            step.save(update_fields=["position"])


@transaction.atomic
def step_move(*, actor: User, step_id: Any, direction: str) -> Step:
    """Swap a trinn with its neighbour above or below (keyboard-friendly reordering)."""
    step = Step.objects.filter(pk=step_id).select_related("version").first()
    if step is None:
        raise PermissionDenied
    version = _draft_for_edit(actor, step.version_id)
    siblings = list(Step.objects.filter(version=version, level=step.level).order_by("position", "pk"))
    index = next(i for i, s in enumerate(siblings) if s.pk == step.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if direction not in {"up", "down"} or not 0 <= other_index < len(siblings):
        return step
    siblings[index], siblings[other_index] = siblings[other_index], siblings[index]
    for position, sibling in enumerate(siblings, 1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])  # the unique constraint is deferred
    step.refresh_from_db()
    return step


@transaction.atomic
def step_remove(*, actor: User, step_id: Any) -> GuideVersion:
    step = Step.objects.filter(pk=step_id).first()
    if step is None:
        raise PermissionDenied
    version = _draft_for_edit(actor, step.version_id)
    level = step.level
    step.delete()
    _renumber(version, level)
    return version


def _check_upload(upload: UploadedFile) -> tuple[str, str]:
    name = (upload.name or "").rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in TOOL_FILE_TYPES:
        allowed = ", ".join(sorted(TOOL_FILE_TYPES))
        raise ValidationError({"file": _("Filtypen er ikke tillatt. Tillatte typer: %(types)s.") % {"types": allowed}})
    if upload.size is None or upload.size > TOOL_MAX_BYTES:
        raise ValidationError(
            {"file": _("Filen er for stor. Største tillatte størrelse er %(mb)s MB.") % {"mb": TOOL_MAX_BYTES // 2**20}}
        )
    if upload.size == 0:
        raise ValidationError({"file": _("Filen er tom.")})
    content_type, magic = TOOL_FILE_TYPES[ext]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if magic is not None and not head.startswith(magic):
        raise ValidationError({"file": _("Innholdet i filen stemmer ikke med filtypen .%(ext)s.") % {"ext": ext}})
    if magic is None and b"\x00" in head:
        raise ValidationError({"file": _("Tekstfilen inneholder ugyldige tegn.")})
    return name[:200], content_type


@transaction.atomic
def tool_add(
    *, actor: User, step_id: Any, title: str, url: str = "", upload: UploadedFile | None = None, title_nn: str = ""
) -> Tool:
    """A tool is a link (http/https only) or an uploaded file of an allowed type and size."""
    step = Step.objects.filter(pk=step_id).first()
    if step is None:
        raise PermissionDenied
    _draft_for_edit(actor, step.version_id)
    clean_title = clean_text(title, field="tool_title", label=_("navnet på verktøyet"), max_length=150, required=True)
    clean_title_nn = clean_text(title_nn, field="tool_title_nn", label=_("navnet på nynorsk"), max_length=150)
    clean = clean_url(url)
    if bool(clean) == bool(upload):
        raise ValidationError({"url": _("Oppgi enten en lenke eller en fil (ikke begge).")})
    position = (Tool.objects.filter(step=step).aggregate(p=Max("position"))["p"] or 0) + 1
    tool = Tool(
        kommune_id=step.kommune_id, step=step, position=position, title=clean_title, title_nn=clean_title_nn, url=clean
    )
    if upload is not None:
        name, content_type = _check_upload(upload)
        tool.file_name, tool.content_type, tool.size = name, content_type, int(upload.size or 0)
        tool.file.save(name, upload, save=False)
    tool.save()
    return tool


@transaction.atomic
def tool_remove(*, actor: User, tool_id: Any) -> Step:
    tool = Tool.objects.filter(pk=tool_id).select_related("step").first()
    if tool is None:
        raise PermissionDenied
    _draft_for_edit(actor, tool.step.version_id)
    step = tool.step
    tool.delete()
    return step


def publish_problems(version: GuideVersion) -> list[str]:
    """What stops a draft from being published (empty nivå, two trinn on one position)."""
    labels = level_labels(version.kommune_id)
    problems: list[str] = []
    rows = list(Step.objects.filter(version=version).values_list("level", "position"))
    for level in LEVELS:
        positions = [p for lvl, p in rows if lvl == level]
        if not positions:
            problems.append(
                _("%(level)s har ingen trinn. Hvert nivå må ha minst ett trinn.") % {"level": labels[level]}
            )
        elif len(positions) != len(set(positions)):
            problems.append(_("%(level)s har to trinn på samme plass i rekkefølgen.") % {"level": labels[level]})
    return problems


@transaction.atomic
def version_publish(*, actor: User, version_id: Any, note: str) -> GuideVersion:
    """Publish a draft: it becomes immutable and replaces the published version, which is
    retired. Open cases keep the version they follow until their stafettholder moves them."""
    version = _draft_for_edit(actor, version_id)
    clean_note = clean_text(note, field="note", label=_("et endringsnotat"), max_length=2000, required=True)
    problems = publish_problems(version)
    if problems:
        raise ValidationError({"version": problems})
    now = timezone.now()
    for old in GuideVersion.objects.select_for_update().filter(guide=version.guide, status=VersionStatus.PUBLISHED):
        old.status = VersionStatus.RETIRED
        old.retired_at = now
        old.save(update_fields=["status", "retired_at"])
    version.status = VersionStatus.PUBLISHED
    version.note = clean_note
    version.published_by = actor
    version.published_at = now
    version.save(update_fields=["status", "note", "published_by", "published_at"])
    return version


@transaction.atomic
def level_labels_save(*, actor: User, labels: dict[int, str]) -> dict[int, str]:
    """A kommune's own names for the four levels. System administrators of the kommune only."""
    if not (actor.is_staff and actor.kommune_id):
        raise PermissionDenied
    for level in LEVELS:
        text = clean_text(labels.get(level, ""), field=f"level_{level}", label=_("et navn på nivået"), max_length=80)
        if not text:
            raise ValidationError({f"level_{level}": _("Skriv et navn på nivå %(level)s.") % {"level": level}})
        LevelLabel.objects.update_or_create(kommune_id=actor.kommune_id, level=level, defaults={"label": text})
    return level_labels(actor.kommune_id)
