"""Texts the system writes into the stafettlogg, stored as an event code and its data and
rendered in the reader's language on read (issue 18, ADR 0030).

An entry written by the system carries ``data["text_code"]`` (a key of ``SYSTEM_TEXTS``) and
``data["text_args"]`` (names, units: data, never translated), and ``text`` holds the same
sentence in bokmål, the source language: the hash chain covers both, search and anything
that reads ``text`` keep working, and a reader in nynorsk or English gets the sentence in
their language from ``entry_text``. Entries without a code — everything people write, and
every row from before the codes — are shown as stored."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

SYSTEM_TEXTS: dict[str, str] = {
    "stafettholder.started": gettext_noop("%(name)s (%(unit)s) er stafettholder."),
    "stafettholder.proposed": gettext_noop("%(actor)s foreslo %(name)s (%(unit)s) som ny stafettholder."),
    "stafettholder.accepted": gettext_noop("%(name)s (%(unit)s) tok imot stafettpinnen."),
    "stafettholder.accepted_from": gettext_noop("%(name)s (%(unit)s) tok imot stafettpinnen fra %(prev)s."),
    "stafettholder.declined": gettext_noop("%(name)s takket nei til å bli stafettholder: %(reason)s"),
    "stafettholder.withdrawn": gettext_noop("Forslaget om %(name)s som stafettholder ble trukket tilbake."),
    "case.transferred": gettext_noop("Saken er overført fra %(from)s til %(to)s."),
    "case.identified": gettext_noop("Barnet er identifisert (tidligere merket «%(label)s»)."),
}


# Arguments that are the case's own words or point at the child (a decline reason someone
# wrote, the child's anonymous label): they go only into ``text``, which is sealed with the
# case's key (bti/sealing.py, ADR 0026), never into ``data``, which is not — after kassasjon
# nothing of them may be left readable. A reader in another language then gets the stored
# bokmål sentence (``entry_text`` falls back when an argument is missing).
PRIVATE_ARGS = frozenset({"reason", "label"})


def system_text(code: str, **args: Any) -> tuple[str, dict[str, Any]]:
    """The bokmål text to store and the data that lets it be rendered in any language."""
    clean = {name: str(value) for name, value in args.items()}
    stored = {name: value for name, value in clean.items() if name not in PRIVATE_ARGS}
    return SYSTEM_TEXTS[code] % clean, {"text_code": code, "text_args": stored}


def entry_text(text: str, data: dict[str, Any] | None) -> str:
    """What a reader sees of an entry's text: a system text in the active language, anything
    else (and a code or arguments this version does not know) exactly as stored."""
    code = (data or {}).get("text_code")
    args = (data or {}).get("text_args")
    if not isinstance(code, str) or code not in SYSTEM_TEXTS or not isinstance(args, dict):
        return text
    try:
        return gettext(SYSTEM_TEXTS[code]) % args
    except (KeyError, ValueError, TypeError):
        return text
