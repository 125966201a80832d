"""Issue 17 «Done when», in real Chromium on the seeded demo kommune: the README
walkthrough (tests/e2e/walkthrough.py) as each persona. Every nivå 0 step ticks its trinn
by doing the action; the case page's first focus is its h1; the PPT adviser finds the case
under «Saker delt med oss» and has a notification; the meeting's .ics parses; the demo's
«evaluering forfalt» alarm is there for Elias Moen's tiltak; screenshots at 1280 and 390 px
of Mine saker, the case page, the plan and the consent form (in the test's tmp dir)."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from bti.personas import PERSONAS
from demo.seed import seed_demo_workload
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible
from tests.e2e.walkthrough import STEPS, table, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_readme_walkthrough_on_the_seeded_demo(page, personas, tmp_path):
    seed_demo_workload(personas)  # the demo kommune's twenty cases, as `make run` gives them
    emails = {p.key: p.email for p in PERSONAS}

    def shoot(name: str) -> None:
        width = page.viewport_size["width"] if page.viewport_size else 1280
        for w in (1280, 390):
            page.set_viewport_size({"width": w, "height": 900})
            page.screenshot(path=str(tmp_path / f"{name}-{w}.png"), full_page=True)
        page.set_viewport_size({"width": width, "height": 900})

    page.emulate_media(reduced_motion="reduce")
    w = walk(page, emails, PASSWORD, shoot)
    assert [s for s in STEPS if s not in w.counts] == []
    print("clicks per step:", table(w), "tabs to first action:", w.tabs_to_first_action)

    # The case page's first focus is its h1, and the actions come before the trinn and the log.
    assert w.focus_after_load.startswith("H1:Anonym: V.A."), w.focus_after_load
    assert 0 < w.tabs_to_first_action <= 25, w.tabs_to_first_action
    # Every nivå 0 action ticked its trinn, and said so.
    said = "\n".join(w.notices)

    for trinn in ("Konkretisering", "Deling", "Beslutning"):
        assert f"Trinnet «{trinn}» på nivå 0 er krysset av" in said, trinn
    # The plan's actions tick the trinn of nivå 2 the same way (the trinn page shows the level now).
    page.goto(w.case_url + "trinn/")
    steps = page.locator("main").inner_text()
    assert "Krysset av da et mål er lagt inn i planen." in steps

    # The meeting's invitation opens in a calendar parser.
    page.goto(w.meeting_url)
    ics = page.request.get(page.get_by_role("link", name="kalender", exact=False).first.get_attribute("href"))
    assert ics.status == 200
    event = next(iter(Calendar.from_ical(ics.body()).walk("VEVENT")))
    assert event.get("dtstart") is not None and "Vilde" not in ics.text()

    # The demo's overdue evaluation (Elias Moen's tiltak) raised the alarm, told to Kari.
    page.goto("/varsler/")
    assert "Evaluering av tiltak har passert fristen" in page.locator("main").inner_text()

    # PPT finds the case under «Saker delt med oss», with a notification that it was shared.
    w.log_in(emails["ppt"])
    page.get_by_role("link", name="Saker delt med oss").first.click()
    page.wait_for_load_state()
    assert "Vilde Aasen" in page.locator("main").inner_text()
    assert_accessible(page, "Saker delt med oss (PPT)")
    page.get_by_role("link", name="Varsler").first.click()
    page.wait_for_load_state()
    case_no = w.case_url.rstrip("/").rsplit("/", 1)[1]
    assert case_no in page.locator("main").inner_text()
    for name in ("mine-saker", "sak", "plan", "samtykke-skjema"):
        for width in (1280, 390):
            assert (tmp_path / f"{name}-{width}.png").stat().st_size > 10_000, name
    assert not page.js_errors, page.js_errors
