"""PDFs of a case with WeasyPrint: the stafettlogg (all or a period), the current plan, a
meeting's referat and the one-page case summary. Small prints render in the request; large logs in a Celery task
(``samarbeid.tasks.pdf_job_run``). Every PDF handed to a person goes through ``deliver``,
the one place that writes the innsynslogg event (``how="pdf"``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bti import gate, innsyn
from bti.categories import PLAN_TILTAK, category_label, may_read
from bti.models import User
from cases.models import Case
from samarbeid import selectors
from samarbeid.models import MeasureStatus, Meeting, PdfKind
from stafettlogg.models import EntryKind
from stafettlogg.texts import entry_text

# WeasyPrint logs every laid-out page at INFO; keep worker logs readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Up to this many entries a log renders in the web request (about 2 s); more go to a task.
SYNC_MAX_ENTRIES = 300
# More than this in one print is refused: choose a period (keeps a worker's memory bounded).
MAX_ENTRIES = 2500

CSS_FILE = Path(__file__).resolve().parent / "print.css"

Progress = Callable[[int, str], None]


@dataclass
class PrintSpec:
    case: Case
    kind: str
    date_from: date | None = None
    date_to: date | None = None
    meeting: Meeting | None = None
    entry_count: int = 0
    # What the printing user may read (bti.policy.readable_categories); None: everything.
    categories: frozenset[str] | None = None
    # The read gate's view of the case for the printing user: the plan and the referat come
    # from it, already filtered by category.
    view: gate.CaseView | None = None

    @property
    def in_background(self) -> bool:
        return self.kind == PdfKind.LOGG and self.entry_count > SYNC_MAX_ENTRIES

    def params(self) -> dict[str, Any]:
        return {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "meeting": self.meeting.pk if self.meeting else None,
        }

    @property
    def filename(self) -> str:
        stamp = timezone.localdate().isoformat()
        return f"{self.kind}-sak-{self.case.pk}-{stamp}.pdf"


def _as_date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    parsed = parse_date(str(value))
    if parsed is None:
        raise ValidationError({field: _("Skriv en gyldig dato (dd.mm.åååå).")})
    return parsed


def spec_from_params(
    *,
    kind: str,
    params: dict[str, Any],
    view: gate.CaseView | None = None,
    user: User | None = None,
    case: Case | None = None,
) -> PrintSpec:
    """Validate what to print, for the reader of ``view`` (or ``user`` on a ``case`` that
    came from ``bti.policy.access_case``: a background job for the person who asked)."""
    if kind not in PdfKind.values:
        raise ValidationError({"kind": _("Velg hva som skal skrives ut.")})
    if view is None:
        assert user is not None and case is not None
        view = gate.view_of(user, case, gate.UTSKRIFT)
    case = view.case
    spec = PrintSpec(case=case, kind=kind, categories=view.categories, view=view)
    if kind == PdfKind.LOGG:
        spec.date_from = _as_date(params.get("date_from"), "date_from")
        spec.date_to = _as_date(params.get("date_to"), "date_to")
        if spec.date_from and spec.date_to and spec.date_to < spec.date_from:
            raise ValidationError({"date_to": _("Sluttdatoen kan ikke være før startdatoen.")})
        spec.entry_count = selectors.print_entries(case, spec.date_from, spec.date_to, spec.categories).count()
        if spec.entry_count > MAX_ENTRIES:
            raise ValidationError(
                {
                    "date_from": _(
                        "Utvalget har %(n)s loggføringer. En utskrift kan ha høyst %(max)s. Velg en kortere periode."
                    )
                    % {"n": spec.entry_count, "max": MAX_ENTRIES}
                }
            )
    elif kind == PdfKind.REFERAT:
        meeting_id = params.get("meeting")
        try:
            meeting_pk = int(meeting_id or 0)
        except (TypeError, ValueError):
            meeting_pk = 0
        spec.meeting = view.content("meeting", meeting_pk)
        if spec.meeting is None:
            raise ValidationError({"meeting": _("Velg et møte i saken.")})
    return spec


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_css(user: User) -> str:
    """The texts in the page's margins, in the active language (the print's: ADR 0030): the
    exemption from public access in the header, the page number, and who printed it when."""
    marking = _("Unntatt offentlighet, jf. offl. § 13 og fvl. § 13")
    printed = _("Skrevet ut %(when)s av %(who)s") % {
        "when": date_format(timezone.localtime(), "j.n.Y \\k\\l. H:i"),
        "who": user.full_name,
    }
    # «Side 2 av 5»: the page counters go where the translation puts the placeholders.
    numbers = _css_string(_("Side %(n)s av %(total)s")).replace("%(n)s", '" counter(page) "')
    numbers = numbers.replace("%(total)s", '" counter(pages) "')
    return (
        f"@page {{ @top-center {{ content: {_css_string(marking)}; font: 600 9pt sans-serif; color: #7a1212; }}"
        f" @bottom-right {{ content: {numbers}; font: 8pt sans-serif; color: #333; }}"
        f" @bottom-left {{ content: {_css_string(printed)}; font: 8pt sans-serif; color: #333; }} }}"
    )


def _period(spec: PrintSpec) -> str:
    if not (spec.date_from or spec.date_to):
        return ""
    start = date_format(spec.date_from, "j.n.Y") if spec.date_from else _("start")
    end = date_format(spec.date_to, "j.n.Y") if spec.date_to else _("i dag")
    return f"{start} – {end}"


def _print_row(r: dict[str, Any], kinds: dict[str, Any], categories: frozenset[str] | None) -> dict[str, Any]:
    """One entry of the printed log; outside the reader's categories only date and category
    («skjult», docs/adr/0011)."""
    category = r["category"]
    if categories is not None and not may_read(categories, category):
        return {
            "hidden": True,
            "created_at": timezone.localtime(r["created_at"]),
            "category_label": category_label(category),
        }
    return {
        "seq": r["seq"],
        "created_at": timezone.localtime(r["created_at"]),
        "kind_label": kinds.get(r["kind"], r["kind"]),
        "level": r["level"],
        "text": entry_text(r["text"], r["data"]),
        "author": r["author__full_name"],
        "unit": r["author_unit__name"],
    }


def render_html(spec: PrintSpec) -> str:
    case = spec.case
    context: dict[str, Any] = {"case": case, "period": _period(spec)}
    if spec.kind == PdfKind.LOGG:
        kinds = dict(EntryKind.choices)
        rows = (
            selectors.print_entries(case, spec.date_from, spec.date_to, spec.categories)
            .order_by("seq")
            .values(
                "seq",
                "created_at",
                "kind",
                "category",
                "level",
                "text",
                "data",
                "author__full_name",
                "author_unit__name",
            )
        )
        context["entries"] = [_print_row(r, kinds, spec.categories) for r in rows]
        context["title"] = _("Stafettlogg")
        template = "samarbeid/pdf/logg.html"
    elif spec.kind == PdfKind.PLAN:
        assert spec.view is not None
        context["goals"] = spec.view.content("goals")
        context["title"] = _("Plan")
        template = "samarbeid/pdf/plan.html"
    elif spec.kind == PdfKind.SAMMENDRAG:
        assert spec.view is not None
        context.update(summary_context(spec.view))
        context["title"] = _("Saksoppsummering")
        template = "samarbeid/pdf/sammendrag.html"
    else:
        assert spec.meeting is not None
        context["meeting"] = spec.meeting
        context["title"] = _("Referat fra samarbeidsmøte")
        template = "samarbeid/pdf/referat.html"
    return render_to_string(template, context)


# The one-page summary holds at most this many goals and tiltak (the rest: «og N til i planen»).
SUMMARY_GOALS = 4
SUMMARY_MEASURES = 8


def summary_context(view: gate.CaseView) -> dict[str, Any]:
    """The one-page case summary (issue 17 item 7), all of it as the view's reader may see
    it: the child as the case page names it, the guardians only with a category (as the case
    page), the stafettholder, and the goals and tiltak of categories the reader holds (a
    «Stafettlogg»-only reader gets «Ingen plan du kan lese»), with the next evaluation among them."""
    from cases.selectors import guardians_for
    from stafettlogg.selectors import current_holders

    case = view.case
    holders = current_holders(case)
    active = next((h for h in holders if h.status == "active"), None)
    proposed = next((h for h in holders if h.status == "proposed"), None)
    reads_plan = view.may_read(PLAN_TILTAK)
    goals = list(view.content("goals"))  # already filtered by the reader's categories
    measures = list(view.content("measures"))  # the readable goals' tiltak, in plan order
    # An evaluated tiltak that goes on has its next evaluation date; a finished one has none.
    open_measures = [m for m in measures if m.status != MeasureStatus.AVSLUTTET]
    next_evaluation = min(open_measures, key=lambda m: (m.evaluation_date, m.pk), default=None)
    shown_goals = []
    room = SUMMARY_MEASURES
    for goal in goals[:SUMMARY_GOALS]:
        goal_measures = [m for m in measures if m.goal_id == goal.pk]
        shown_goals.append({"goal": goal, "measures": goal_measures[:room]})
        room = max(0, room - len(goal_measures))
    shown = sum(len(g["measures"]) for g in shown_goals)
    return {
        "guardians": guardians_for(view.reader, case, set(view.roles)) if view.categories else [],
        "active_holder": active,
        "proposed_holder": proposed,
        "reads_plan": reads_plan,
        "summary_goals": shown_goals,
        "more_goals": max(0, len(goals) - SUMMARY_GOALS),
        "more_measures": max(0, len(measures) - shown),
        "status_counts": [
            (label, sum(1 for m in measures if m.status == value)) for value, label in MeasureStatus.choices
        ],
        "next_evaluation": next_evaluation,
        "today": timezone.localdate(),
    }


def render(spec: PrintSpec, *, user: User, progress: Progress | None = None) -> bytes:
    """The PDF bytes, in the language of the person who ordered it (their own, else their
    kommune's: a worker has no request to take it from; ADR 0030). ``progress(percent,
    stage)`` is told how far it has come."""
    from bti.languages import in_language_of

    with in_language_of(user):
        return _render(spec, user=user, progress=progress)


def _render(spec: PrintSpec, *, user: User, progress: Progress | None = None) -> bytes:
    from weasyprint import CSS, HTML

    def tell(percent: int, stage: str) -> None:
        if progress is not None:
            progress(percent, stage)

    tell(10, _("Henter innholdet"))
    html = render_html(spec)
    tell(30, _("Setter opp sidene"))
    stylesheets = [CSS(filename=str(CSS_FILE)), CSS(string=page_css(user))]
    if spec.kind == PdfKind.SAMMENDRAG:
        # A document that may be kept (filed, sent on): PDF/A-3b and tagged for screen
        # readers, as the archive's documents (arkiv/arkivmelding.py, ADR 0025).
        tell(50, _("Skriver PDF-filen"))
        return bytes(HTML(string=html).write_pdf(stylesheets=stylesheets, pdf_variant="pdf/a-3b", pdf_tags=True))
    document = HTML(string=html).render(stylesheets=stylesheets)
    tell(80, _("Skriver PDF-filen"))
    # Tagged for screen readers, as every PDF the product writes (issue 15 item 2).
    return bytes(document.write_pdf(pdf_tags=True))


def deliver(request: HttpRequest, *, case: Case, kind: str, content: bytes, filename: str) -> HttpResponse:
    """Hand a PDF to the person who asked. The one place a print is written to the innsynslogg."""
    gate.log_read(
        user=request.user,
        obj_type=f"pdf:{kind}",
        obj_id=case.pk,
        case=case,
        child_id=case.child_id,
        how=innsyn.PDF,
        purpose=gate.UTSKRIFT,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
