"""Every PDF the product writes is tagged for screen readers (issue 15 item 2): a walk over
the source fails on a WeasyPrint ``write_pdf`` call without ``pdf_tags=True``. The printed
stafettlogg's structure tree is checked in tests/samarbeid/test_printing.py, the
arkivmelding's and the case summary's in tests/arkiv and tests/samarbeid/test_summary_pdf.py."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The PDF bench's warm-up renders a throwaway page that nobody reads.
EXEMPT = {"samarbeid/management/commands/bench_pdf.py"}


def _write_pdf_calls():
    for path in ROOT.glob("*/**/*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "node_modules/", "tests/")) or "/migrations/" in rel or rel in EXEMPT:
            continue
        source = path.read_text(encoding="utf-8")
        if "write_pdf" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "write_pdf":
                yield rel, node


def test_every_pdf_we_write_is_tagged():
    calls = list(_write_pdf_calls())
    assert len(calls) >= 7, "the walk found the PDF writers"
    untagged = [
        f"{rel}:{node.lineno}"
        for rel, node in calls
        if not any(k.arg == "pdf_tags" and getattr(k.value, "value", None) is True for k in node.keywords)
    ]
    assert not untagged, f"write_pdf without pdf_tags=True (screen readers need the structure tree): {untagged}"
