"""The README walkthrough («Try the case flow») as one Playwright script, step by step, on
the seeded demo kommune. Used twice: by the «Done when» browser test
(tests/e2e/test_walkthrough.py, which asserts what each persona sees) and by
``scripts/clicks.py`` (``make clicks``), which runs it against a running server and
writes the clicks per step to docs/walkthrough.md.

Every user act goes through ``Walk``, which counts it for the current step: a *click*
(a link, a button, a checkbox or radio button, a disclosure, or one choice in a select:
two clicks, open and choose), a *field* typed into, and the *keys* pressed besides typing
(Tab to reach something). Typing itself is not counted: the text is the work."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from demo.scale import synthetic_fnr

STEPS = [
    "undring",
    "konkretisering",
    "deling",
    "beslutning",
    "stafettholder",
    "mål",
    "tiltak",
    "møte",
    "evaluering",
    "samtykke",
]


@dataclass
class Count:
    clicks: int = 0
    fields: int = 0
    keys: int = 0


@dataclass
class Walk:
    page: Any
    password: str
    counts: dict[str, Count] = field(default_factory=dict)
    step: str = ""
    # Tab presses from the case page's load to the first action («Hva kan du gjøre nå?»).
    tabs_to_first_action: int = -1
    # Called at the places the test takes screenshots (name); the script passes nothing.
    shoot: Callable[[str], None] = lambda name: None
    notices: list[str] = field(default_factory=list)
    # What has focus right after the new case page loads (tag and text), and the URLs made.
    focus_after_load: str = ""
    case_url: str = ""
    meeting_url: str = ""

    def begin(self, step: str) -> None:
        assert step in STEPS, step
        self.step = step
        self.counts[step] = Count()

    def _count(self) -> Count:
        return self.counts.setdefault(self.step or "innlogging", Count())

    def click(self, locator: Any) -> None:
        locator.click()
        self._count().clicks += 1

    def check(self, locator: Any) -> None:
        locator.check()
        self._count().clicks += 1

    def select(self, locator: Any, **choice: Any) -> None:
        locator.select_option(**choice)
        self._count().clicks += 2

    def fill(self, locator: Any, text: str) -> None:
        locator.fill(text)
        self._count().fields += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self._count().keys += 1

    # --- helpers ---------------------------------------------------------------------

    def log_in(self, email: str) -> None:
        """Not counted: every walkthrough starts logged in."""
        page = self.page
        page.context.clear_cookies()
        page.goto("/logg-inn/")
        page.get_by_label("E-post").fill(email)
        page.get_by_label("Passord").fill(self.password)
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_load_state()

    def open_action(self, title: str, key: str) -> Any:
        self.click(self.page.locator("summary", has_text=title))
        self.page.locator(f"#form-{key}:not(.htmx-added) > form").wait_for(state="attached")
        return self.page.locator(f"#form-{key}")

    def wait_for_flash(self, text: str) -> str:
        flash = self.page.locator("#meldinger", has_text=text)
        flash.wait_for()
        body = self.page.locator("body").inner_text()
        self.notices.append(body)
        return body

    def sub_nav(self, name: str) -> None:
        self.click(self.page.get_by_role("navigation", name="Saken").get_by_role("link", name=name, exact=True))
        self.page.wait_for_load_state()

    def count_tabs_to_first_action(self, limit: int = 120) -> int:
        """From the top of a freshly loaded case page, Tab until focus is in «Hva kan du gjøre nå?»."""
        page = self.page
        page.evaluate("document.activeElement && document.activeElement.blur()")
        for n in range(1, limit + 1):
            page.keyboard.press("Tab")
            if page.evaluate("!!document.activeElement.closest('.case-actions')"):
                return n
        return -1


def walk(page: Any, emails: dict[str, str], password: str, shoot: Callable[[str], None] | None = None) -> Walk:
    """The walkthrough: Kari Nordmann (barnehage) from a new undring to a nivå 2 case with a
    plan, a meeting, an evaluation and the family's consent for PPT; Lise Berg (styrer)
    takes over as stafettholder. ``emails`` by persona key."""
    w = Walk(page=page, password=password)
    if shoot is not None:
        w.shoot = shoot
    today = timezone.localdate()
    w.log_in(emails["barnehagelaerer"])
    page.get_by_role("link", name="Mine saker").first.click()
    page.wait_for_load_state()
    w.shoot("mine-saker")

    w.begin("undring")
    w.click(page.get_by_role("link", name="Ny undring").first)
    w.fill(
        page.get_by_label("Hva har du sett eller hørt?"),
        "Vilde sitter ofte alene ved måltidene og spiser lite. Hva kan ligge bak?",
    )
    w.fill(page.get_by_label("Initialer eller intern referanse"), "V.A.")
    w.click(page.get_by_role("button", name="Registrer undringen"))
    page.wait_for_url(re.compile(r"/saker/\d+/$"))
    case_url = page.url
    w.case_url = case_url
    w.focus_after_load = page.evaluate("document.activeElement.tagName + ':' + document.activeElement.innerText")
    w.shoot("sak")
    page.reload()
    w.tabs_to_first_action = w.count_tabs_to_first_action()

    w.begin("konkretisering")
    form = w.open_action("Konkretisering", "konkretisering")
    w.fill(form.get_by_label("Observasjoner"), "Mandag og onsdag: spiste to skiver av fem. Satt alene begge dager.")
    w.click(form.get_by_role("button", name="Lagre observasjonene"))
    w.wait_for_flash("Loggføringen er lagret")

    w.begin("deling")
    form = w.open_action("Deling", "deling")
    w.check(form.get_by_label("Foresatte"))
    w.check(form.get_by_label("Leder"))
    w.fill(form.get_by_label("Hva kom fram?"), "Mor har sett det samme hjemme og vil gjerne samarbeide.")
    w.click(form.get_by_role("button", name="Lagre delingen"))
    w.wait_for_flash("Delingen er loggført")

    w.begin("beslutning")
    form = w.open_action("Beslutning på nivå 0", "beslutning")
    w.check(form.get_by_label("Gå videre til nivå 2"))
    w.fill(form.get_by_label("Begrunnelse"), "Foreldrene ønsker samarbeid med helsestasjonen og PPT.")
    w.fill(form.get_by_label("Barnets navn"), "Vilde Aasen")
    w.fill(form.get_by_label("Fødselsnummer eller D-nummer"), synthetic_fnr(7, date(2021, 3, 14)))
    w.click(form.get_by_role("button", name="Lagre beslutningen"))
    w.wait_for_flash("Beslutningen er loggført")

    w.begin("stafettholder")
    form = w.open_action("Foreslå ny stafettholder", "foresla")
    w.fill(form.get_by_label("Finn personen"), "Lise")
    w.check(form.get_by_label(re.compile(r"^Lise Berg – Lia barnehage")))
    w.fill(form.get_by_label("Melding til personen"), "Kan du ta stafettpinnen? Du kjenner familien.")
    w.click(form.get_by_role("button", name="Send forslaget"))
    w.wait_for_flash("Forslaget er sendt")
    w.log_in(emails["styrer"])
    w.click(page.get_by_role("link", name="Mine saker").first)
    w.click(page.get_by_role("link", name="Vilde Aasen").first)
    w.click(page.get_by_role("button", name="Godta og bli stafettholder"))
    w.wait_for_flash("Du er nå stafettholder")
    w.log_in(emails["barnehagelaerer"])
    page.goto(case_url)

    w.begin("mål")
    w.sub_nav("Plan og tiltak")
    w.click(page.get_by_role("link", name="Nytt mål"))
    w.fill(page.get_by_label("Mål", exact=True), "Vilde spiser sammen med de andre barna ved lunsj.")
    w.fill(page.get_by_label("Utarbeidet sammen med"), "mor og Vilde")
    w.click(page.get_by_role("button", name="Lagre mål"))
    page.wait_for_load_state()

    w.begin("tiltak")
    w.click(page.get_by_role("link", name="Nytt tiltak").first)
    w.fill(page.get_by_label("Beskrivelse av tiltaket"), "Fast voksen ved bordet hver lunsj.")
    w.select(page.get_by_label("Ansvarlig person"), label="Kari Nordmann (Lia barnehage)")
    w.fill(page.get_by_label("Startdato"), today.isoformat())
    w.fill(page.get_by_label("Evalueringsdato"), (today + timedelta(days=28)).isoformat())
    w.click(page.get_by_role("button", name="Lagre tiltak"))
    page.wait_for_load_state()

    w.begin("møte")
    w.sub_nav("Samarbeidsmøter")
    when = (timezone.localtime() + timedelta(days=7)).replace(hour=9, minute=0)
    w.fill(page.get_by_label("Tidspunkt"), when.strftime("%Y-%m-%dT%H:%M"))
    w.fill(page.get_by_label("Sted"), "Lia barnehage, møterom 1")
    w.check(page.get_by_label("Lise Berg (Lia barnehage)"))
    w.fill(page.get_by_label("Saksliste"), "1. Hvordan har Vilde det ved måltidene\n2. Tiltaket")
    w.click(page.get_by_role("button", name="Planlegg møtet"))
    page.wait_for_load_state()
    w.meeting_url = page.url

    w.begin("evaluering")
    w.sub_nav("Plan og tiltak")
    w.shoot("plan")
    w.click(page.get_by_role("link", name="Evaluer").first)
    w.fill(page.get_by_label("Hva har skjedd"), "Vilde spiser mer når en voksen sitter ved bordet.")
    w.fill(page.get_by_label("Barnets stemme"), "Vilde sier: «Det er koseligere når du sitter der.»")
    w.fill(page.get_by_label("Foreldrenes syn"), "Mor merker at hun er mer sulten etter barnehagen.")
    w.select(page.get_by_label("Beslutning", exact=True), value="fortsette")
    w.fill(page.get_by_label("Neste evalueringsdato", exact=False), (today + timedelta(days=30)).isoformat())
    w.click(page.get_by_role("button", name="Lagre evaluering"))
    page.wait_for_load_state()

    w.begin("samtykke")
    page.goto(case_url)
    form = w.open_action("Legg til foresatt", "foresatt")
    w.fill(form.get_by_label("Navn"), "Hege Aasen")
    w.fill(form.get_by_label("Relasjon til barnet"), "mor")
    w.check(form.get_by_label("Har foreldreansvar"))
    w.click(form.get_by_role("button", name="Lagre foresatt"))
    page.wait_for_load_state()
    w.sub_nav("Samtykke og involverte")
    w.click(page.get_by_role("link", name="Registrer samtykke eller avslag"))
    w.shoot("samtykke-skjema")
    w.check(page.get_by_label("Hege Aasen (mor)"))
    w.check(page.get_by_label("PPT Eksempel (PPT)"))
    w.check(page.get_by_label("Stafettlogg", exact=True))
    w.check(page.get_by_label("Plan og tiltak"))
    w.fill(page.get_by_label("Formål: hvorfor det deles"), "Vurdering av behov for spesialpedagogisk hjelp")
    w.check(page.get_by_label("Skriftlig"))
    w.fill(page.get_by_label("Barnets syn"), "Vilde vil at de voksne skal hjelpe henne.")
    w.check(page.get_by_label("Den som samtykker er informert"))
    w.click(page.get_by_role("button", name="Registrer"))
    page.wait_for_load_state()
    w.step = ""
    return w


def table(w: Walk) -> list[tuple[str, int, int, int]]:
    return [(s, w.counts[s].clicks, w.counts[s].fields, w.counts[s].keys) for s in STEPS if s in w.counts]
