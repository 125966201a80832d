"""Login in real Chromium, and axe-core on every page as every persona."""

from __future__ import annotations

import pytest

from tests.bti.test_pages import page_urls
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_and_out_in_a_real_browser(page, personas):
    page.goto("/")
    assert page.url.endswith("/logg-inn/?next=/")
    page.get_by_label("E-post").fill("kari.nordmann@eksempel.kommune.no")
    page.get_by_label("Passord").fill("feil-passord")
    page.get_by_role("button", name="Logg inn").click()
    assert "Feil e-post eller passord" in page.locator("#login-error").inner_text()
    screenshot(page, "login-feil")
    page.get_by_label("Passord").fill("test-passord-123")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Min side"
    assert "Lia barnehage" in page.content()
    screenshot(page, "min-side")
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/logg-inn/")
    assert not page.js_errors, page.js_errors


def test_it_is_usable_by_keyboard_from_the_skip_link(page, personas):
    page.goto("/logg-inn/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hopp til hovedinnhold"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "innhold"


def test_it_has_no_axe_violations_on_any_page(page, personas):
    page.goto("/logg-inn/")
    screenshot(page, "logg-inn")
    assert_accessible(page, "/logg-inn/ (anonym)")
    urls = page_urls(personas)
    for key in ("barnehagelaerer", "styrer", "kommunalsjef", "sysadmin", "utenforstaaende"):
        log_in(page, personas[key].email)
        for url in urls:
            response = page.goto(url)
            assert response.status < 500
            if response.status == 404:
                # A case page the persona may not open answers 404 on purpose; Chromium logs
                # that as a console error, which is not a script error of the page.
                page.js_errors[:] = [e for e in page.js_errors if "status of 404" not in e]
            if response.status == 200 and "text/html" in response.headers.get("content-type", ""):
                assert_accessible(page, f"{url} ({key})")
        page.context.clear_cookies()
    assert not page.js_errors, page.js_errors
