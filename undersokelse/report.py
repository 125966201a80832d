"""The feedback-meeting report of a closed round: PDF (WeasyPrint) and CSV. Both are
built from ``selectors.round_results``, so they hide exactly what the pages hide."""

from __future__ import annotations

import csv
import io
import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bti.models import User
from undersokelse import questions, selectors
from undersokelse.models import SurveyRound

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CSS = """
@page { size: A4; margin: 18mm 16mm 20mm; }
body { font-family: sans-serif; font-size: 10pt; color: #111; }
h1 { font-size: 17pt; margin: 0 0 4mm; } h2 { font-size: 13pt; margin: 6mm 0 2mm; }
table { border-collapse: collapse; width: 100%; margin-bottom: 4mm; }
th, td { border: 0.5pt solid #999; padding: 1.2mm 1.6mm; text-align: left; vertical-align: top; }
th { background: #eee; } .num { text-align: right; } .muted { color: #555; }
@page wide { size: A4 landscape; margin: 14mm; }
.wide { page: wide; font-size: 8pt; } .wide th { font-weight: 600; }
blockquote { margin: 0 0 2mm; padding-left: 3mm; border-left: 1pt solid #999; }
"""


def context(survey: SurveyRound, results: selectors.RoundResults) -> dict[str, Any]:
    previous = selectors.previous_round(survey)
    prev_results = selectors.round_results(previous) if previous else None
    root = results.cells[selectors.ROOT]
    return {
        "survey": survey,
        "results": results,
        "root": root,
        "themes": theme_rows(root, prev_results.cell(selectors.ROOT) if prev_results else None),
        "previous": previous,
        "free_texts": labelled_texts(selectors.free_texts(survey, root)),
        "theme_list": questions.THEMES,
        "unit_rows": [u for s in results.services for u in results.units.get(s.key, [])],
        "min_group": selectors.SMALL,
    }


def theme_rows(cell: selectors.CellResult, prev: selectors.CellResult | None) -> list[dict[str, Any]]:
    rows = []
    for theme in questions.THEMES:
        score = cell.themes[theme.key]
        before = prev.themes[theme.key] if prev is not None else None
        change = None
        if before is not None and before.mean is not None and score.mean is not None:
            change = round(score.mean - before.mean, 1)
        rows.append(
            {
                "theme": theme,
                "score": score,
                "before": before,
                "change": change,
                "questions": [
                    {
                        "question": q,
                        "score": cell.questions[q.key],
                        "before": prev.questions.get(q.key) if prev is not None else None,
                        "negative": q.key in questions.NEGATIVE_KEYS,
                    }
                    for q in theme.scored
                ],
            }
        )
    return rows


def labelled_texts(texts: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [{"question": questions.QUESTIONS[key], "texts": texts[key]} for key in questions.TEXT_KEYS if key in texts]


def render_pdf(survey: SurveyRound, results: selectors.RoundResults, *, user: User) -> bytes:
    from weasyprint import CSS as WCSS
    from weasyprint import HTML

    ctx = context(survey, results)
    ctx["printed"] = _("Skrevet ut %(when)s av %(who)s") % {
        "when": date_format(timezone.localtime(), "j.n.Y \\k\\l. H:i"),
        "who": user.full_name,
    }
    html = render_to_string("undersokelse/pdf/report.html", ctx)
    return bytes(HTML(string=html).render(stylesheets=[WCSS(string=CSS)]).write_pdf(pdf_tags=True))


def csv_text(survey: SurveyRound, results: selectors.RoundResults) -> str:
    """One row per group and measure; hidden cells say «<5» and carry no mean."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [_("runde"), _("gruppe"), _("type"), _("tema"), _("spørsmål"), _("antall svar"), _("snitt"), _("andel 4–5 (%)")]
    )

    def shown(score: selectors.Score) -> list[Any]:
        if score.hidden:
            return [selectors.HIDDEN, "", ""]
        return [
            score.n,
            "" if score.mean is None else str(score.mean).replace(".", ","),
            "" if score.share is None else score.share,
        ]

    cells = [results.cells[selectors.ROOT]] + [c for s in results.services for c in [s, *results.units.get(s.key, [])]]
    for cell in cells:
        if cell.hidden:
            writer.writerow([survey.title, cell.label, cell.kind, "", "", cell.shown_n, "", ""])
            continue
        for theme in questions.THEMES:
            writer.writerow([survey.title, cell.label, cell.kind, theme.title, "", *shown(cell.themes[theme.key])])
            for q in theme.scored:
                writer.writerow(
                    [survey.title, cell.label, cell.kind, theme.title, q.text, *shown(cell.questions[q.key])]
                )
    return out.getvalue()
