#!/usr/bin/env python3
"""Clicks per step of the README walkthrough (`make clicks`, docs/walkthrough.md).

Drives real Chromium (Playwright, ``CHROMIUM_PATH``) through the walkthrough of
tests/e2e/walkthrough.py against a running server on a freshly seeded demo kommune
(`make run`, or `manage.py seed_demo` + runserver), as the demo personas, and prints per
step the clicks (links, buttons, boxes, disclosures; a select counts two), the fields typed
into and the keys pressed besides typing, plus the Tab presses from a case page's load to
its first action. The walkthrough registers a new case (Vilde Aasen): run it once per
seeded database.

    .venv/bin/python scripts/clicks.py                                  # http://127.0.0.1:8000
    .venv/bin/python scripts/clicks.py --base-url http://127.0.0.1:8107 --shots /tmp/shots --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bti.settings")
os.environ.setdefault("DEMO_MODE", "1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--password", default="bti-demo-2026", help="the demo personas' password")
    parser.add_argument("--shots", help="folder for screenshots at 1280 and 390 px")
    parser.add_argument("--json", help="write the numbers to this file too")
    args = parser.parse_args()

    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from bti.personas import PERSONAS
    from tests.e2e.walkthrough import table, walk

    emails = {p.key: p.email for p in PERSONAS}
    shots = Path(args.shots) if args.shots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
        context = browser.new_context(base_url=args.base_url, locale="nb-NO", viewport={"width": 1280, "height": 900})
        page = context.new_page()

        def shoot(name: str) -> None:
            if shots is None:
                return
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})

        w = walk(page, emails, args.password, shoot)
        browser.close()
    rows = table(w)
    print("| trinn | klikk | felt | taster |")
    print("|---|---:|---:|---:|")
    for step, clicks, fields, keys in rows:
        print(f"| {step} | {clicks} | {fields} | {keys} |")
    total = [sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows)]
    print(f"| i alt | {total[0]} | {total[1]} | {total[2]} |")
    print(f"Tab fra sakssiden lastes til første handling: {w.tabs_to_first_action}")
    print(f"Første fokus på sakssiden: {w.focus_after_load.split(chr(10))[0]}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "steps": [dict(zip(("step", "clicks", "fields", "keys"), r, strict=True)) for r in rows],
                    "tabs_to_first_action": w.tabs_to_first_action,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
