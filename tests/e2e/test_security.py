"""Issue 8 «Done when», in real Chromium: TOTP enrolment, logout, login with password and
code; lockout after five wrong passwords; OIDC login against the local provider; a
citizen on loa-substantial refused."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import TOTP

from tests.bti.security_helpers import PASSWORD, real_user
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret_text: str, steps_ahead: int = 0, margin: float = 5.0) -> str:
    """The app's code, never computed within ``margin`` seconds of the end of a 30 s step.

    A code computed just before a step ends and checked by the server just after it is
    still accepted (tolerance one step), but django-otp then stores a drift of -1 for the
    device, and the next login's code one step ahead falls outside the window: the test saw
    «Bekreft med engangskode» again instead of Min side (the flake of the fresh-clone run).
    Real apps do not hit this twice in a row; the test waits for the next step instead."""
    import time

    if 30 - time.time() % 30 < margin:
        time.sleep(30 - time.time() % 30 + 0.2)
    secret = secret_text.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_it_enrols_totp_then_logs_in_with_password_and_code(page, personas):
    user = real_user(personas)
    log_in(page, user.email, PASSWORD)
    page.wait_for_url("**/sikkerhet/tofaktor/registrer/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Sett opp tofaktor"
    assert page.locator(".qr-code svg[role=img]").count() == 1
    screenshot(page, "mfa-registrer")
    assert_accessible(page, "mfa-registrer")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Engangskode").fill(code_for(secret))
    page.get_by_role("button", name="Aktiver tofaktor").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Gjenopprettingskoder"
    assert page.locator("#recovery-codes li").count() == 10
    screenshot(page, "mfa-gjenopprettingskoder")
    assert_accessible(page, "gjenopprettingskoder")
    page.get_by_role("link", name="Jeg har tatt vare på kodene").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Min side"
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/logg-inn/")

    log_in(page, user.email, PASSWORD)
    page.wait_for_url("**/sikkerhet/tofaktor/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Bekreft med engangskode"
    page.get_by_label("Engangskode").fill("123456")
    page.get_by_role("button", name="Bekreft").click()
    assert "feil eller allerede brukt" in page.content()
    screenshot(page, "mfa-feil-kode")
    assert_accessible(page, "mfa-bekreft med feil")
    page.wait_for_timeout(1500)  # django-otp throttles: one second after a wrong code
    page.get_by_label("Engangskode").fill(code_for(secret, steps_ahead=1))
    page.get_by_role("button", name="Bekreft").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Min side"
    page.goto("/sikkerhet/")
    screenshot(page, "sikkerhet-oversikt")
    assert_accessible(page, "sikkerhet-oversikt")
    assert not page.js_errors, page.js_errors


def test_it_locks_the_account_after_five_wrong_passwords(page, personas):
    email = personas["barnehagelaerer"].email
    for _ in range(5):
        log_in(page, email, "feil-passord-123")
    message = page.locator("#locked-message").inner_text()
    assert "låst i 15 minutter" in message
    screenshot(page, "konto-laast")
    assert_accessible(page, "konto låst")
    log_in(page, email, PASSWORD)
    assert page.locator("#locked-message").count() == 1


def test_it_logs_in_staff_with_oidc_and_refuses_a_citizen_on_loa_substantial(page, oidc_providers, personas):
    server = oidc_providers["server"]
    server.claims = {"oid": "oid-kari", "email": personas["barnehagelaerer"].email, "amr": ["pwd", "mfa"]}
    page.goto("/logg-inn/")
    screenshot(page, "logg-inn-med-sso")
    assert_accessible(page, "logg-inn med SSO")
    page.get_by_role("link", name="Logg inn med Microsoft (Eksempel kommune)").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Min side"
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/logg-inn/")

    server.claims = {"pid": "01010750160", "acr": "idporten-loa-substantial"}
    page.goto("/innbygger/logg-inn/")
    assert_accessible(page, "innbygger logg inn")
    page.get_by_role("link", name="Logg inn med ID-porten (Eksempel kommune)").click()
    assert "for lavt sikkerhetsnivå" in page.locator("#oidc-error").inner_text()
    screenshot(page, "idporten-avvist")
    assert_accessible(page, "idporten avvist")
    page.js_errors.clear()  # the refusal page is a 403 on purpose; Chromium logs that

    server.claims = {"pid": "01010750160", "acr": "idporten-loa-high"}
    page.goto("/innbygger/logg-inn/")
    page.get_by_role("link", name="Logg inn med ID-porten (Eksempel kommune)").click()
    # the citizen's landing page is the family portal (issue 14); this pid is on no case
    page.wait_for_url("**/familie/")
    assert "Vi fant ingen sak der du er registrert" in page.locator("main").inner_text()
    screenshot(page, "innbygger")
    assert_accessible(page, "innbygger")
    assert not page.js_errors, page.js_errors


def test_it_adds_a_passkey_and_logs_in_with_it_instead_of_a_code(page, personas):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.bti.security_helpers import totp_code

    user = real_user(personas)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    log_in(page, user.email, PASSWORD)
    page.wait_for_url("**/sikkerhet/tofaktor/**")
    page.get_by_label("Engangskode").fill(totp_code(device))
    page.get_by_role("button", name="Bekreft").click()
    page.goto("/sikkerhet/")
    page.get_by_role("button", name="Legg til passnøkkel").click()
    page.wait_for_selector("text=Passnøkkelen er lagt til")
    screenshot(page, "passnokkel-lagt-til")
    assert_accessible(page, "sikkerhet med passnøkkel")
    page.get_by_role("button", name="Logg ut", exact=True).click()
    page.wait_for_url("**/logg-inn/")

    log_in(page, user.email, PASSWORD)
    page.wait_for_url("**/sikkerhet/tofaktor/**")
    page.get_by_role("button", name="Bruk passnøkkel").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Min side"
    assert not page.js_errors, page.js_errors
