"""Static checks over the whole tree (issue 20, item 10): bandit reads every app, mypy
reports unused ignores, and views take the user from the typed helper."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from bti.http import current_user, is_htmx

ROOT = Path(__file__).resolve().parents[2]


def _project_apps() -> set[str]:
    """The top-level packages of INSTALLED_APPS that live in this repository."""
    return {
        c.name.split(".")[0]
        for c in apps.get_app_configs()
        if Path(c.path).is_relative_to(ROOT) and "site-packages" not in Path(c.path).parts
    }


def test_bandit_reads_every_app_of_the_project():
    makefile = (ROOT / "Makefile").read_text()
    found = re.search(r"^BANDIT_PATHS := (.+)$", makefile, re.MULTILINE)
    assert found, "the Makefile names the bandit paths in BANDIT_PATHS"
    paths = set(found.group(1).split())
    assert "$(BANDIT_PATHS)" in makefile.split("security:", 1)[1].split("\n\n", 1)[0]
    missing = _project_apps() - paths
    assert not missing, f"Add these apps to BANDIT_PATHS in the Makefile: {sorted(missing)}"
    assert {"samarbeid", "oversikt"} <= paths


def test_mypy_reports_unused_ignores():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["warn_unused_ignores"] is True


def test_views_take_the_user_from_the_typed_helper():
    offenders = []
    for app in sorted(_project_apps()):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for lineno, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"(?<![\w.])request\.(user|htmx)\b", line) and "# type: ignore" in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{lineno}")
    assert not offenders, f"Use bti.http.current_user(request) / is_htmx(request) instead of an ignore: {offenders}"


@pytest.mark.django_db
def test_current_user_returns_the_user_and_refuses_an_anonymous_request(personas, rf):
    request = rf.get("/")
    request.user = personas["barnehagelaerer"]
    assert current_user(request) == personas["barnehagelaerer"]
    assert not is_htmx(request)
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        current_user(request)
