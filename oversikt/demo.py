"""The demo kommune's overview (``manage.py seed_demo``): after the other seeders wrote
their cases, the oppfølgingsbrudd rules run once (the «evaluering forfalt» alarm for Elias
Moen's tiltak) and the summary rows are built, so the leader overview shows the cases at once."""

from __future__ import annotations

from typing import Any

from oversikt import facts, services


def seed_overview(people: dict[str, Any]) -> int:
    kommune_id = people["barnehagelaerer"].kommune_id
    services.detect_followup_breaks(kommune_id=kommune_id)
    facts.refresh_facts(kommune_id=kommune_id)
    return 0
