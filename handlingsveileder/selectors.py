"""Reads of handlingsveiledere and of a case's step panel.

Guides are read by everyone working in the guide's kommune (``rules.may_read``); drafts
only by their editors. The case step panel takes a case the caller already fetched
through ``bti.policy.access_case``.
"""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from bti import policy
from bti.languages import written
from cases.models import Case
from handlingsveileder import rules, services
from handlingsveileder.models import (
    LEVELS,
    CaseGuide,
    DeadlineFrom,
    GuideVersion,
    Handlingsveileder,
    ProgressStatus,
    Step,
    StepProgress,
    Tool,
    VersionStatus,
)

# Colours of the grunnmodell columns (fill, border); dark text on light fills (WCAG AA).
LEVEL_COLOURS = {
    0: ("#dcf0dc", "#2e7d32"),
    1: ("#fff4c7", "#8a6d00"),
    2: ("#ffe3c8", "#a64b00"),
    3: ("#fadada", "#b3261e"),
}


def guides_for(user: Any) -> QuerySet[Handlingsveileder]:
    """The guides of the user's kommune, each with its published version prefetched."""
    if not getattr(user, "is_authenticated", False) or not user.kommune_id:
        return Handlingsveileder.objects.none()
    published = GuideVersion.objects.filter(status=VersionStatus.PUBLISHED)
    drafts = GuideVersion.objects.filter(status=VersionStatus.DRAFT)
    return (
        Handlingsveileder.objects.filter(kommune_id=user.kommune_id)
        .select_related("service")
        .prefetch_related(
            Prefetch("versions", queryset=published, to_attr="published_versions"),
            Prefetch("versions", queryset=drafts, to_attr="draft_versions"),
        )
        .order_by("service__name")
    )


def guide_for_read(user: Any, guide_id: Any) -> Handlingsveileder:
    try:
        pk = int(guide_id)
    except (TypeError, ValueError):
        raise Http404 from None
    guide = Handlingsveileder.objects.filter(pk=pk).select_related("service", "kommune").first()
    if guide is None or not rules.may_read(user, guide):
        raise Http404
    return guide


def version_for_read(user: Any, version_id: Any) -> GuideVersion:
    try:
        pk = int(version_id)
    except (TypeError, ValueError):
        raise Http404 from None
    version = GuideVersion.objects.filter(pk=pk).select_related("guide", "guide__service", "guide__kommune").first()
    if version is None or not rules.may_read_version(user, version):
        raise Http404
    return version


def step_by_id(step_id: Any) -> Step:
    """A trinn with its version; callers then check the version through ``version_for_read`` or the rules."""
    step = Step.objects.filter(pk=step_id).select_related("version", "version__guide").first()
    if step is None:
        raise Http404
    return step


def tool_by_id(tool_id: Any, *, with_file: bool = False) -> Tool:
    qs = Tool.objects.filter(pk=tool_id).select_related("step")
    tool = (qs.exclude(file="") if with_file else qs).first()
    if tool is None:
        raise Http404
    return tool


def versions_of(guide: Handlingsveileder) -> list[GuideVersion]:
    return list(GuideVersion.objects.filter(guide=guide).select_related("published_by").order_by("-number"))


def version_levels(version: GuideVersion) -> list[dict[str, Any]]:
    """The version's trinn grouped by nivå, tools prefetched (3 queries in all)."""
    labels = services.level_labels(version.kommune_id)
    steps = list(
        Step.objects.filter(version=version)
        .prefetch_related(Prefetch("tools", queryset=Tool.objects.order_by("position", "pk")))
        .order_by("level", "position")
    )
    return [
        {"level": level, "label": labels[level], "steps": [s for s in steps if s.level == level]} for level in LEVELS
    ]


# --- Diff against the published version --------------------------------------------------

DIFF_FIELDS = [
    ("title", "Tittel"),
    ("summary", "Kort beskrivelse"),
    ("what", "Hva"),
    ("how", "Hvordan"),
    ("who", "Hvem"),
    ("checklist", "Sjekkliste"),
    ("title_nn", "Tittel på nynorsk"),
    ("summary_nn", "Kort beskrivelse på nynorsk"),
    ("what_nn", "Hva på nynorsk"),
    ("how_nn", "Hvordan på nynorsk"),
    ("who_nn", "Hvem på nynorsk"),
    ("checklist_nn", "Sjekkliste på nynorsk"),
    ("deadline_days", "Frist (dager)"),
    ("deadline_from", "Fristen regnes"),
    ("tools", "Verktøy"),
]


def _step_values(step: Step) -> dict[str, Any]:
    values = {name: getattr(step, name) for name, _label in DIFF_FIELDS if name != "tools"}
    values["checklist"] = "; ".join(step.checklist)
    values["checklist_nn"] = "; ".join(step.checklist_nn)
    values["deadline_days"] = "" if step.deadline_days is None else str(step.deadline_days)
    values["deadline_from"] = step.get_deadline_from_display()
    values["tools"] = "; ".join(t.title + (f" / {t.title_nn}" if t.title_nn else "") for t in step.tools.all())
    return values


def version_diff(draft: GuideVersion, base: GuideVersion | None) -> list[dict[str, Any]]:
    """Per nivå: trinn added, removed, moved or changed (field by field), matched by key."""
    new_levels = version_levels(draft)
    old_levels = version_levels(base) if base is not None else [{"steps": []} for _ in LEVELS]
    result = []
    for new, old in zip(new_levels, old_levels, strict=True):
        old_by_key = {s.key: s for s in old["steps"]}
        new_keys = {s.key for s in new["steps"]}
        changes: list[dict[str, Any]] = []
        for step in new["steps"]:
            before = old_by_key.get(step.key)
            if before is None:
                changes.append({"kind": "added", "step": step, "fields": []})
                continue
            a, b = _step_values(before), _step_values(step)
            fields = [
                {"label": label, "old": a[name], "new": b[name]} for name, label in DIFF_FIELDS if a[name] != b[name]
            ]
            moved = before.position != step.position
            if fields or moved:
                changes.append(
                    {"kind": "changed", "step": step, "fields": fields, "moved": moved, "old_position": before.position}
                )
        for step in old["steps"]:
            if step.key not in new_keys:
                changes.append({"kind": "removed", "step": step, "fields": []})
        result.append({"level": new["level"], "label": new["label"], "changes": changes})
    return result


# --- The grunnmodell diagram ---------------------------------------------------------------

COL_W, COL_GAP, HEAD_H, BOX_H, BOX_GAP, PAD = 210, 14, 58, 54, 10, 10


def _lines(text: str, width: int, max_lines: int = 2) -> list[str]:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def diagram(
    levels: list[dict[str, Any]],
    *,
    marks: dict[Any, str] | None = None,
    current_key: Any = None,
    current_level: int | None = None,
    path: list[Any] | None = None,
    id_prefix: str = "grunnmodell",
) -> dict[str, Any]:
    """Coordinates for the server-rendered SVG of the grunnmodell: one coloured column per
    nivå with its trinn; optionally a case's position, its done/skipped trinn and its path."""
    marks = marks or {}
    rows = max((len(lvl["steps"]) for lvl in levels), default=0)
    height = PAD + HEAD_H + BOX_GAP + rows * (BOX_H + BOX_GAP) + PAD
    columns = []
    centres: dict[Any, tuple[int, int]] = {}
    for index, lvl in enumerate(levels):
        x = PAD + index * (COL_W + COL_GAP)
        fill, border = LEVEL_COLOURS[lvl["level"]]
        boxes = []
        for row, step in enumerate(lvl["steps"]):
            y = PAD + HEAD_H + BOX_GAP + row * (BOX_H + BOX_GAP)
            status = marks.get(step.key, "")
            is_current = step.key == current_key
            lines = _lines(f"{step.position}. {written(step, 'title')}", 21)
            boxes.append(
                {
                    "x": x + 8,
                    "y": y,
                    "w": COL_W - 32,
                    "h": BOX_H,
                    "lines": [{"text": line, "y": y + 22 + i * 18} for i, line in enumerate(lines)],
                    "text_x": x + 18,
                    "status": status,
                    "is_current": is_current,
                    "mark_x": x + COL_W - 44,
                    "mark_y": y + 20,
                }
            )
            # The path runs in the gutter right of the boxes, so it never crosses their text.
            centres[step.key] = (x + COL_W - 13, y + BOX_H // 2)
        columns.append(
            {
                "x": x,
                "y": PAD,
                "w": COL_W,
                "h": height - 2 * PAD,
                "fill": fill,
                "border": border,
                "is_current": lvl["level"] == current_level,
                "label_lines": [
                    {"text": line, "y": PAD + 24 + i * 18} for i, line in enumerate(_lines(lvl["label"], 22))
                ],
                "label_x": x + 12,
                "boxes": boxes,
            }
        )
    points = " ".join(f"{centres[k][0]},{centres[k][1]}" for k in (path or []) if k in centres)
    width = PAD * 2 + len(levels) * COL_W + (len(levels) - 1) * COL_GAP
    desc_parts = []
    for lvl in levels:
        titles = []
        for step in lvl["steps"]:
            note = {"done": " (fullført)", "skipped": " (hoppet over)", "started": " (påbegynt)"}.get(
                marks.get(step.key, ""), ""
            )
            if step.key == current_key:
                note += " (saken er her)"
            titles.append(f"{step.position}. {written(step, 'title')}{note}")
        desc_parts.append(f"{lvl['label']}: {', '.join(titles) if titles else 'ingen trinn'}.")
    return {
        "width": width,
        "height": height,
        "columns": columns,
        "path_points": points if len(path or []) > 1 else "",
        "desc": " ".join(desc_parts),
        "id": id_prefix,
        "has_case": current_level is not None,
    }


# --- The case page's step panel -----------------------------------------------------------


def _due(step: Step, level_start: date, step_start: date | None) -> date | None:
    if step.deadline_days is None:
        return None
    start = level_start if step.deadline_from == DeadlineFrom.LEVEL else step_start
    return start + timedelta(days=step.deadline_days) if start else None


def case_step_panel(user: Any, case: Case) -> dict[str, Any]:
    """Everything the step panel shows for a case fetched through ``bti.policy.access_case``:
    the current nivå's trinn with checklist progress, tools and deadlines, the diagram with
    where the case is and the path taken, and whether a newer version is available.

    A case without a recorded version gets one here (``services.attach_guide``), so old
    cases work. The number of queries does not depend on the number of trinn or tools."""
    link = CaseGuide.objects.filter(case=case).select_related("version", "version__guide").first()
    if link is None:
        link = services.attach_guide(case=case)
    version = link.version
    levels = version_levels(version)
    progress = {p.step_key: p for p in StepProgress.objects.filter(case=case).select_related("by").order_by("at", "pk")}
    roles = policy.case_roles(user, case)
    can_work = policy.can(user, "add_note", case, roles)
    can_move = policy.can(user, "change_level", case, roles)

    level_start = timezone.localtime(case.level_changed_at).date()
    today = timezone.localdate()
    current = next(lvl for lvl in levels if lvl["level"] == case.level)
    rows = []
    step_start: date | None = level_start
    current_key = None
    for step in current["steps"]:
        p = progress.get(step.key)
        status = p.status if p else ""
        due = _due(step, level_start, step_start)
        finished = status in {ProgressStatus.DONE, ProgressStatus.SKIPPED}
        if not finished and current_key is None:
            current_key = step.key
        checked = set(p.checked) if p else set()
        rows.append(
            {
                "step": step,
                "status": status,
                "progress": p,
                "finished": finished,
                "is_current": step.key == current_key,
                "checklist": [
                    {"index": i, "text": text, "checked": i in checked}
                    for i, text in enumerate(written(step, "checklist"))
                ],
                "tools": list(step.tools.all()),
                "due": due,
                "overdue": bool(due and not finished and due < today),
            }
        )
        step_start = timezone.localtime(p.at).date() if finished and p else None

    newer = None
    if case.is_open:
        service_guide = services.guide_for_service(case.owner_unit.service)
        target = services.effective_version(service_guide)
        if target is not None and target.pk != version.pk:
            newer = target

    marks = {key: p.status for key, p in progress.items()}
    path = [key for key, p in progress.items() if p.status in {ProgressStatus.DONE, ProgressStatus.SKIPPED}]
    if current_key is not None:
        path.append(current_key)
    return {
        "case": case,
        "link": link,
        "version": version,
        "guide": version.guide,
        "level": case.level,
        "level_label": current["label"],
        "steps": rows,
        "newer_version": newer,
        "can_work": can_work and case.is_open,
        "can_move": can_move and case.is_open,
        "diagram": diagram(
            levels,
            marks=marks,
            current_key=current_key,
            current_level=case.level,
            path=path,
            id_prefix=f"grunnmodell-sak-{case.pk}",
        ),
    }
