"""Issue 18 «Done when»: the README walkthrough's main pages in real Chromium in bokmål,
nynorsk and English — the login page (language chosen in its switcher), Min side, Ny undring,
the case page, the consent form, the leader overview and the family portal. On every page:
``<html lang>`` is the chosen language, the page's own heading is in that language (not the
bokmål source, for nn and en), there is exactly one ``<h1>``, axe-core finds no violation, and
the page is screenshotted at 1280 and 390 px (test-artifacts/lang-<code>-<page>-<width>.png)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.conftest import ARTIFACTS, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-passord-123"

# The h1 of each page in each language (nb is the source; nn and en must differ where the
# translation does, so a page left in bokmål fails).
H1 = {
    "login": {"nb": "Logg inn", "nn": "Logg inn", "en": "Log in"},
    "home": {"nb": "Min side", "nn": "Mi side", "en": "My page"},
    "undring": {"nb": "Ny undring", "nn": "Ny undring", "en": "New concern"},
    "overview": {"nb": "Oversikt for ledere", "nn": "Oversikt for leiarar", "en": "Overview for leaders"},
}
# A text of the page's chrome that must be translated (the main menu's «Mine saker»).
MENU = {"nb": "Mine saker", "nn": "Mine saker", "en": "My cases"}


def _context(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nb-NO")
    return context.new_page()


def _choose(page: Any, language: str) -> None:
    """The visible switcher in the header, as a user would use it."""
    page.select_option("#sprakvalg", language)
    page.locator(".language-switcher button[type=submit]").click()
    page.wait_for_load_state()


def _check(page: Any, language: str, name: str, h1: str | None = None) -> str:
    assert page.evaluate("document.documentElement.lang") == language, name
    headings = page.locator("h1")
    assert headings.count() == 1, f"{name} ({language}): {headings.count()} <h1>"
    heading = headings.inner_text().strip()
    if h1 is not None:
        assert heading == h1, f"{name} ({language}): h1 {heading!r}, expected {h1!r}"
    assert_accessible(page, f"{name} ({language})")
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"lang-{language}-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    return heading


def _log_in(page: Any, email: str) -> None:
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action$='/logg-inn/'] button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_walkthrough_pages_in_each_language(browser, live_server, personas, settings, language):
    from tests.cases.helpers import case_on_level
    from tests.familie.helpers import families

    settings.DEMO_MODE = True
    case = case_on_level(personas, 1)
    fam = families(personas)

    staff = _context(browser, live_server)
    staff.goto(reverse("login"))
    _choose(staff, language)
    _check(staff, language, "logg-inn", H1["login"][language])
    _log_in(staff, personas["barnehagelaerer"].email)
    staff.goto(reverse("home"))
    _check(staff, language, "min-side", H1["home"][language])
    assert MENU[language] in staff.locator("nav.site-nav").inner_text()
    staff.goto(reverse("cases:undring_new"))
    _check(staff, language, "ny-undring", H1["undring"][language])
    staff.goto(reverse("cases:case_detail", kwargs={"case_id": case.pk}))
    _check(staff, language, "saken")
    assert MENU[language] in staff.locator("nav.site-nav").inner_text()
    staff.goto(reverse("samtykke", kwargs={"case_id": case.pk}))
    _check(staff, language, "samtykke")

    leader = _context(browser, live_server)
    leader.goto(reverse("login"))
    _choose(leader, language)
    _log_in(leader, personas["kommunalsjef"].email)
    leader.goto(reverse("overview"))
    _check(leader, language, "lederoversikt", H1["overview"][language])

    family = _context(browser, live_server)
    family.goto(reverse("citizen-login"))
    _choose(family, language)
    _check(family, language, "innbygger-logg-inn")
    family.goto(reverse("familie-demo-login"))
    _check(family, language, "test-idporten")
    family.get_by_label(re.compile("^Marte Nilsen")).check()
    family.locator("main form button[type=submit]").click()
    family.wait_for_load_state()
    _check(family, language, "familie")
    family.goto(reverse("familie-case", kwargs={"case_id": fam.theo.pk}))
    _check(family, language, "familie-sak")
    family.goto(reverse("familie-consent", kwargs={"case_id": fam.theo.pk}))
    _check(family, language, "familie-samtykke")
