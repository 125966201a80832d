"""Nynorsk and English (ADR 0030): complete catalogues, every template string marked, the
language of a page chosen by person, kommune or browser, and bokmål for anything else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from bti import i18n_catalogues, i18n_scan

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "test-passord-123"


def _lang_and_h1(body: str) -> tuple[str, str]:
    lang = re.search(r'<html lang="([^"]*)"', body)
    h1s = re.findall(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    assert lang and len(h1s) == 1, "exactly one <html lang> and one <h1>"
    return lang.group(1), re.sub(r"<[^>]+>", "", h1s[0]).strip()


@pytest.mark.parametrize("language", i18n_catalogues.LANGUAGES)
def test_it_has_no_untranslated_fuzzy_or_broken_entry(language):
    report = i18n_catalogues.check(language)
    assert report.translated > 2000
    assert report.untranslated == [], f"untranslated in {language}: run `make messages` and translate"
    assert report.fuzzy == [], f"fuzzy in {language}: check and clear the flag"
    assert report.bad_placeholders == [], f"placeholders differ in {language}"


def test_it_finds_no_unmarked_text_in_templates():
    findings = i18n_scan.scan(ROOT)
    assert not findings, "mark these for translation ({% translate %}):\n" + "\n".join(map(str, findings))


def test_the_scanner_catches_unmarked_text_and_lets_marked_text_pass():
    source = (
        '{% load i18n %}<h1>{% translate "Merket-i18n-1" %}</h1><p>Umerket tekst i18n-2</p>'
        '<input type="submit" value="Send i18n-3"><a aria-label="Lukk i18n-4" href="#">✕</a>'
        '{% blocktranslate %}Blokk i18n-5 {{ x }}{% endblocktranslate %}<span translate="no">Fornavn</span>'
    )
    found = " | ".join(f.text for f in i18n_scan.scan_template(source, "t.html"))
    for marker in ("Umerket tekst i18n-2", "Send i18n-3", "Lukk i18n-4"):
        assert marker in found
    for marker in ("Merket-i18n-1", "Blokk i18n-5", "Fornavn"):
        assert marker not in found


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "lang", "h1"),
    [
        ("en-GB,en;q=0.9", "en", "Log in"),
        ("nn-NO,nn;q=0.9", "nn", "Logg inn"),
        ("nb-NO", "nb", "Logg inn"),
        ("sv-SE,sv;q=0.9", "nb", "Logg inn"),  # not translated: bokmål, and lang says so
        ("xx-ÆØ;q=bad,,", "nb", "Logg inn"),
    ],
)
def test_the_login_page_follows_the_browser_only_into_a_translated_language(accept, lang, h1):
    body = Client(HTTP_ACCEPT_LANGUAGE=accept).get(reverse("login")).content.decode()
    assert _lang_and_h1(body) == (lang, h1)
    assert 'action="/i18n/setlang/"' in body, "the switcher is on the login page"


@pytest.mark.django_db
def test_the_switcher_changes_the_language_of_the_login_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    body = client.get(reverse("login")).content.decode()
    assert _lang_and_h1(body) == ("en", "Log in")
    assert "Skip to main content" in body and "Hopp til hovedinnhold" not in body


@pytest.mark.django_db
def test_an_unknown_language_code_keeps_bokmal_and_never_fails(client):
    response = client.post(reverse("set_language"), {"language": "klingon", "next": reverse("login")})
    assert response.status_code == 302
    body = client.get(reverse("login")).content.decode()
    assert _lang_and_h1(body) == ("nb", "Logg inn")


@pytest.mark.django_db
def test_the_switcher_needs_post():
    response = Client().get(reverse("set_language"))
    assert response.status_code == 405


@pytest.mark.django_db
def test_a_persons_choice_is_kept_on_the_user_and_wins_over_the_browser(personas):
    kari = personas["barnehagelaerer"]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.post(reverse("login"), {"username": kari.email, "password": PASSWORD}).status_code == 302
    client.post(reverse("set_language"), {"language": "nn", "next": reverse("home")})
    kari.refresh_from_db()
    assert kari.language == "nn"
    fresh = Client(HTTP_ACCEPT_LANGUAGE="en")
    fresh.post(reverse("login"), {"username": kari.email, "password": PASSWORD})
    body = fresh.get(reverse("home")).content.decode()
    assert _lang_and_h1(body)[0] == "nn"
    assert "Mi side" in body and "Min side</a>" not in body


@pytest.mark.django_db
def test_staff_of_a_nynorsk_kommune_get_nynorsk_unless_they_chose_otherwise(personas):
    kari = personas["barnehagelaerer"]
    kari.kommune.language = "nn"
    kari.kommune.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post(reverse("login"), {"username": kari.email, "password": PASSWORD})
    body = client.get(reverse("home")).content.decode()
    assert _lang_and_h1(body)[0] == "nn"
    assert "Logg ut" in body and "Log out" not in body


@pytest.mark.django_db
def test_a_language_chosen_on_the_login_page_follows_the_person_in(personas):
    kari = personas["barnehagelaerer"]
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    client.post(reverse("login"), {"username": kari.email, "password": PASSWORD})
    body = client.get(reverse("home")).content.decode()
    assert _lang_and_h1(body) == ("en", "My page")
    kari.refresh_from_db()
    assert kari.language == "en"


# The Makefile's MAKEMESSAGES_ARGS (`make messages`); the test below checks they agree.
MAKEMESSAGES_ARGS = [
    "-l",
    "nn",
    "-l",
    "en",
    "--add-location",
    "file",
    "--no-obsolete",
    "--ignore",
    ".venv/*",
    "--ignore",
    "node_modules/*",
    "--ignore",
    "staticfiles/*",
    "--ignore",
    "tests/*",
    "--ignore",
    ".data/*",
]
_SKIP_DIRS = {".venv", "node_modules", "staticfiles", ".git", "test-artifacts", ".data", "bench-results", "tests"}


def _source_copy(target: Path) -> None:
    """What makemessages reads (Python, templates, text) and the catalogues, nothing else."""
    import shutil

    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in _SKIP_DIRS or "__pycache__" in relative.parts or not path.is_file():
            continue
        if path.suffix in {".py", ".html", ".txt", ".po"}:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)


def test_makemessages_would_not_change_the_catalogues(tmp_path):
    """Issue 18 item 5: every marked string is in the catalogues, in makemessages' own
    layout, so `make messages` on main changes nothing (a new string added without its
    entry, or an entry left for a string that is gone, fails here)."""
    import os
    import subprocess
    import sys

    makefile = (ROOT / "Makefile").read_text()
    start = makefile.index("MAKEMESSAGES_ARGS :=")
    rule = makefile[start : makefile.index("\nmessages:", start)]
    for arg in ("--add-location file --no-obsolete", "--ignore '.venv/*'", "--ignore 'tests/*'", "--ignore '.data/*'"):
        assert arg in rule, arg
    copy = tmp_path / "src"
    _source_copy(copy)
    env = {**os.environ, "DEMO_MODE": "1", "DJANGO_SETTINGS_MODULE": "bti.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *MAKEMESSAGES_ARGS, "--verbosity", "0"],
        cwd=copy,
        env=env,
        check=True,
        timeout=300,
    )
    for language in i18n_catalogues.LANGUAGES:
        relative = Path("locale") / language / "LC_MESSAGES" / "django.po"
        committed = (ROOT / relative).read_text(encoding="utf-8")
        extracted = (copy / relative).read_text(encoding="utf-8")
        if committed != extracted:
            import difflib

            diff = "".join(list(difflib.unified_diff(committed.splitlines(True), extracted.splitlines(True), n=0))[:40])
            pytest.fail(f"`make messages` would change {relative} (run it and translate):\n{diff}")


@pytest.mark.django_db
def test_a_person_chooses_their_language_over_the_api(personas, login):
    kari = personas["barnehagelaerer"]
    client = login(kari)
    me = client.get(reverse("api-me")).json()
    assert me["language"] == "" and me["language_shown"] in {"nb", "nn", "en"}
    chosen = client.patch(reverse("api-me"), {"language": "en"}, content_type="application/json")
    assert chosen.status_code == 200 and chosen.json()["language"] == "en" and chosen.json()["language_shown"] == "en"
    assert _lang_and_h1(client.get(reverse("home")).content.decode()) == ("en", "My page")
    bad = client.patch(reverse("api-me"), {"language": "klingon"}, content_type="application/json")
    # the API's error is in the language she chose a moment ago
    assert bad.status_code == 400 and "Choose one of the languages in the list" in str(bad.json())
    kari.refresh_from_db()
    assert kari.language == "en"
    client.patch(reverse("api-me"), {"language": ""}, content_type="application/json")
    kari.refresh_from_db()
    assert kari.language == ""
