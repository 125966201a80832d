"""Every state change of handlingsveiledere and of a case's progress on its trinn.

Guide edits check ``rules.may_edit`` and refuse anything but a draft (the database
refuses it too, migration 0002). Case changes fetch the case through
``bti.policy.access_case(..., for_update=True)`` and write a stafettlogg entry in the
same transaction.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from bti import policy
from bti.models import DEFAULT_CATEGORY, Kommune, Membership, MembershipRole, Service, User
from cases.models import Case
from handlingsveileder import default_template, rules
from handlingsveileder.models import (
    DEFAULT_LEVEL_LABELS,
    LEVELS,
    CaseGuide,
    DeadlineFrom,
    GuideVersion,
    Handlingsveileder,
    LevelLabel,
    ProgressStatus,
    Step,
    StepProgress,
    Tool,
    VersionStatus,
)
from stafettlogg.models import EntryKind
from stafettlogg.services import entry_append

EXPORT_FORMAT = "bti-handlingsveileder"
EXPORT_FORMAT_VERSION = 1
IMPORT_MAX_BYTES: int = getattr(settings, "HANDLINGSVEILEDER_IMPORT_MAX_BYTES", 200 * 1024)
TOOL_MAX_BYTES: int = getattr(settings, "HANDLINGSVEILEDER_TOOL_MAX_BYTES", 10 * 1024 * 1024)
MAX_DEADLINE_DAYS = 365

# Allowed uploads: extension -> (content type, magic bytes it must start with, or None for text).
TOOL_FILE_TYPES: dict[str, tuple[str, bytes | None]] = {
    "pdf": ("application/pdf", b"%PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK\x03\x04"),
    "odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    "doc": ("application/msword", b"\xd0\xcf\x11\xe0"),
    "png": ("image/png", b"\x89PNG"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "txt": ("text/plain; charset=utf-8", None),
}

_http_url = URLValidator(schemes=["http", "https"])


# --- Small helpers ---------------------------------------------------------------------


def clean_text(value: Any, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    """Plain text only: tags are removed (never rendered as HTML), whitespace trimmed."""
    text = strip_tags(str(value or "")).replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: _("Skriv %(label)s.") % {"label": label}})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("%(label)s kan være høyst %(max)s tegn.") % {"label": label.capitalize(), "max": max_length}}
        )
    return text


def clean_checklist(value: Any) -> list[str]:
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    items = [clean_text(line, field="checklist", label=_("punktet"), max_length=200) for line in lines]
    items = [item for item in items if item]
    if len(items) > 30:
        raise ValidationError({"checklist": _("Sjekklisten kan ha høyst 30 punkter.")})
    return items


def clean_deadline(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"deadline_days": _("Fristen må være et helt antall dager.")}) from None
    if days < 0:
        raise ValidationError({"deadline_days": _("Fristen kan ikke være negativ. Skriv 0 eller flere dager.")})
    if days > MAX_DEADLINE_DAYS:
        raise ValidationError(
            {"deadline_days": _("Fristen kan være høyst %(max)s dager.") % {"max": MAX_DEADLINE_DAYS}}
        )
    return days


def clean_url(value: Any, field: str = "url") -> str:
    url = str(value or "").strip()
    if not url:
        return ""
    scheme = url.split(":", 1)[0].lower().strip() if ":" in url else ""
    if scheme not in {"http", "https"}:
        raise ValidationError(
            {field: _("Lenken må begynne med https:// eller http://. Andre typer lenker er ikke tillatt.")}
        )
    try:
        _http_url(url)
    except ValidationError:
        raise ValidationError({field: _("Lenken er ikke en gyldig nettadresse.")}) from None
    return url


def level_labels(kommune_id: int) -> dict[int, str]:
    labels = dict(DEFAULT_LEVEL_LABELS)
    labels.update(dict(LevelLabel.objects.filter(kommune_id=kommune_id).values_list("level", "label")))
    return labels


# --- Setup: the kommune default and one guide per service -----------------------------


def _create_steps(version: GuideVersion, levels: dict[int, list[dict[str, Any]]]) -> None:
    for level, steps in levels.items():
        for position, data in enumerate(steps, 1):
            step = Step.objects.create(
                kommune_id=version.kommune_id,
                version=version,
                level=level,
                position=position,
                title=data["title"],
                summary=data.get("summary", ""),
                what=data.get("what", ""),
                how=data.get("how", ""),
                who=data.get("who", ""),
                checklist=list(data.get("checklist", [])),
                deadline_days=data.get("deadline_days"),
                deadline_from=data.get("deadline_from") or DeadlineFrom.LEVEL,
            )
            for tool_position, tool in enumerate(data.get("tools", []), 1):
                Tool.objects.create(
                    kommune_id=version.kommune_id,
                    step=step,
                    position=tool_position,
                    title=tool["title"],
                    url=tool["url"],
                )


@transaction.atomic
def ensure_kommune_default(kommune: Kommune, *, actor: User | None = None) -> Handlingsveileder:
    """The kommune's default guide, published from the BTI default template on first use. Idempotent."""
    guide, _created = Handlingsveileder.objects.get_or_create(
        kommune=kommune, service=None, defaults={"name": "Kommunens standard (BTI)", "category": "basis"}
    )
    if not GuideVersion.objects.filter(guide=guide).exists():
        creator = actor or User.objects.filter(kommune=kommune).order_by("pk").first()
        if creator is None:
            return guide
        version = GuideVersion.objects.create(
            kommune=kommune, guide=guide, number=1, created_by=creator, note="BTI-standardmalen."
        )
        _create_steps(version, default_template.STEPS)
        version.status = VersionStatus.PUBLISHED
        version.published_by = creator
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_by", "published_at"])
    return guide


def guide_for_service(service: Service) -> Handlingsveileder:
    guide, _created = Handlingsveileder.objects.get_or_create(
        kommune_id=service.kommune_id,
        service=service,
        defaults={
            "name": _("Handlingsveileder – %(service)s") % {"service": service.name},
            "category": service.category or DEFAULT_CATEGORY.get(service.kind, "basis"),
        },
    )
    return guide


def grant_editors(guide: Handlingsveileder) -> int:
    """Give the fagadministratorer of the guide's service the edit permission (object permission)."""
    if guide.service_id is None:
        return 0
    users = User.objects.filter(
        pk__in=Membership.objects.filter(role=MembershipRole.FAGADMIN, unit__service_id=guide.service_id).values(
            "user_id"
        )
    )
    count = 0
    for user in users:
        assign_perm(rules.EDIT_PERM, user, guide)
        count += 1
    return count


@transaction.atomic
def kommune_setup(kommune: Kommune) -> list[Handlingsveileder]:
    """Default guide plus one guide per service with its fagadministratorer as editors. Idempotent."""
    guides = [ensure_kommune_default(kommune)]
    for service in Service.objects.filter(kommune=kommune):
        guide = guide_for_service(service)
        grant_editors(guide)
        guides.append(guide)
    return guides


def published_version(guide: Handlingsveileder) -> GuideVersion | None:
    return GuideVersion.objects.filter(guide=guide, status=VersionStatus.PUBLISHED).first()


def effective_version(guide: Handlingsveileder) -> GuideVersion | None:
    """The published version a service uses: its own, or else the kommune default."""
    own = published_version(guide)
    if own is not None or guide.is_default:
        return own
    default = ensure_kommune_default(guide.kommune)
    return published_version(default)


# --- The editor ------------------------------------------------------------------------


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
            deadline_days=step.deadline_days,
            deadline_from=step.deadline_from,
        )
        for tool in step.tools.all():
            Tool.objects.create(
                kommune_id=target.kommune_id,
                step=copy,
                position=tool.position,
                title=tool.title,
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
) -> Step:
    """Add a trinn at the end of its nivå, or change one. Only in a draft."""
    version = _draft_for_edit(actor, version_id)
    values = {
        "title": clean_text(title, field="title", label=_("en tittel"), max_length=120, required=True),
        "summary": clean_text(summary, field="summary", label=_("kort beskrivelse"), max_length=300),
        "what": clean_text(what, field="what", label=_("hva"), max_length=4000),
        "how": clean_text(how, field="how", label=_("hvordan"), max_length=4000),
        "who": clean_text(who, field="who", label=_("hvem"), max_length=200),
        "checklist": clean_checklist(checklist),
        "deadline_days": clean_deadline(deadline_days),
        "deadline_from": deadline_from if deadline_from in DeadlineFrom.values else DeadlineFrom.LEVEL,
    }
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
def tool_add(*, actor: User, step_id: Any, title: str, url: str = "", upload: UploadedFile | None = None) -> Tool:
    """A tool is a link (http/https only) or an uploaded file of an allowed type and size."""
    step = Step.objects.filter(pk=step_id).first()
    if step is None:
        raise PermissionDenied
    _draft_for_edit(actor, step.version_id)
    clean_title = clean_text(title, field="tool_title", label=_("navnet på verktøyet"), max_length=150, required=True)
    clean = clean_url(url)
    if bool(clean) == bool(upload):
        raise ValidationError({"url": _("Oppgi enten en lenke eller en fil (ikke begge).")})
    position = (Tool.objects.filter(step=step).aggregate(p=Max("position"))["p"] or 0) + 1
    tool = Tool(kommune_id=step.kommune_id, step=step, position=position, title=clean_title, url=clean)
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


# --- Export and import between kommuner ------------------------------------------------


def version_export(version: GuideVersion) -> dict[str, Any]:
    """The documented exchange format (docs/handlingsveileder-format.md)."""
    steps = list(version.steps.prefetch_related("tools").order_by("level", "position"))
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "name": version.guide.name,
        "category": version.guide.category,
        "exported_from": {
            "kommune": version.guide.kommune.name,
            "version": version.number,
            "status": version.status,
            "published_at": version.published_at.isoformat() if version.published_at else None,
        },
        "level_labels": {str(k): v for k, v in level_labels(version.kommune_id).items()},
        "levels": [
            {
                "level": level,
                "steps": [
                    {
                        "position": s.position,
                        "title": s.title,
                        "summary": s.summary,
                        "what": s.what,
                        "how": s.how,
                        "who": s.who,
                        "checklist": list(s.checklist),
                        "deadline_days": s.deadline_days,
                        "deadline_from": s.deadline_from,
                        "tools": [{"title": t.title, "url": t.url} for t in s.tools.all() if t.url],
                    }
                    for s in steps
                    if s.level == level
                ],
            }
            for level in LEVELS
        ],
    }


def _parse_import(raw: bytes) -> dict[int, list[dict[str, Any]]]:
    """Validate an export file; every problem is named by nivå, trinn and field."""
    if len(raw) > IMPORT_MAX_BYTES:
        raise ValidationError({"file": _("Filen er for stor (høyst %(kb)s kB).") % {"kb": IMPORT_MAX_BYTES // 1024}})
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError({"file": _("Filen er ikke en tekstfil i UTF-8.")}) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            {
                "file": _("Filen er ikke gyldig JSON (linje %(line)s, kolonne %(col)s).")
                % {"line": exc.lineno, "col": exc.colno}
            }
        ) from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ValidationError(
            {"file": _("Filen er ikke en eksportert handlingsveileder («format» mangler eller er feil).")}
        )
    if data.get("format_version") != EXPORT_FORMAT_VERSION:
        raise ValidationError({"file": _("Formatversjonen støttes ikke. Bruk «format_version»: 1.")})
    levels = data.get("levels")
    if not isinstance(levels, list):
        raise ValidationError({"file": _("«levels» mangler eller er ikke en liste.")})
    errors: list[str] = []
    result: dict[int, list[dict[str, Any]]] = {}
    for lvl_index, lvl in enumerate(levels, 1):
        if not isinstance(lvl, dict) or lvl.get("level") not in LEVELS or not isinstance(lvl.get("steps"), list):
            errors.append(_("Nivå nr. %(n)s: «level» må være 0–3 og «steps» en liste.") % {"n": lvl_index})
            continue
        level = int(lvl["level"])
        if level in result:
            errors.append(_("Nivå %(level)s står to ganger i filen.") % {"level": level})
            continue
        steps: list[dict[str, Any]] = []
        positions: set[Any] = set()
        for s_index, raw_step in enumerate(lvl["steps"], 1):
            where = _("Nivå %(level)s, trinn %(n)s") % {"level": level, "n": s_index}
            if not isinstance(raw_step, dict):
                errors.append(_("%(where)s: er ikke et objekt.") % {"where": where})
                continue
            position = raw_step.get("position", s_index)
            if not isinstance(position, int) or position < 1:
                errors.append(_("%(where)s: «position» må være et positivt heltall.") % {"where": where})
            elif position in positions:
                errors.append(_("%(where)s: to trinn har samme «position» (%(p)s).") % {"where": where, "p": position})
            positions.add(position)
            try:
                for name in ("summary", "what", "how", "who", "title"):
                    if not isinstance(raw_step.get(name, ""), str):
                        raise ValidationError({name: _("«%(name)s» må være tekst.") % {"name": name}})
                checklist = raw_step.get("checklist", [])
                if not isinstance(checklist, list) or not all(isinstance(i, str) for i in checklist):
                    raise ValidationError({"checklist": _("«checklist» må være en liste med tekster.")})
                tools = raw_step.get("tools", [])
                if not isinstance(tools, list):
                    raise ValidationError({"tools": _("«tools» må være en liste.")})
                clean_tools = []
                for tool in tools:
                    if not isinstance(tool, dict):
                        raise ValidationError({"tools": _("Hvert verktøy må ha «title» og «url».")})
                    clean_tools.append(
                        {
                            "title": clean_text(
                                tool.get("title"),
                                field="tools",
                                label="verktøyets «title»",
                                max_length=150,
                                required=True,
                            ),
                            "url": clean_url(tool.get("url"), "tools") or _raise_missing_url(),
                        }
                    )
                steps.append(
                    {
                        "position": position,
                        "title": clean_text(
                            raw_step.get("title"), field="title", label="«title»", max_length=120, required=True
                        ),
                        "summary": clean_text(
                            raw_step.get("summary"), field="summary", label="«summary»", max_length=300
                        ),
                        "what": clean_text(raw_step.get("what"), field="what", label="«what»", max_length=4000),
                        "how": clean_text(raw_step.get("how"), field="how", label="«how»", max_length=4000),
                        "who": clean_text(raw_step.get("who"), field="who", label="«who»", max_length=200),
                        "checklist": clean_checklist(checklist),
                        "deadline_days": clean_deadline(raw_step.get("deadline_days")),
                        "deadline_from": raw_step.get("deadline_from")
                        if raw_step.get("deadline_from") in DeadlineFrom.values
                        else DeadlineFrom.LEVEL,
                        "tools": clean_tools,
                    }
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        errors.append(f"{where} ({field}): {message}")
        result[level] = sorted(steps, key=lambda s: s["position"] if isinstance(s["position"], int) else 0)
    if errors:
        raise ValidationError({"file": errors[:15]})
    return result


def _raise_missing_url() -> str:
    raise ValidationError({"tools": _("Hvert verktøy må ha en «url» som begynner med https://.")})


@transaction.atomic
def version_import(*, actor: User, guide_id: Any, raw: bytes) -> GuideVersion:
    """Import an exported version as a new draft of ``guide_id``. A guide with a draft
    already is refused (publish or finish that first), so no work is lost."""
    guide = _guide_for_edit(actor, guide_id)
    levels = _parse_import(raw)
    if GuideVersion.objects.filter(guide=guide, status=VersionStatus.DRAFT).exists():
        raise ValidationError(
            {"file": _("Handlingsveilederen har allerede et utkast. Publiser det før du importerer en ny versjon.")}
        )
    draft = GuideVersion.objects.create(
        kommune_id=guide.kommune_id,
        guide=guide,
        number=_next_number(guide),
        created_by=actor,
        note="",
    )
    _create_steps(draft, {level: [dict(s) for s in steps] for level, steps in levels.items()})
    return draft


# --- Cases follow a version -------------------------------------------------------------


def attach_guide(*, case: Case) -> CaseGuide:
    """Record the version a new case follows: the owning service's published version, or
    the kommune default. Idempotent; called by ``cases.services.undring_create``."""
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
