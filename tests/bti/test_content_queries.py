"""Nothing outside the read gate and the selectors queries case-content models (issue 13 item 1).

An AST walk over the project's source, as zulip's lint rules do: a module that is not the
gate, a selectors module, a service (which fetches its own rows, row-locked, to change
them), a model module, or one of the data generators may not touch ``<ContentModel>.objects``
(nor ``_default_manager`` / ``_base_manager``), nor the content's related managers
(``case.entries``, ``measure.evaluations`` …). Content reaches pages, API, PDFs, exports and
notifications through ``bti.gate.open_case(...).content(...)``; the gate's providers live in
the selectors. Every read also records its purpose: each ``record_access`` call names one.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "bti",
    "cases",
    "consent",
    "demo",
    "handlingsveileder",
    "implementering",
    "kommuneadmin",
    "oversikt",
    "samarbeid",
    "samordning",
    "stafettlogg",
    "undersokelse",
]
# The models that hold what a case says (ADR 0013: entries, plan, tiltak, evaluations,
# meetings, referat, decisions, guardians).
CONTENT_MODELS = {"Entry", "Goal", "Measure", "Evaluation", "Meeting", "MeetingParticipant", "Guardian"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Reverse relations onto content models (a related manager queries just as ``.objects`` does).
RELATED = {"entries", "corrections", "goals", "measures", "evaluations", "meetings", "participants"}
MODULES = {"views", "api", "selectors", "services"}  # ``views.meetings`` names a view, not a relation

# Modules allowed to query content, and why.
ALLOWED_NAMES = {
    "gate.py",  # the gate itself
    "selectors.py",  # the gate's content providers and the read queries
    "services.py",  # state changes fetch (and lock) their own rows
    "models.py",
    "scale.py",  # bench data generators (manage.py seed_scale)
    "demo.py",  # the demo kommune's stories (manage.py seed_demo)
}
ALLOWED_PARTS = {"migrations", "selectors", "services", "bench", "management", "demo"}  # demo: seed_demo/seed_scale
ALLOWED_FILES = {
    # The hash-chain check reads every row's hash payload for the integrity report, no person reads it.
    "stafettlogg/verify.py",
}


def _allowed(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    return rel.name in ALLOWED_NAMES or bool(ALLOWED_PARTS & set(rel.parts[:-1])) or rel.as_posix() in ALLOWED_FILES


def _sources() -> list[Path]:
    return [p for app in APPS for p in sorted((ROOT / app).rglob("*.py"))]


def content_queries(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and any(isinstance(a, ast.Constant) and a.value in CONTENT_MODELS for a in node.args)
        ):
            found.append((node.lineno, "apps.get_model"))
        if not isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
            continue
        if node.attr in MANAGERS and isinstance(node.value, ast.Name) and node.value.id in CONTENT_MODELS:
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
        elif node.attr in RELATED and not (isinstance(node.value, ast.Name) and node.value.id in MODULES):
            owner = node.value.id if isinstance(node.value, ast.Name) else "…"
            found.append((node.lineno, f"{owner}.{node.attr}"))
    return found


def test_no_module_outside_the_gate_and_the_selectors_queries_content():
    offenders = []
    for path in _sources():
        if _allowed(path):
            continue
        for line, what in content_queries(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not offenders, "Query case content through bti.gate / the selectors:\n" + "\n".join(offenders)


def test_the_rule_catches_a_query():
    src = "from stafettlogg.models import Entry\nx = Entry.objects.filter(case=c)\ny = case.entries.all()\n"
    assert [what for _line, what in content_queries(ast.parse(src))] == ["Entry.objects", "case.entries"]


def test_every_read_record_names_its_purpose():
    missing = []
    exempt = {"bti/gate.py", "demo/management/commands/bench_accesslog.py"}  # passes it on / the bench
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if (
                name in {"record_access", "record_many"}
                and "purpose" not in {k.arg for k in node.keywords}
                and path.relative_to(ROOT).as_posix() not in exempt
            ):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not missing, "record_access/record_many without purpose= (bti.gate.PURPOSES):\n" + "\n".join(missing)
