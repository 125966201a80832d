"""Issue 5 «Done when», in real Chromium: the barnehage fagadministrator adapts the default
guide and publishes it; a barnehage teacher's new undring shows the trinn with its tool and
deadline; completing it lands in the stafettlogg; a skole fagadministrator cannot edit."""

from __future__ import annotations

import re

import pytest

from bti.models import Unit
from cases.services import undring_create
from handlingsveileder.models import GuideVersion, Handlingsveileder, VersionStatus
from stafettlogg.models import Entry
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_adapts_publishes_and_follows_the_barnehage_guide(page, personas):
    guide = Handlingsveileder.objects.get(kommune=personas["fagadmin"].kommune, service__name="Barnehage")

    # The fagadministrator for barnehage copies the default.
    log_in(page, personas["fagadmin"].email)
    page.get_by_role("link", name="Handlingsveiledere").first.click()
    assert_accessible(page, "handlingsveiledere (fagadmin)")
    page.get_by_role("link", name="Handlingsveileder – Barnehage").click()
    screenshot(page, "hv-les")
    assert_accessible(page, "handlingsveileder barnehage")
    # The demo's barnehage guide has its own published version (handlingsveileder_setup gives
    # every service the template of its kind): the draft starts from it.
    page.get_by_role("button", name=re.compile("Lag (nytt )?utkast fra")).click()
    page.wait_for_url(re.compile(r".*/rediger/$"))
    assert_accessible(page, "editor")

    # Renames a trinn and gives it a 14-day deadline.
    page.get_by_role("link", name="Rediger «Undring»").click()
    page.get_by_label("Tittel – tekst på bokmål").fill("Undring oppstår")
    page.get_by_label("Frist (antall dager)").fill("-3")
    page.get_by_role("button", name="Lagre trinnet").click()
    assert "Fristen kan ikke være negativ" in page.content()
    assert_accessible(page, "trinn med feil")
    page.get_by_label("Frist (antall dager)").fill("14")
    page.get_by_role("button", name="Lagre trinnet").click()
    page.wait_for_url(re.compile(r".*/rediger/#trinn-\d+$"))

    # Adds a tool to it.
    page.get_by_role("link", name="Rediger «Undring oppstår»").click()
    page.get_by_label("Navn på verktøyet – tekst på bokmål").fill("Tegn og signaler")
    page.get_by_label("Lenke").fill("javascript:alert(1)")
    page.get_by_role("button", name="Legg til verktøy").click()
    assert "Lenken må begynne med https://" in page.content()
    page.get_by_label("Lenke").fill("https://eksempel.no/tegn-og-signaler")
    page.get_by_role("button", name="Legg til verktøy").click()
    assert page.get_by_role("link", name="Tegn og signaler").is_visible()
    screenshot(page, "hv-trinn")
    assert_accessible(page, "trinn med verktøy")

    # Reorders with the keyboard: focus «Flytt «Konkretisering» opp» and press Enter, then back.
    page.get_by_role("link", name=re.compile("Tilbake til utkast")).click()
    page.get_by_role("button", name="Flytt «Konkretisering» opp").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#niva-0 + ol li h3").first.inner_text().endswith("Konkretisering")
    page.get_by_role("button", name="Flytt «Konkretisering» ned").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#niva-0 + ol li h3").first.inner_text().endswith("Undring oppstår")
    screenshot(page, "hv-editor")

    page.get_by_role("link", name="Se endringer mot publisert versjon").click()
    assert "Undring oppstår" in page.content()
    assert_accessible(page, "endringer")
    screenshot(page, "hv-endringer")
    page.get_by_role("link", name=re.compile("Tilbake til utkast")).click()
    page.get_by_role("link", name="Publiser", exact=True).click()
    page.get_by_label("Endringsnotat").fill("Tilpasset barnehagen: frist og verktøy på undringen.")
    assert_accessible(page, "publiser")
    page.get_by_role("button", name="Publiser versjonen").click()
    page.wait_for_url(re.compile(r".*/handlingsveiledere/\d+/$"))
    assert (
        GuideVersion.objects.get(guide=guide, status=VersionStatus.PUBLISHED)
        .steps.filter(title="Undring oppstår")
        .exists()
    )
    page.context.clear_cookies()

    # A barnehage teacher's new undring shows that trinn with the tool and the deadline.
    case = undring_create(
        actor=personas["barnehagelaerer"],
        unit_id=Unit.objects.get(name="Lia barnehage").pk,
        observation="Emma virker sliten om morgenen.",
        anonymous_label="E.E.",
    )
    log_in(page, personas["barnehagelaerer"].email)
    page.goto(f"/saker/{case.pk}/trinn/")
    panel = page.locator(f"#hv-case-steps-{case.pk}")
    assert "Undring oppstår" in panel.inner_text()
    assert (
        panel.get_by_role("link", name="Tegn og signaler").get_attribute("href")
        == "https://eksempel.no/tegn-og-signaler"
    )
    assert "14 dager" in panel.inner_text()
    assert page.locator("svg[role=img] desc").count() == 1
    screenshot(page, "hv-sak-trinn")
    assert_accessible(page, "sakens trinn")

    # Skipping without a reason gets a message next to the field (htmx swaps the panel in place).
    page.get_by_text("Hopp over trinnet").first.click()
    page.get_by_role("button", name="Hopp over og skriv begrunnelsen i stafettloggen").first.click()
    page.wait_for_selector(".ds-validation-message")
    assert "påkrevd" in panel.inner_text()

    # Completing it appears in the stafettlogg (htmx swaps the panel in place).
    page.get_by_label("Jeg har skrevet ned hva jeg så eller hørte").check()
    page.get_by_role("button", name="Fullfør «Undring oppstår»").click()
    page.wait_for_selector("text=Trinnet er fullført og skrevet i stafettloggen.")
    entry = Entry.objects.filter(case=case).order_by("-seq").first()
    assert entry is not None and "Trinn fullført: Undring oppstår" in entry.text
    assert "Saken er her" in panel.inner_text()
    screenshot(page, "hv-sak-trinn-fullfort")
    assert_accessible(page, "sakens trinn etter fullføring")
    page.context.clear_cookies()

    # A skole fagadministrator cannot edit the barnehage guide.
    log_in(page, "siv.skog@eksempel.kommune.no")
    page.goto(f"/handlingsveiledere/{guide.pk}/")
    assert page.get_by_role("button", name=re.compile("Lag (nytt )?utkast")).count() == 0
    published = GuideVersion.objects.get(guide=guide, status=VersionStatus.PUBLISHED)
    response = page.goto(f"/handlingsveiledere/versjoner/{published.pk}/rediger/")
    assert response.status == 403
    # The only console messages are the deliberate 400 (bad input) and 403 (skole fagadministrator) responses.
    unexpected = [e for e in page.js_errors if "status of 400" not in e and "status of 403" not in e]
    assert not unexpected, unexpected
