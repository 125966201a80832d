"""Browser tests in real Chromium from the system (``CHROMIUM_PATH``), driven by Playwright.

Playwright never downloads a browser here. Without Chromium the browser tests skip,
unless ``REQUIRE_BROWSER=1`` (set by .ci/run), where a missing browser fails the run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

# The request line of every request the browser sent in this session: what the web server's
# access log holds (method, path, query string). tests/e2e/test_zz_access_log.py greps it for
# child names and fødselsnumre after the whole e2e suite (issue 13 item 6); it is also
# written to test-artifacts/e2e-access.log.
ACCESS_LOG: list[str] = []


def _log_request(request: Any) -> None:
    line = f"{request.method} {request.url}"
    ACCESS_LOG.append(line)
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "e2e-access.log").open("a", encoding="utf-8") as log:
        log.write(line + "\n")


def _chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    return path if Path(path).exists() else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = _chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium not found at CHROMIUM_PATH; install it (apt-get install chromium)")
        pytest.skip("Chromium not installed (set CHROMIUM_PATH); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    # bypass_csp only so axe-core can be injected; the app's own pages never need it.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nb-NO")
    page = context.new_page()
    errors: list[str] = []
    page.on("request", _log_request)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


def log_in(page: Any, email: str, password: str = "test-passord-123") -> None:
    page.goto("/logg-inn/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page: Any, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core on {label}: {json.dumps(violations, ensure_ascii=False, indent=1)}"


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
