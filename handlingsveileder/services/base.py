"""Shared rules for text, links and deadlines, and the kommune's level names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from handlingsveileder.models import (
    DEFAULT_LEVEL_LABELS,
    LevelLabel,
)

EXPORT_FORMAT = "bti-handlingsveileder"
EXPORT_FORMAT_VERSION = 1
IMPORT_MAX_BYTES: int = getattr(settings, "HANDLINGSVEILEDER_IMPORT_MAX_BYTES", 200 * 1024)
TOOL_MAX_BYTES: int = getattr(settings, "HANDLINGSVEILEDER_TOOL_MAX_BYTES", 10 * 1024 * 1024)
MAX_DEADLINE_DAYS = 365

# Allowed uploads: extension -> (content type, magic bytes it must start with, or None for text).
TOOL_FILE_TYPES: dict[str, tuple[str, bytes | None]] = {
    "pdf": ("application/pdf", b"%PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK\x03\x04"),
    "odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    "doc": ("application/msword", b"\xd0\xcf\x11\xe0"),
    "png": ("image/png", b"\x89PNG"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "txt": ("text/plain; charset=utf-8", None),
}

_http_url = URLValidator(schemes=["http", "https"])


# --- Small helpers ---------------------------------------------------------------------


def clean_text(value: Any, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    """Plain text, kept exactly as typed («Deling <med> leder» stays so): it is escaped
    wherever it is shown (templates autoescape) and never rendered as HTML, so nothing is
    stripped. Only NUL bytes go and the ends are trimmed."""
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: _("Skriv %(label)s.") % {"label": label}})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("%(label)s kan være høyst %(max)s tegn.") % {"label": label.capitalize(), "max": max_length}}
        )
    return text


def clean_checklist(value: Any) -> list[str]:
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    items = [clean_text(line, field="checklist", label=_("punktet"), max_length=200) for line in lines]
    items = [item for item in items if item]
    if len(items) > 30:
        raise ValidationError({"checklist": _("Sjekklisten kan ha høyst 30 punkter.")})
    return items


def clean_nn_texts(
    *, title_nn: Any, summary_nn: Any, what_nn: Any, how_nn: Any, who_nn: Any, checklist_nn: Any
) -> dict[str, Any]:
    """The optional nynorsk texts of a trinn (ADR 0030). The nynorsk checklist, when given,
    has as many points as the bokmål one: a case's ticks are stored by the point's number."""
    values: dict[str, Any] = {
        "title_nn": clean_text(title_nn, field="title_nn", label=_("tittelen på nynorsk"), max_length=120),
        "summary_nn": clean_text(
            summary_nn, field="summary_nn", label=_("kort beskrivelse på nynorsk"), max_length=300
        ),
        "what_nn": clean_text(what_nn, field="what_nn", label=_("hva på nynorsk"), max_length=4000),
        "how_nn": clean_text(how_nn, field="how_nn", label=_("hvordan på nynorsk"), max_length=4000),
        "who_nn": clean_text(who_nn, field="who_nn", label=_("hvem på nynorsk"), max_length=200),
    }
    try:
        values["checklist_nn"] = clean_checklist(checklist_nn)
    except ValidationError as exc:
        raise ValidationError({"checklist_nn": exc.message_dict["checklist"]}) from None
    return values


def check_nn_checklist(checklist: list[str], checklist_nn: list[str]) -> None:
    if checklist_nn and len(checklist_nn) != len(checklist):
        raise ValidationError(
            {
                "checklist_nn": _(
                    "Sjekklisten på nynorsk må ha like mange punkter som den på bokmål (%(count)s), eller stå tom."
                )
                % {"count": len(checklist)}
            }
        )


def clean_deadline(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"deadline_days": _("Fristen må være et helt antall dager.")}) from None
    if days < 0:
        raise ValidationError({"deadline_days": _("Fristen kan ikke være negativ. Skriv 0 eller flere dager.")})
    if days > MAX_DEADLINE_DAYS:
        raise ValidationError(
            {"deadline_days": _("Fristen kan være høyst %(max)s dager.") % {"max": MAX_DEADLINE_DAYS}}
        )
    return days


def clean_url(value: Any, field: str = "url") -> str:
    url = str(value or "").strip()
    if not url:
        return ""
    scheme = url.split(":", 1)[0].lower().strip() if ":" in url else ""
    if scheme not in {"http", "https"}:
        raise ValidationError(
            {field: _("Lenken må begynne med https:// eller http://. Andre typer lenker er ikke tillatt.")}
        )
    try:
        _http_url(url)
    except ValidationError:
        raise ValidationError({field: _("Lenken er ikke en gyldig nettadresse.")}) from None
    return url


def level_labels(kommune_id: int) -> dict[int, str]:
    labels = dict(DEFAULT_LEVEL_LABELS)
    labels.update(dict(LevelLabel.objects.filter(kommune_id=kommune_id).values_list("level", "label")))
    return labels
