"""Issue 20 item 8 in Chromium: the character counter of a text area (static/js/counter.js)
counts down, says how many characters are too many, never cuts pasted text, and the
server's message appears next to the field with the text kept."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_counter_counts_and_the_server_refuses_too_long_text(page, personas):
    from tests.cases.helpers import case_on_level

    case = case_on_level(personas, 1)
    log_in(page, personas["barnehagelaerer"].email)
    page.goto(f"/saker/{case.pk}/logg/ny/")
    area = page.get_by_label("Tekst")
    counter = page.locator("#notat-text_teller, #id_text_teller").first
    assert counter.inner_text() == "5000 tegn igjen"
    area.fill("Samtale med mor i dag.")
    assert counter.inner_text() == "4978 tegn igjen"
    assert area.get_attribute("maxlength") is None  # lifted: pasted text is never cut off
    long_text = "LIMITS-E2E " + "x" * 5000
    area.fill(long_text)
    assert counter.inner_text() == "11 tegn for mye"
    assert counter.get_attribute("data-state") == "over"
    assert area.get_attribute("aria-invalid") == "true"
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"/tmp/shots/hardena/counter-{width}.png", full_page=True)
    screenshot(page, "tegnteller")
    assert_accessible(page, "tegnteller")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    assert "Teksten er for lang: høyst 5000 tegn" in page.content()
    assert page.get_by_label("Tekst").input_value() == long_text
    assert_accessible(page, "tegnteller med feil")
    assert not [e for e in page.js_errors if "status of 400" not in e]  # the refused POST itself
