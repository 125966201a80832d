"""The notification centre and the leader overview in real Chromium, with axe-core."""

from __future__ import annotations

import pytest

from oversikt import facts, services
from tests.cases.helpers import case_on_level, undring
from tests.e2e.conftest import assert_accessible, log_in, screenshot
from tests.oversikt.helpers import days_later

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_and_marks_alarms_in_the_notification_centre(page, personas):
    undring(personas, anonymous=False)
    services.detect_followup_breaks(kommune_id=personas["barnehagelaerer"].kommune_id, now=days_later(20))
    log_in(page, personas["barnehagelaerer"].email)
    assert page.locator(".nav-badge").inner_text().startswith("1")
    page.get_by_role("link", name="Varsler").first.click()
    page.wait_for_url("**/varsler/")
    assert "Oppfølgingsbrudd i sak" in page.content()
    assert "Emma" not in page.content()
    screenshot(page, "varsler")
    assert_accessible(page, "/varsler/")
    page.get_by_role("button", name="Merk som lest").click()
    page.wait_for_selector(".notification:not(.notification--unread)")
    assert page.locator(".notification--unread").count() == 0
    assert page.evaluate("document.activeElement.classList.contains('notification')")
    assert not page.js_errors, page.js_errors


def test_it_shows_the_leader_overview_with_charts_and_tables(page, personas):
    for _ in range(6):
        case_on_level(personas, 1)
    for _ in range(2):
        undring(personas)
    facts.refresh_facts(kommune_id=personas["barnehagelaerer"].kommune_id)
    log_in(page, personas["kommunalsjef"].email)
    page.goto("/oversikt/")
    assert page.get_by_role("heading", level=1).inner_text() == "Oversikt for ledere"
    assert page.locator("svg[role=img]").count() == 3
    assert "&lt;5" in page.content() or "<5" in page.inner_text("main")
    screenshot(page, "oversikt")
    assert_accessible(page, "/oversikt/")
    page.get_by_label("Nivå", exact=True).select_option("1")
    page.get_by_role("button", name="Vis tall").click()
    page.wait_for_url("**niva=1**")
    screenshot(page, "oversikt-filtrert")
    page.get_by_label("Fra dato", exact=True).fill("2021-01-01")
    page.get_by_label("Til dato", exact=True).fill("2020-01-01")
    page.get_by_role("button", name="Vis tall").click()
    page.wait_for_selector(".ds-validation-message")
    assert "Til-datoen er før fra-datoen" in page.inner_text("main")
    screenshot(page, "oversikt-feil")
    assert_accessible(page, "/oversikt/ (feil)")
