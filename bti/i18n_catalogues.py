"""The translation catalogues (locale/nn, locale/en): their state and their compiled files.

Bokmål is the source language (the msgids); nn and en must translate every entry, with
the same placeholders, and none may be fuzzy (ADR 0030). Used by the guard tests and by
``scripts/untranslated.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("nn", "en")
_PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[a-z_][a-z0-9_]*\}")


LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


@dataclass
class Report:
    translated: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    bad_placeholders: list[str] = field(default_factory=list)


def _label(entry: object) -> str:
    context = getattr(entry, "msgctxt", None)
    msgid = getattr(entry, "msgid", "")
    return f"{context}|{msgid}" if context else msgid


def check(language: str) -> Report:
    """Untranslated, fuzzy and placeholder-mismatched entries of one catalogue."""
    import polib  # type: ignore[import-untyped]

    report = Report()
    for entry in polib.pofile(str(po_path(language))):
        if entry.obsolete:
            continue
        if entry.fuzzy:
            report.fuzzy.append(_label(entry))
            continue
        if not entry.translated():
            report.untranslated.append(_label(entry))
            continue
        report.translated += 1
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural if n else entry.msgid, text) for n, text in entry.msgstr_plural.items()]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            if set(placeholders(source)) != set(placeholders(text)):
                report.bad_placeholders.append(f"{_label(entry)} → {text}")
                break
    return report


def compile_stale() -> list[Path]:
    """Write each catalogue's .mo when it is missing or older than its .po (tests and
    `manage.py` runs without `make`); `make deps` does the same with msgfmt."""
    import polib

    written = []
    for language in LANGUAGES:
        po = po_path(language)
        mo = po.with_suffix(".mo")
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            polib.pofile(str(po)).save_as_mofile(str(mo))
            written.append(mo)
    return written
