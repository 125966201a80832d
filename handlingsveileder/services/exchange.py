"""Export a version as JSON and import it as a draft in another kommune (docs/handlingsveileder-format.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bti.models import User
from handlingsveileder.actions import clean_actions
from handlingsveileder.models import (
    LEVELS,
    DeadlineFrom,
    GuideVersion,
    VersionStatus,
)
from handlingsveileder.services.base import (
    EXPORT_FORMAT,
    EXPORT_FORMAT_VERSION,
    IMPORT_MAX_BYTES,
    check_nn_checklist,
    clean_checklist,
    clean_deadline,
    clean_nn_texts,
    clean_text,
    clean_url,
    level_labels,
)
from handlingsveileder.services.editor import (
    _guide_for_edit,
    _next_number,
)
from handlingsveileder.services.setup import (
    _create_steps,
)

TEXT_FIELDS = ("title", "summary", "what", "how", "who")


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
                        # Nynorsk texts (ADR 0030): optional, empty when the kommune wrote one text.
                        "title_nn": s.title_nn,
                        "summary_nn": s.summary_nn,
                        "what_nn": s.what_nn,
                        "how_nn": s.how_nn,
                        "who_nn": s.who_nn,
                        "checklist_nn": list(s.checklist_nn),
                        "deadline_days": s.deadline_days,
                        "deadline_from": s.deadline_from,
                        "completed_by_actions": list(s.completed_by_actions),
                        "tools": [
                            {"title": t.title, "title_nn": t.title_nn, "url": t.url} for t in s.tools.all() if t.url
                        ],
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
                for name in (*TEXT_FIELDS, *(f"{name}_nn" for name in TEXT_FIELDS)):
                    if not isinstance(raw_step.get(name, ""), str):
                        raise ValidationError({name: _("«%(name)s» må være tekst.") % {"name": name}})
                checklist = raw_step.get("checklist", [])
                if not isinstance(checklist, list) or not all(isinstance(i, str) for i in checklist):
                    raise ValidationError({"checklist": _("«checklist» må være en liste med tekster.")})
                checklist_nn = raw_step.get("checklist_nn", [])
                if not isinstance(checklist_nn, list) or not all(isinstance(i, str) for i in checklist_nn):
                    raise ValidationError({"checklist_nn": _("«checklist_nn» må være en liste med tekster.")})
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
                            "title_nn": clean_text(
                                tool.get("title_nn"), field="tools", label="verktøyets «title_nn»", max_length=150
                            ),
                            "url": clean_url(tool.get("url"), "tools") or _raise_missing_url(),
                        }
                    )
                nn_texts = clean_nn_texts(
                    title_nn=raw_step.get("title_nn"),
                    summary_nn=raw_step.get("summary_nn"),
                    what_nn=raw_step.get("what_nn"),
                    how_nn=raw_step.get("how_nn"),
                    who_nn=raw_step.get("who_nn"),
                    checklist_nn=checklist_nn,
                )
                check_nn_checklist(clean_checklist(checklist), nn_texts["checklist_nn"])
                steps.append(
                    {
                        **nn_texts,
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
                        "completed_by_actions": clean_actions(raw_step.get("completed_by_actions", [])),
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
