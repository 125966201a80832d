"""One entry point writes the innsynslogg row of a single read (issue 13 item 1): the pages,
API, PDFs and exports call ``bti.gate`` (``open_case``, ``view_of``, ``log_read``,
``log_list``), never ``bti.innsyn.record_access`` / ``record_many`` themselves. An AST walk
over the source, as tests/bti/test_content_queries.py; and the rows those pages write."""

from __future__ import annotations

import ast

import pytest

from bti.models import AccessLogEntry
from tests.bti.test_content_queries import ROOT, _sources
from tests.gate.content import PLAN, STAF, build, consent

# Who may still call the innsyn module directly, and why.
ALLOWED = {
    "bti/gate.py": "the entry point itself",
    "bti/innsyn.py": "defines them",
    "demo/management/commands/bench_accesslog.py": "measures record_access alone",
    "demo/bench/runner.py": "times the calls",
}


def direct_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in {"record_access", "record_many"}:
                found.append((node.lineno, name))
        elif isinstance(node, ast.ImportFrom) and node.module == "bti.innsyn":
            found += [(node.lineno, a.name) for a in node.names if a.name in {"record_access", "record_many"}]
    return found


def test_the_rule_sees_a_direct_call_and_an_import():
    src = "from bti.innsyn import record_access\nrecord_access(user=u)\ninnsyn.record_many(user=u)\n"
    assert direct_calls(ast.parse(src)) == [(1, "record_access"), (2, "record_access"), (3, "record_many")]


def test_no_module_outside_the_gate_writes_the_innsynslogg_itself():
    bad = []
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED:
            continue
        bad += [f"{rel}:{line} {name}" for line, name in direct_calls(ast.parse(path.read_text(encoding="utf-8")))]
    assert not bad, "call bti.gate.log_read / open_case instead of bti.innsyn:\n" + "\n".join(sorted(bad))


@pytest.mark.django_db
def test_the_consent_innsyn_and_samordning_pages_log_through_the_gate_with_purpose(personas, login):
    cc = build(personas)
    consent(personas, cc, (STAF, PLAN))
    owner = personas["barnehagelaerer"]
    client = login(owner)
    c = cc.case.pk
    for url in (f"/saker/{c}/samtykke/", f"/saker/{c}/innsyn/", f"/saker/{c}/innsyn.json", f"/saker/{c}/samordning/"):
        assert client.get(url).status_code == 200, url
    rows = set(AccessLogEntry.objects.filter(user_id=owner.pk, case_id=c).values_list("obj_type", "how", "purpose"))
    assert {
        ("samtykke", "page", "saksbehandling"),
        ("innsyn", "page", "innsyn"),
        ("innsyn", "export", "innsyn"),
    } <= rows
    assert any(obj == "samordning" and purpose == "koordinering" for obj, _how, purpose in rows), rows
