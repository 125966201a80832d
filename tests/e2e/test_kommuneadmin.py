"""Issue 16 «Done when» in real Chromium: a new kommune set up from nothing through its own
pages (the operator only creates the kommune and its first administrator), units and staff
imported from the example CSV, roles given, age rules changed, and the next consent follows
the new rules; Eksempel's administrator sees nothing of it; every change is in the security
log; axe-core finds nothing on any new page, at 1280 and 390 px."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bti.models import KommuneRole, Unit, User
from bti.security.models import SecurityEvent, SecurityEventKind
from tests.e2e.conftest import ARTIFACTS, assert_accessible, log_in
from tests.e2e.test_security import code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "kommuneadmin-import-eksempel.csv"
PASSWORD = "Fjordvik-passord-2026"


# Elements sticking out past the right edge of the viewport (a table must scroll in its
# own box, not widen the page).
OVERFLOW = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('[role=region]'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def shots(page: Any, name: str) -> None:
    """Full-page screenshots at 1280 and 390 px (test-artifacts/), checked with axe at both."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"ka-{name}-{width}.png"), full_page=True)
        assert_accessible(page, f"{name} ({width} px)")
        wider = page.evaluate(OVERFLOW)
        assert not wider, f"{name} is wider than {width} px: {wider}"
    page.set_viewport_size({"width": 1280, "height": 900})


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def accept_invitation_and_enrol(page: Any, path: str, email: str) -> None:
    """Choose a password from the invitation link, log in, and set up TOTP."""
    page.goto(path)
    assert page.get_by_role("heading", level=1).inner_text() == "Velg passord"
    page.get_by_label("Nytt passord").fill(PASSWORD)
    page.get_by_label("Gjenta passordet").fill(PASSWORD)
    page.get_by_role("button", name="Lagre passordet").click()
    page.wait_for_url("**/logg-inn/")
    log_in(page, email, PASSWORD)
    page.wait_for_url("**/sikkerhet/tofaktor/registrer/**")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Engangskode").fill(code_for(secret))
    page.get_by_role("button", name="Aktiver tofaktor").click()
    page.get_by_role("link", name="Jeg har tatt vare på kodene").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Min side"


def test_a_new_kommune_is_set_up_from_nothing_through_its_own_pages(page, browser, live_server, personas):
    # The system operator's whole part: the kommune and its first administrator.
    out = StringIO()
    call_command(
        "create_kommune",
        number="9903",
        name="Fjordvik kommune",
        admin_email="mona.fjell@fjordvik.kommune.no",
        admin_name="Mona Fjell",
        stdout=out,
    )
    link = re.search(r"Invitasjonslenke.*?: (\S+)", out.getvalue()).group(1)  # type: ignore[union-attr]
    assert len(mail.outbox) == 1 and "/invitasjon/" in str(mail.outbox[0].body)

    accept_invitation_and_enrol(page, path_of(link), "mona.fjell@fjordvik.kommune.no")
    page.get_by_role("link", name="Kommunens administrasjon").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Administrasjon av Fjordvik kommune"
    shots(page, "oversikt")

    # Services, units and staff from the example CSV: preview, then import.
    page.get_by_role("navigation", name="Kommunens administrasjon").get_by_role("link", name="Import").click()
    shots(page, "import")
    page.get_by_label("CSV-fil med enheter og ansatte").set_input_files(str(EXAMPLE))
    page.get_by_role("button", name="Forhåndsvis").click()
    page.wait_for_url("**/kommune/import/*/")
    body = page.inner_text("main")
    assert "Nye enheter (6)" in body and "Nye personer (11)" in body and "Nye tilknytninger (12)" in body
    shots(page, "import-forhandsvisning")
    page.get_by_role("button", name="Importer").click()
    page.wait_for_url("**/kommune/import/")
    assert "Importen er gjennomført: 6 nye enheter, 11 nye personer og 12 nye tilknytninger." in page.inner_text("main")
    assert len(mail.outbox) == 12  # the administrator's own, and one per new person

    page.get_by_role("link", name="Tjenester og enheter").first.click()
    assert "Fjordvik ungdomsskole" in page.inner_text("main")
    shots(page, "tjenester")

    # Roles: Astrid Moen becomes BTI-koordinator, Eirik Dal a second administrator.
    for name, role in (("Astrid Moen", "BTI-koordinator"), ("Eirik Dal", "Kommuneadministrator")):
        page.goto("/kommune/ansatte/")
        page.get_by_label("Søk etter navn, e-post eller enhet").fill(name.split()[0])
        page.get_by_role("button", name="Søk").click()
        page.wait_for_function(f"document.querySelector('#ansattliste').innerText.includes('{name}')")
        page.locator("#ansattliste").get_by_role("link", name=name).click()
        page.get_by_label("Rolle i kommunen").select_option(label=role)
        page.get_by_role("button", name="Gi rollen").click()
        page.wait_for_load_state()
        assert "Rollen er gitt." in page.inner_text("main")
    shots(page, "person")
    page.goto("/kommune/ansatte/")
    shots(page, "ansatte")

    # A teacher of the new kommune has a 15-year-old's case. Before the age rules change,
    # the young person cannot consent alone (16); after, the next consent follows them.
    jonas = User.objects.get(email="jonas.berg@fjordvik.kommune.no")
    invitation = next(m for m in mail.outbox if m.to == [jonas.email])
    jonas_link = re.search(r"https?://\S+/invitasjon/\S+/", str(invitation.body)).group(0)  # type: ignore[union-attr]
    from cases import services as case_services

    today = timezone.localdate()
    case = case_services.undring_create(
        actor=jonas,
        unit_id=Unit.objects.get(name="Fjordvik skole").pk,
        observation="Sofie har mye fravær og virker sliten.",
        child_name="Sofie Fjord",
        birth_date=date(today.year - 15, 1, 1) if today >= date(today.year, 1, 2) else date(today.year - 16, 1, 1),
    )
    teacher = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="nb-NO").new_page()
    accept_invitation_and_enrol(teacher, path_of(jonas_link), jonas.email)

    def register_consent_as_the_young_person() -> str:
        teacher.goto(f"/saker/{case.pk}/samtykke/?registrer=1")
        teacher.get_by_label("Ungdommen samtykker selv").check()
        teacher.get_by_label("PPT Fjordvik (PPT)").check()
        teacher.get_by_label("Stafettlogg", exact=True).check()
        teacher.get_by_label("Formål: hvorfor det deles").fill("Vurdering av skolefravær sammen med PPT")
        teacher.get_by_label("Skriftlig").check()
        teacher.get_by_label("Barnets syn").fill("Sofie vil selv at PPT skal hjelpe.")
        teacher.get_by_label("Den som samtykker er informert").check()
        teacher.get_by_role("button", name="Registrer").click()
        teacher.wait_for_load_state()
        return teacher.inner_text("main")

    assert "Barnet er under 16 år og kan ikke samtykke alene" in register_consent_as_the_young_person()

    page.goto("/kommune/innstillinger/")
    shots(page, "innstillinger")
    page.get_by_role("link", name="Aldersregler").click()
    page.get_by_label("Ungdommen samtykker selv fra (år)").fill("15")
    page.get_by_role("button", name="Lagre aldersreglene").click()
    page.wait_for_load_state()
    assert "Aldersreglene er lagret" in page.inner_text("main")
    shots(page, "aldersregler")

    assert "Samtykket er registrert." in register_consent_as_the_young_person()
    teacher.context.close()

    # Every change is in the kommune's security log.
    page.goto("/kommune/sikkerhetslogg/")
    log = page.inner_text("main")
    for action in (
        "import_applied",
        "kommune_role_added",
        "age_rules_updated",
        "invitation_accepted",
        "kommune_created",
    ):
        assert action in log, action
    shots(page, "sikkerhetslogg")
    events = SecurityEvent.objects.filter(kind=SecurityEventKind.ADMIN_CHANGE, kommune__number="9903")
    assert events.filter(detail__action="kommune_role_added").count() == 2
    assert events.get(detail__action="age_rules_updated").detail["after"]["consents_alone_from"] == 15
    assert KommuneRole.objects.filter(user__full_name="Eirik Dal", role="administrator").exists()
    page.context.clear_cookies()

    # Eksempel's administrator sees nothing of Fjordvik (or of Nabo).
    log_in(page, personas["kommuneadmin"].email)
    page.goto("/kommune/ansatte/?q=fjordvik")
    assert "Ingen treff" in page.inner_text("#ansattliste")
    fjordvik_unit = Unit.objects.get(name="Fjordvik skole")
    assert page.goto(f"/kommune/enheter/{fjordvik_unit.pk}/").status == 404
    page.js_errors.clear()
    page.goto("/kommune/tjenester/")
    main = page.inner_text("main")
    assert "Fjordvik" not in main and "Fjell skole" not in main and "Lia barnehage" in main
    page.goto("/kommune/sikkerhetslogg/")
    assert "fjordvik" not in page.inner_text("main").lower()
    assert not [e for e in page.js_errors if "status of 404" not in e], page.js_errors


def _walk(page: Any, urls: list[tuple[str, str]]) -> None:
    for name, url in urls:
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        page.wait_for_load_state("networkidle")
        shots(page, name)
        assert not page.js_errors, f"{url}: {page.js_errors}"


def test_every_new_page_has_no_axe_violations_at_1280_and_390(page, personas):
    from django.urls import reverse

    from samordning import services as samordning_services
    from stafettlogg import services as log_services
    from tests.consent.helpers import give_consent, identified_case
    from tests.kommuneadmin.routes import SAMPLE_KWARGS, throwaway

    throwaway(personas)
    admin_pages = [
        "ka-home", "ka-services", "ka-service-new", "ka-service", "ka-unit-new", "ka-unit", "ka-unit-close",
        "ka-unit-merge", "ka-staff", "ka-staff-new", "ka-person", "ka-membership-new", "ka-membership", "ka-import",
        "ka-import-preview", "ka-settings", "ka-age-rules", "ka-followup", "ka-language", "ka-categories", "ka-category",
        "ka-providers", "ka-provider-new", "ka-provider", "ka-log",
    ]  # fmt: skip
    urls = [(n, reverse(n, kwargs=SAMPLE_KWARGS[n](personas) if n in SAMPLE_KWARGS else {})) for n in admin_pages]
    log_in(page, personas["kommuneadmin"].email)
    _walk(page, urls)
    # Error states: the error summary and the messages next to the fields.
    page.goto(reverse("ka-staff-new"))
    page.get_by_role("button", name="Legg til").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    shots(page, "ny-person-feil")
    page.js_errors.clear()  # the browser logs the page's own 400 (form errors) as a console error
    page.goto(reverse("ka-import"))
    page.get_by_label("CSV-fil med enheter og ansatte").set_input_files(
        files=[{"name": "feil.csv", "mimeType": "text/csv", "buffer": "E-post;Navn;Enhet;Lønn\nx;Y;Z;1\n".encode()}]
    )
    page.get_by_role("button", name="Forhåndsvis").click()
    page.wait_for_url("**/kommune/import/*/")
    assert "Ukjente kolonner" in page.inner_text("main")
    shots(page, "import-feil")
    page.context.clear_cookies()

    log_in(page, personas["bti_koordinator"].email)
    _walk(page, [("koordinator", reverse("koordinator"))])
    page.context.clear_cookies()

    # The case pages: samordning, barnekoordinator, individuell plan, time-limited access.
    case, guardian = identified_case(personas, level=2)
    give_consent(personas, case, guardian)
    kari = personas["barnehagelaerer"]
    log_services.note_add(actor=kari, case_id=case.pk, kind="notat", text="Et notat.")
    log_in(page, kari.email)
    page.goto(reverse("samordning-koordinering", kwargs={"case_id": case.pk}))
    page.get_by_label("Tjenesten som koordinerer").select_option(label="PPT")
    page.get_by_label("Barnets syn").fill("Emma vil at PPT hjelper.")
    page.get_by_label("Foreldrenes syn").fill("Mor vil at skolen koordinerer.")
    page.get_by_label("Hvem besluttet").fill("Samarbeidsmøtet")
    page.get_by_label("Tjenestene var uenige om hvem som skal koordinere").check()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    assert "Når tjenestene er uenige, bestemmer kommunen" in page.inner_text("main")
    shots(page, "samordning-feil")
    page.js_errors.clear()
    samordning_services.coordination_record(
        actor=kari, case_id=case.pk, service_id=Unit.objects.get(name="PPT Eksempel").service_id,
        child_view="Emma vil ha hjelp.", parents_view="Mor er enig.", decided_by="Samarbeidsmøtet",
        decided_on=timezone.localdate(), services_agree=True,
    )  # fmt: skip
    _walk(
        page,
        [
            ("samordning", reverse("samordning", kwargs={"case_id": case.pk})),
            ("barnekoordinator", reverse("samordning-barnekoordinator", kwargs={"case_id": case.pk})),
            ("individuell-plan", reverse("individuell-plan", kwargs={"case_id": case.pk})),
        ],
    )
    page.goto(reverse("cases:case_detail", kwargs={"case_id": case.pk}))
    page.wait_for_selector("#samordning-panel")
    assert "PPT – besluttet av Samarbeidsmøtet" in page.inner_text("#samordning-panel")
    shots(page, "sak-med-samordning")
    page.context.clear_cookies()

    log_in(page, personas["styrer"].email)
    page.goto(reverse("case-access-grants", kwargs={"case_id": case.pk}))
    shots(page, "tilgang")
    page.get_by_label("Person").select_option(label="Nina Holm – Solsikken barnehage")
    page.get_by_label("Begrunnelse").fill("Nina vikarierer som spesialpedagog i to uker.")
    page.get_by_role("button", name="Gi tilgang").click()
    page.wait_for_load_state()
    assert "Nina Holm har fått tilgang til saken" in page.inner_text("main")
    shots(page, "tilgang-gitt")
    _walk(page, [("tilgangskontroll", reverse("tilgangskontroll"))])
    page.context.clear_cookies()

    from tests.kommuneadmin.routes import _invitation

    invitation = reverse("invitation-accept", kwargs=_invitation(personas))
    _walk(page, [("invitasjon", invitation)])
    bad = page.goto(reverse("invitation-accept", kwargs={"uidb64": "MQ", "token": "feil-lenke"}))
    assert bad.status == 400 and "Lenken virker ikke" in page.inner_text("main")
    page.js_errors.clear()
    shots(page, "invitasjon-ugyldig")
