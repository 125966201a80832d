"""The actions that can fulfil a trinn, and how an action is read off the stafettlogg entry
it writes (issue 17, item 1). A trinn names its actions in ``Step.completed_by_actions``;
``services.cases.tick_steps_for_entry`` ticks it when one of them is done."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from stafettlogg.models import EntryKind

ACTIONS: dict[str, Any] = {
    "konkretisering": _("konkretiseringen er skrevet"),
    "deling": _("delingen er registrert"),
    "beslutning": _("beslutningen på nivå 0 er tatt"),
    "mal": _("et mål er lagt inn i planen"),
    "tiltak_startet": _("et tiltak er startet"),
    "evaluering": _("et tiltak er evaluert"),
    "nivabeslutning": _("beslutningen om nivå er tatt"),
}


def clean_actions(raw: Any) -> list[str]:
    """The known action codes of ``raw`` in order, each once; anything else is dropped."""
    if not isinstance(raw, list | tuple):
        return []
    return [code for code in dict.fromkeys(str(c) for c in raw) if code in ACTIONS]


def action_of(entry: Any, case_level: int) -> tuple[str, int] | None:
    """The action an entry records and the level of the trinn it fulfils, or None."""
    data = entry.data or {}
    event = data.get("event")
    if entry.kind == EntryKind.KONKRETISERING:
        return "konkretisering", case_level
    if entry.kind == EntryKind.DELING:
        return "deling", case_level
    if entry.kind in {EntryKind.BESLUTNING, EntryKind.NIVAENDRING}:
        from_level = int(data.get("from_level", case_level))
        return ("beslutning" if from_level == 0 else "nivabeslutning"), from_level
    if entry.kind == EntryKind.AVSLUTNING:
        return ("beslutning" if case_level == 0 else "nivabeslutning"), case_level
    if event == "goal_created":
        return "mal", case_level
    started = (event == "measure_created" and data.get("started")) or (
        event == "measure_status" and data.get("status") == "pagar"
    )
    if started:
        return "tiltak_startet", case_level
    if event == "evaluation":
        return "evaluering", case_level
    return None
