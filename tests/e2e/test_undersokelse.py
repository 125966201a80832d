"""Done-when of issue 19 in real Chromium: KoRus opens a round for Eksempel kommune, three
demo staff answer, the BTI-koordinator sees results per theme with small groups hidden and
the report PDF, and a second round shows the comparison. axe-core on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.conftest import assert_accessible, log_in, screenshot
from tests.undersokelse.helpers import LOW, answer, staff
from undersokelse import services
from undersokelse.models import SurveyRound

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots/btikommune"


def _shot(page, name):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, f"undersokelse-{name}")


def _korus_opens_round(page, personas, title, opens_on, closes_on):
    log_in(page, personas["korus"].email)
    page.get_by_role("link", name="Runder og resultater").click()
    page.get_by_role("link", name="Eksempel kommune").click()
    assert_accessible(page, "runder i kommunen")
    page.get_by_role("link", name="Ny runde").click()
    page.get_by_label("Navn på runden").fill(title)
    page.get_by_label("Åpner").fill(opens_on.isoformat())
    page.get_by_label("Stenger").fill(closes_on.isoformat())
    for service in ("Barnehage", "Skole", "Helsestasjon og skolehelsetjeneste"):
        page.get_by_role("group", name="Inviter hele tjenester").get_by_label(service, exact=True).check()
    assert_accessible(page, "ny runde")
    page.get_by_role("button", name="Lagre utkast").click()
    page.get_by_role("button", name="Åpne runden og send invitasjoner").click()
    page.wait_for_selector("text=Åpen for svar")
    return SurveyRound.objects.get(title=title)


def test_korus_runs_a_round_staff_answer_and_the_koordinator_reads_the_results(page, personas):
    today = timezone.localdate()
    # Colleagues so that groups reach five: six at Solberg skole, five at Nordby skole.
    solberg = staff("Solberg skole", 6, prefix="e2e-s")
    nordby = staff("Nordby skole", 5, prefix="e2e-n")

    # Bad input first: a round that closes before it opens.
    log_in(page, personas["korus"].email)
    page.goto(f"/undersokelse/kommuner/{personas['barnehagelaerer'].kommune_id}/ny/")
    page.get_by_label("Navn på runden").fill("Feil")
    page.get_by_label("Åpner").fill(today.isoformat())
    page.get_by_label("Stenger").fill((today - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Lagre utkast").click()
    assert "kan ikke stenge før den åpner" in page.inner_text("main")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_accessible(page, "ny runde (feil)")
    # A kommune KoRus does not follow: 404.
    from bti.models import Kommune

    nabo = Kommune.objects.get(number="9902")
    assert page.goto(f"/undersokelse/kommuner/{nabo.pk}/").status == 404
    page.js_errors.clear()  # Chromium logs the page's own 404 as a console error
    page.context.clear_cookies()

    survey = _korus_opens_round(page, personas, "Etter innføring", today, today + timedelta(days=14))
    _shot(page, "runde")
    page.context.clear_cookies()

    # Three demo staff answer in the browser.
    for key, score in (("barnehagelaerer", "5"), ("kontaktlaerer", "4"), ("helsesykepleier", "4")):
        log_in(page, personas[key].email)
        page.get_by_role("link", name="Svar på undersøkelsen").click()
        if key == "barnehagelaerer":
            assert_accessible(page, "svarskjema")
            _shot(page, "svar")
        for group in page.locator("fieldset.likert").all():
            group.locator("input[type=radio]").nth(int(score) - 1).check()
        if key == "barnehagelaerer":
            page.get_by_label("Hva ville gjort BTI-arbeidet bedre der du jobber?").fill(
                "Mer tid til Emma Hansen 01017012345"
            )
            page.get_by_role("button", name="Send svaret").click()
            assert "Se merknaden ved fritekstsvaret" in page.inner_text("main")
            assert_accessible(page, "svarskjema (merknad)")
            page.get_by_label("Hva ville gjort BTI-arbeidet bedre der du jobber?").fill(
                "Mer tid til samarbeid mellom tjenestene"
            )
            page.get_by_role("button", name="Send svaret").click()
            if "Se merknaden" in page.inner_text("main"):
                page.get_by_label("Jeg har lest merknaden", exact=False).check()
                page.get_by_role("button", name="Send svaret").click()
        else:
            page.get_by_role("button", name="Send svaret").click()
        page.wait_for_selector("text=Svaret ditt er lagret uten navn")
        page.goto(f"/undersokelse/runder/{survey.pk}/svar/")
        assert "Du har svart på denne undersøkelsen" in page.inner_text("main")
        page.context.clear_cookies()
    for user in solberg + nordby:
        answer(user, survey, vurderinger__fritekst="Fritekst fra skolen")

    # KoRus closes the round; the BTI-koordinator reads the results.
    log_in(page, personas["korus"].email)
    page.goto(f"/undersokelse/runder/{survey.pk}/")
    page.get_by_role("button", name="Avslutt runden").click()
    page.wait_for_selector("text=Resultatene kan nå leses")
    page.context.clear_cookies()

    log_in(page, personas["bti_koordinator"].email)
    page.get_by_role("link", name="Runder og resultater").click()
    page.get_by_role("link", name="Eksempel kommune").click()
    page.get_by_role("link", name="Etter innføring").click()
    page.get_by_role("link", name="Se resultatene").click()
    main = page.inner_text("main")
    assert "Kunnskap om BTI" in main and "Tidlig inn" in main
    assert "skjult" in main  # Barnehage (1 answer) and Helsestasjon (1) with their complement
    rows = page.locator("#per-gruppe tbody tr")
    labels = {rows.nth(i).locator("th").inner_text(): rows.nth(i).inner_text() for i in range(rows.count())}
    assert "<5" in labels["Barnehage"] and "<5" in labels["Helsestasjon og skolehelsetjeneste"]
    assert_accessible(page, "resultater")
    _shot(page, "resultater")
    # A filter on a group under five: a clear message.
    page.get_by_label("Tjeneste", exact=True).select_option(label="Barnehage")
    page.get_by_role("button", name="Vis resultater").click()
    page.wait_for_selector("text=har for få svar til å vises")
    assert_accessible(page, "resultater (for liten gruppe)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Rapport (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    import io

    from pypdf import PdfReader

    with open(download.value.path(), "rb") as handle:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Kunnskap om BTI" in text and "Emma Hansen" not in text and "01017012345" not in text
    page.context.clear_cookies()

    # A second round, later, shows the comparison with the first.
    second = services.round_save(
        actor=personas["korus"],
        kommune_id=survey.kommune_id,
        title="Ett år etter",
        opens_on=today,
        closes_on=today + timedelta(days=10),
        unit_ids=[u.unit_id for u in survey.invited_units.all()],
    )
    SurveyRound.objects.filter(pk=survey.pk).update(
        opens_on=today - timedelta(days=365), closes_on=today - timedelta(days=300)
    )
    services.round_open(actor=personas["korus"], round_id=second.pk)
    for user in solberg + nordby:
        answer(user, second, LOW)
    services.round_close(actor=personas["korus"], round_id=second.pk)
    log_in(page, personas["bti_koordinator"].email)
    page.goto(f"/undersokelse/runder/{second.pk}/resultater/")
    main = page.inner_text("main")
    assert "Sammenlignet med «Etter innføring»" in main and "Forrige runde" in main
    assert_accessible(page, "resultater med sammenligning")
    _shot(page, "sammenligning")
    assert not page.js_errors, page.js_errors


def test_the_implementation_pages_and_feedback_are_accessible(page, personas):
    log_in(page, personas["bti_koordinator"].email)
    for url, name in (
        ("/innforing/", "prosjekt"),
        ("/innforing/kartlegging/", "kartlegging"),
        ("/innforing/opplaering/", "opplaering"),
        ("/innforing/tilbakemeldinger/", "innboks"),
    ):
        page.goto(url)
        assert_accessible(page, url)
        _shot(page, name)
    page.context.clear_cookies()
    log_in(page, personas["barnehagelaerer"].email)
    page.goto("/tilbakemelding/")
    page.get_by_label("BTI-koordinatoren").check()
    page.locator("#id_text").fill("Vi trenger mer opplæring")
    page.get_by_label("Send anonymt", exact=False).check()
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_selector(".receipt-code")
    assert_accessible(page, "tilbakemelding sendt")
    _shot(page, "tilbakemelding")
    page.goto("/handlingsveiledere/")
    page.get_by_role("link", name="Handlingsveileder – NAV").click()
    assert "Spør alltid om personen har barn" in page.inner_text("main")
    _shot(page, "veileder-nav")
    assert not page.js_errors, page.js_errors
