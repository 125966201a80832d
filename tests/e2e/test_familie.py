"""Issue 14 «Done when» in real Chromium at 390×844 through the test ID-porten: a mother
with foreldreansvar reads the log (not the held-back entry), sees that PPT read the case and
asks why, withdraws the PPT consent, and on the next request the PPT adviser gets 404; the
father without foreldreansvar is refused with a clear message; the 16-year-old refuses
health sharing and the parents cannot override it; a parent raises a concern and the unit
leader sees the new nivå 0 case. Every portal page is screenshotted and checked with axe."""

from __future__ import annotations

from typing import Any

import pytest

from cases.models import Case
from tests.e2e.conftest import ARTIFACTS, assert_accessible, log_in
from tests.familie.helpers import HELD, families

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
CONCERN = "Bekymringsmarkør-E1: Theo sover dårlig og gruer seg"
MESSAGE = "Meldingsmarkør-E5: kan vi snakke om hodepinen?"

OVERFLOW = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('[role=region]'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _phone(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nb-NO", viewport=PHONE)
    return context.new_page()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"familie-{name}-390.png"), full_page=True)
    assert_accessible(page, name)
    wider = page.evaluate(OVERFLOW)
    assert not wider, f"{name} is wider than 390 px: {wider}"


def _idporten(page: Any, label: str) -> None:
    page.goto("/innbygger/logg-inn/")
    page.get_by_role("link", name="Logg inn med test-ID-porten (demo)").click()
    _shot(page, "test-idporten")
    page.get_by_label(label).check()
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def test_the_family_portal_done_when(browser, live_server, personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)

    ppt = _phone(browser, live_server)
    log_in(ppt, personas["ppt"].email)
    assert ppt.goto(f"/saker/{fam.theo.pk}/").status == 200

    # The mother reads the log, not the held-back entry.
    mother = _phone(browser, live_server)
    _idporten(mother, "Marte Nilsen, mor til Theo (7), har foreldreansvar")
    assert mother.get_by_role("heading", level=1).inner_text() == "Foreldreportalen"
    _shot(mother, "hjem")
    mother.get_by_role("link", name="Theo Nilsen").click()
    body = mother.locator("main").inner_text()
    assert "Samtale med mor om lesing hjemme." in body
    assert HELD not in body
    _shot(mother, "sak")

    # Theo's case has an entry held back for suspected violence (C-18): she cannot message,
    # and is told how to reach the unit.
    mother.get_by_role("link", name="Meldinger").click()
    assert "Ta kontakt med enheten direkte" in mother.locator("main").inner_text()
    assert "Solberg skole" in mother.locator("#kontakt-enheten").inner_text()
    _shot(mother, "meldinger-c18")
    mother.get_by_role("link", name="Tilbake til saken").click()

    # She sees that PPT read the case, and asks why.
    mother.get_by_role("link", name="Hvem har lest saken").click()
    assert "Per Dahl" in mother.locator("#lesinger").inner_text()
    _shot(mother, "hvem-har-lest")
    first = mother.locator("#lesinger li").filter(has_text="Per Dahl").first
    first.locator("summary").click()
    first.get_by_label("Hva vil du spørre om?").fill("Spørsmålsmarkør-E2: hvorfor leste PPT?")
    first.get_by_role("button", name="Send spørsmålet").click()
    assert "Spørsmålsmarkør-E2" in mother.locator("#sporsmal").inner_text()

    # She withdraws the PPT consent; on the next request PPT gets 404.
    mother.goto(f"/familie/sak/{fam.theo.pk}/samtykke/")
    _shot(mother, "samtykke")
    mother.get_by_role("button", name="Trekk samtykket tilbake").click()
    assert "Samtykket er trukket tilbake." in mother.locator("#meldinger").inner_text()
    assert ppt.goto(f"/saker/{fam.theo.pk}/").status == 404

    # She raises a concern at Lia barnehage; the styrer sees the new nivå 0 case.
    mother.goto("/familie/ny-undring/")
    _shot(mother, "ny-undring")
    mother.get_by_label("Hvem vil du kontakte").select_option(label="Lia barnehage (Barnehage)")
    mother.get_by_label("Hva lurer du på, eller hva er du bekymret for?").fill(CONCERN)
    mother.get_by_role("button", name="Send").click()
    assert CONCERN in mother.locator("main").inner_text()
    assert "Nivå 0" in mother.locator("main").inner_text()
    styrer = _phone(browser, live_server)
    log_in(styrer, personas["styrer"].email)
    new = Case.objects.get(owner_unit__name="Lia barnehage", child_id=fam.theo.child_id or 0)
    styrer.goto(f"/saker/{new.pk}/")
    assert CONCERN in styrer.locator("main").inner_text()

    # The father without foreldreansvar is refused with a clear message.
    father = _phone(browser, live_server)
    _idporten(father, "Jonas Nilsen, far til Theo (7), uten foreldreansvar")
    assert "Du er registrert uten foreldreansvar for barnet." in father.locator("main").inner_text()
    assert "Theo Nilsen" not in father.locator("main").inner_text()
    _shot(father, "uten-foreldreansvar")

    # The 16-year-old refuses health sharing with the school; her mother cannot override it.
    emma = _phone(browser, live_server)
    _idporten(emma, "Emma Lund (16)")
    emma.get_by_role("link", name="Emma Lund").click()
    emma.get_by_role("link", name="Samtykke").click()
    _answer(emma, "Nei, jeg samtykker ikke")
    assert "Svaret ditt er lagret." in emma.locator("#meldinger").inner_text()
    kristin = _phone(browser, live_server)
    _idporten(kristin, "Kristin Lund, mor til Emma (16), har foreldreansvar")
    kristin.goto(f"/familie/sak/{fam.emma.pk}/samtykke/")
    _answer(kristin, "Ja, jeg samtykker")
    assert "bestemmer selv over egne helseopplysninger" in kristin.locator("main").inner_text()
    _shot(kristin, "samtykke-feil")

    # She writes to the stafettholder: an empty message is refused next to the field.
    kristin.goto(f"/familie/sak/{fam.emma.pk}/meldinger/")
    kristin.get_by_role("button", name="Send meldingen").click()
    assert "Skriv meldingen." in kristin.locator("main").inner_text()
    _shot(kristin, "meldinger-feil")
    kristin.locator("textarea[name=text]").fill(MESSAGE)
    kristin.get_by_role("button", name="Send meldingen").click()
    assert MESSAGE in kristin.locator("#meldingstraad").inner_text()
    _shot(kristin, "meldinger")


def _answer(page: Any, decision: str) -> None:
    page.get_by_label(decision).check()
    page.get_by_label("Hvem skal få opplysningene").select_option(label="Eksempel ungdomsskole (Skole)")
    page.get_by_label("Helseopplysninger").check()
    page.get_by_label("Hva skal opplysningene brukes til").fill("Formålsmarkør-E3: hjelp med hodepine på skolen")
    page.get_by_label("Hva sier barnet?").fill("Barnemarkør-E4: Emma vil ikke")
    page.get_by_role("button", name="Send svaret").click()
    page.wait_for_load_state()
