"""Issue 18: the PDF's header and footer follow the kommune's language unless the reader chose
another (ADR 0030) — the exemption marking, the page numbers and «printed by» alike."""

from __future__ import annotations

import pytest
from django.utils import translation

from samarbeid import printing
from tests.samarbeid import helpers
from tests.samarbeid.test_printing import pdf_text

pytestmark = pytest.mark.django_db

NB = ["Unntatt offentlighet, jf. offl. § 13 og fvl. § 13", "Side 1 av", "Skrevet ut"]
NN = ["Unnateke offentlegheit, jf. offl. § 13 og fvl. § 13", "Side 1 av", "Skrive ut"]
EN = ["Exempt from public access", "Page 1 of", "Printed"]


def _logg_pdf(built, user) -> str:
    spec = printing.spec_from_params(kind="logg", params={}, user=user, case=built["case"])
    with translation.override("nb"):  # a worker: bokmål is active, the orderer's language wins
        return " ".join(pdf_text(printing.render(spec, user=user)).split())


@pytest.mark.parametrize(
    ("kommune_language", "own", "shown", "hidden"),
    [
        ("nn", "", NN, [NB[0], EN[0], NB[2]]),  # no choice of their own: the kommune's language
        ("nn", "en", EN, [NB[0], NN[0], "Side 1"]),  # the reader chose another
        ("nb", "nn", NN, [NB[0], EN[0]]),
        ("", "", NB, [NN[0], EN[0], "Page 1"]),  # nothing set anywhere: bokmål
    ],
)
def test_the_pdf_header_and_footer_follow_the_kommune_unless_the_reader_chose(
    personas, kommune_language, own, shown, hidden
):
    built = helpers.plan_case(personas)
    kari = personas["barnehagelaerer"]
    kommune = kari.kommune
    kommune.language = kommune_language
    kommune.save(update_fields=["language"])
    kari.language = own
    kari.save(update_fields=["language"])
    kari = type(kari).objects.select_related("kommune").get(pk=kari.pk)
    text = _logg_pdf(built, kari)
    assert all(marker in text for marker in shown), text[:300]
    assert not any(marker in text for marker in hidden), text[:300]
    assert "Emma virker trist" in text  # what staff wrote is shown as written


def test_a_translated_page_number_without_placeholders_never_breaks_the_css(personas, monkeypatch):
    monkeypatch.setattr(printing, "_", lambda text: "Sida" if text.startswith("Side") else text)
    css = printing.page_css(personas["barnehagelaerer"])
    assert 'content: "Sida"' in css and "counter(page)" not in css
