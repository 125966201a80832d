"""Dependencies point down (issue 13 item 7): an AST walk over the source builds the
app-level import graph. ``bti`` (the core) imports no feature app, no two apps import each
other by any path, and no module is looked up by name. Lazy imports inside functions
count (the walk visits every node); imports for type hints only (``if TYPE_CHECKING:``)
do not, since they never run."""

from __future__ import annotations

import ast
import graphlib
import itertools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    "bti", "cases", "stafettlogg", "handlingsveileder", "consent", "samarbeid", "oversikt",
    "undersokelse", "implementering", "kommuneadmin", "samordning", "familie", "arkiv", "demo",
}  # fmt: skip


def _typing_only(tree: ast.AST) -> set[int]:
    """Nodes under ``if TYPE_CHECKING:``: imports for type hints only, which never run."""
    return {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
        for n in ast.walk(block)
    }


def _graph() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            typing_only = _typing_only(tree)
            for node in ast.walk(tree):
                if id(node) in typing_only:
                    continue
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                for name in names:
                    target = name.split(".")[0]
                    if target in APPS and target != app:
                        edges.setdefault((app, target), []).append(rel)
    return edges


def test_the_core_imports_no_feature_app():
    upward = sorted({target for (app, target) in _graph() if app == "bti"})
    assert not upward, f"bti/ must not import feature apps (register with a bti registry instead): {upward}"


def test_the_log_and_the_cases_point_down():
    """DESIGN.md §2: ``bti`` ← ``stafettlogg`` ← ``cases`` ← the feature apps."""
    targets: dict[str, set[str]] = {}
    for app, target in _graph():
        targets.setdefault(app, set()).add(target)
    assert targets.get("stafettlogg", set()) <= {"bti"}, sorted(targets["stafettlogg"])
    assert targets.get("cases", set()) <= {"bti", "stafettlogg"}, sorted(targets["cases"])


def test_nothing_imports_the_demo_app():
    """The demo data, the generators and the benches span every app; only tests, the
    Makefile and scripts use them."""
    importers = sorted({app for (app, target) in _graph() if target == "demo"})
    assert not importers, f"import the demo app from tests or scripts only: {importers}"


def test_no_app_cycle():
    """No cycle of any length between apps (a topological order exists)."""
    edges = _graph()
    graph: dict[str, set[str]] = {app: set() for app in APPS}
    for app, target in edges:
        graph[app].add(target)
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        cycle = error.args[1]
        where = {f"{a}->{b}": sorted(set(edges[(a, b)])) for a, b in itertools.pairwise(cycle)}
        raise AssertionError(f"import cycle between apps: {' -> '.join(cycle)} {where}") from None


def test_the_cycle_check_sees_a_cycle():
    graph = {"a": {"b"}, "b": {"a"}}
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError:
        return
    raise AssertionError("a cycle went unnoticed")


# A dynamic import whose name comes from a Django setting, not from the project.
_DYNAMIC_IMPORTS_ALLOWED = {"bti/security/sessions.py": "settings.SESSION_ENGINE, Django's session backend"}


def test_no_importlib_lookup_of_project_modules():
    """A module found by name hides a missing function until it runs (oversikt/sources.py
    did); apps register what they offer instead (bti.registries, AppConfig.ready)."""
    found = []
    for app in sorted(APPS):
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or rel in _DYNAMIC_IMPORTS_ALLOWED:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in {"import_module", "find_spec", "__import__", "import_string"}:
                    found.append(f"{rel}:{node.lineno} {name}")
    assert not found, f"no lookups of modules by name (register in AppConfig.ready instead): {found}"


def test_the_gate_and_the_basis_import_no_feature_app():
    for name in ("gate.py", "basis.py", "categories.py"):
        tree = ast.parse((ROOT / "bti" / name).read_text(encoding="utf-8"))
        typing_only = _typing_only(tree)
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in APPS - {"bti"}, (name, node.module)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] not in APPS - {"bti"}, (name, alias.name)


def test_the_apps_register_what_the_policy_needs():
    """The rules the policy used to import are registered by their apps (AppConfig.ready)."""
    from bti import policy
    from cases.models import Case
    from samarbeid.selectors import rule_transfer_receiver
    from stafettlogg.models import HandoverStatus
    from stafettlogg.selectors import rule_stafettholder

    assert policy.case_model() is Case
    assert {rule_stafettholder, rule_transfer_receiver} <= set(policy.VISIBILITY_RULES)
    assert len(policy.VISIBILITY_RULES) == 5
    assert (policy.HOLDER_ACTIVE, policy.HOLDER_PROPOSED) == (HandoverStatus.ACTIVE, HandoverStatus.PROPOSED)
