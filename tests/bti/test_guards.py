"""Whole-site guards (STYLE.md §3, §4, §11)."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from bti.access import RULES, rule_of
from tests.routes import NOT_PAGES, SAMPLE_KWARGS, iter_patterns

ROOT = Path(__file__).resolve().parents[2]


def test_it_has_no_pending_migrations(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_it_declares_an_access_rule_on_every_route():
    missing = [f"{name or '?'} ({route})" for name, route, cb in iter_patterns() if rule_of(cb) not in RULES]
    assert not missing, (
        "These routes declare no access rule. Decorate the view with one of bti.access "
        f"(public, authenticated, object_policy, system_admin): {missing}"
    )


def test_it_names_every_route():
    unnamed = [route for name, route, _cb in iter_patterns() if not name]
    assert not unnamed, f"Give these routes a name so the whole-site tests can reach them: {unnamed}"


def test_it_can_build_every_page_route():
    for name, route, _cb in iter_patterns():
        if name in NOT_PAGES or name.startswith("api") or route.startswith("api/"):
            continue
        if "<" in route:
            assert name in SAMPLE_KWARGS, f"Route {name} ({route}) has parameters: add a builder to tests/routes.py"


def test_views_do_not_fetch_sensitive_rows_directly():
    """Views and APIs go through the access policy (bti.policy), never the model managers."""
    pattern = re.compile(
        r"\b(Case|Child|Guardian|Entry)\.objects\b|get_object_or_404\(\s*(Case|Child|Guardian|Entry)\b"
    )
    offenders = []
    for path in ROOT.glob("*/*.py"):
        if (
            path.name.startswith(("views", "api")) or path.name in {"serializers.py", "forms.py"}
        ) or path.parent.name in {"views", "api"}:
            for lineno, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert not offenders, "Fetch cases and children through bti.policy.access_case / cases_visible_to:\n" + "\n".join(
        offenders
    )


def test_no_inline_script_or_style_in_templates():
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if "node_modules" in path.parts or ".venv" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=\"", text) or "<style" in text:
            offenders.append(str(path.relative_to(ROOT)))
        if re.search(r"\son[a-z]+=\"", text) or "hx-on" in text:
            offenders.append(str(path.relative_to(ROOT)) + " (inline event handler)")
    assert not offenders, f"Inline script/style breaks the CSP: {offenders}"


@pytest.mark.django_db
def test_login_page_url():
    assert reverse("login") == "/logg-inn/"
