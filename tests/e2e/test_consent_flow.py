"""Issue #6 «Done when» in real Chromium: consent, the category-scoped stafettlogg page,
search and the innsyn PDF."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.consent.helpers import SECRET_NOTE, identified_case
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shares_with_consent_stops_on_withdrawal_and_lists_reads_in_the_innsyn_pdf(page, personas):
    case, _guardian = identified_case(personas)
    consent_url = f"/saker/{case.pk}/samtykke/"
    log_url = f"/saker/{case.pk}/logg/"

    # The stafettholder registers consent for PPT (stafettlogg, plan og tiltak).
    log_in(page, personas["barnehagelaerer"].email)
    page.goto(consent_url)
    assert_accessible(page, "samtykke (stafettholder)")
    page.get_by_role("link", name="Registrer samtykke eller avslag").click()
    assert_accessible(page, "samtykke, registrering (stafettholder)")
    screenshot(page, "samtykke-registrering")
    page.get_by_label("Marit Eksempel (mor)").check()
    page.get_by_label("PPT Eksempel (PPT)").check()
    page.get_by_label("Stafettlogg", exact=True).check()
    page.get_by_label("Plan og tiltak").check()
    page.get_by_label("Formål: hvorfor det deles").fill("Vurdering av behov for spesialpedagogisk hjelp")
    page.get_by_label("Skriftlig").check()
    page.get_by_label("Barnets syn").fill("Emma vil gjerne ha hjelp med lesing.")
    page.get_by_label("Den som samtykker er informert").check()
    page.get_by_role("button", name="Registrer").click()
    page.wait_for_load_state()
    assert "Samtykket er registrert." in page.content()
    screenshot(page, "samtykke-registrert")
    assert_accessible(page, "samtykke etter registrering")
    page.context.clear_cookies()

    # The PPT adviser now sees the case and the log.
    log_in(page, personas["ppt"].email)
    response = page.goto(log_url)
    assert response.status == 200
    assert SECRET_NOTE in page.content()
    screenshot(page, "stafettlogg-ppt")
    assert_accessible(page, "stafettlogg (PPT)")
    page.context.clear_cookies()

    # The helsesykepleier without consent gets 404 and no search hit.
    log_in(page, personas["helsesykepleier"].email)
    assert page.goto(log_url).status == 404
    page.js_errors.clear()  # the browser reports the expected 404 as a console error
    page.goto("/sok/")
    page.get_by_label("Søk", exact=True).fill("Emma")
    page.get_by_role("button", name="Søk").click()
    page.wait_for_function("document.querySelector('#sokeresultat').innerText.includes('Ingen saker')")
    assert "Ingen saker du har tilgang til" in page.locator("#sokeresultat").inner_text()
    screenshot(page, "sok-helsesykepleier")
    page.context.clear_cookies()

    # The guardian withdraws the PPT consent (registered by the stafettholder).
    log_in(page, personas["barnehagelaerer"].email)
    page.goto(consent_url)
    page.get_by_role("link", name="Trekk tilbake").click()
    page.wait_for_load_state()
    assert_accessible(page, "trekk tilbake")
    page.get_by_label("Hele samtykket").check()
    page.get_by_label("Hvem trakk samtykket tilbake").fill("Marit Eksempel")
    page.get_by_role("button", name="Trekk tilbake").click()
    page.wait_for_load_state()
    assert "Delingen stopper straks" in page.content()
    screenshot(page, "samtykke-trukket")
    page.context.clear_cookies()

    # On the next request the PPT adviser gets 404.
    log_in(page, personas["ppt"].email)
    assert page.goto(log_url).status == 404
    page.js_errors.clear()
    page.context.clear_cookies()

    # The innsyn PDF for the child lists the PPT adviser's reads.
    log_in(page, personas["barnehagelaerer"].email)
    page.goto(f"/saker/{case.pk}/innsyn/")
    assert_accessible(page, "innsyn")
    screenshot(page, "innsyn")
    pdf = page.request.get(f"/saker/{case.pk}/innsyn.pdf")
    assert pdf.status == 200
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.body())).pages)
    assert "Per Dahl" in text and "PPT Eksempel" in text
    assert not page.js_errors, page.js_errors
