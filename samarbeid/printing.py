"""PDFs of a case with WeasyPrint: the stafettlogg (all or a period), the current plan and
a meeting's referat. Small prints render in the request; large logs in a Celery task
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

from bti import gate, innsyn, policy
from bti.categories import category_label, may_read
from bti.models import User
from cases.models import Case
from samarbeid.models import Meeting, PdfKind
from stafettlogg.models import Entry, EntryKind

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


def _entries(case: Case, date_from: date | None, date_to: date | None, categories: frozenset[str] | None = None) -> Any:
    qs = Entry.objects.filter(case=case)
    if categories is not None:
        # Barnevern's entries are left out for a reader without it (docs/adr/0011).
        qs = qs.filter(policy.listed_entries_q(categories))
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


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
        spec.entry_count = _entries(case, spec.date_from, spec.date_to, spec.categories).count()
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


def _footer_css(user: User) -> str:
    printed = _("Skrevet ut %(when)s av %(who)s") % {
        "when": date_format(timezone.localtime(), "j.n.Y \\k\\l. H:i"),
        "who": user.full_name,
    }
    safe = printed.replace("\\", "\\\\").replace('"', '\\"')
    return f'@page {{ @bottom-left {{ content: "{safe}"; font: 8pt sans-serif; color: #333; }} }}'


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
        "text": r["text"],
        "author": r["author__full_name"],
        "unit": r["author_unit__name"],
    }


def render_html(spec: PrintSpec) -> str:
    case = spec.case
    context: dict[str, Any] = {"case": case, "period": _period(spec)}
    if spec.kind == PdfKind.LOGG:
        kinds = dict(EntryKind.choices)
        rows = (
            _entries(case, spec.date_from, spec.date_to, spec.categories)
            .order_by("seq")
            .values("seq", "created_at", "kind", "category", "level", "text", "author__full_name", "author_unit__name")
        )
        context["entries"] = [_print_row(r, kinds, spec.categories) for r in rows]
        context["title"] = _("Stafettlogg")
        template = "samarbeid/pdf/logg.html"
    elif spec.kind == PdfKind.PLAN:
        assert spec.view is not None
        context["goals"] = spec.view.content("goals")
        context["title"] = _("Plan")
        template = "samarbeid/pdf/plan.html"
    else:
        assert spec.meeting is not None
        context["meeting"] = spec.meeting
        context["title"] = _("Referat fra samarbeidsmøte")
        template = "samarbeid/pdf/referat.html"
    return render_to_string(template, context)


def render(spec: PrintSpec, *, user: User, progress: Progress | None = None) -> bytes:
    """The PDF bytes. ``progress(percent, stage)`` is told how far it has come."""
    from weasyprint import CSS, HTML

    def tell(percent: int, stage: str) -> None:
        if progress is not None:
            progress(percent, stage)

    tell(10, _("Henter innholdet"))
    html = render_html(spec)
    tell(30, _("Setter opp sidene"))
    document = HTML(string=html).render(stylesheets=[CSS(filename=str(CSS_FILE)), CSS(string=_footer_css(user))])
    tell(80, _("Skriver PDF-filen"))
    return bytes(document.write_pdf())


def deliver(request: HttpRequest, *, case: Case, kind: str, content: bytes, filename: str) -> HttpResponse:
    """Hand a PDF to the person who asked. The one place a print is written to the innsynslogg."""
    innsyn.record_access(
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
