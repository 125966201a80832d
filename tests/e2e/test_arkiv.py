"""Issue 15 item 1 in real Chromium: the retention rules page, its error state and a
saved service rule, with axe-core at 1280 and 390 px (screenshots in test-artifacts/)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from arkiv.models import RetentionRule
from bti.models import Service, ServiceKind
from tests.e2e.conftest import log_in
from tests.e2e.test_kommuneadmin import shots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_retention_page_its_errors_and_a_saved_rule(page, personas):
    log_in(page, personas["kommuneadmin"].email)
    page.goto(reverse("arkiv-retention"))
    assert page.get_by_role("heading", level=1).inner_text() == "Oppbevaringsregler"
    shots(page, "oppbevaring")
    health = Service.objects.get(kommune_id=personas["kommuneadmin"].kommune_id, kind=ServiceKind.HELSESTASJON)
    page.get_by_label("Gjelder", exact=True).select_option(str(health.pk))
    page.get_by_label("Saken beholdes").fill("3")
    page.get_by_label("Når tiden er ute").select_option("kasseres")
    page.get_by_role("button", name="Lagre regelen").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert "Kortere enn loven tillater: minst 10 år" in page.inner_text("main")
    page.js_errors.clear()  # the browser logs the page's own 400 (form errors) as a console error
    shots(page, "oppbevaring-feil")
    page.get_by_label("Saken beholdes").fill("12")
    page.get_by_label("Når tiden er ute").select_option("bevares")
    page.get_by_role("button", name="Lagre regelen").click()
    page.wait_for_url("**/kommune/innstillinger/oppbevaring/")
    assert "Oppbevaringsregelen er lagret." in page.inner_text("main")
    assert RetentionRule.objects.get(service=health).case_years == 12
    shots(page, "oppbevaring-lagret")
    assert not page.js_errors, page.js_errors
