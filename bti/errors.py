"""Errors service functions raise; views show them next to the field, the API as 4xx."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext


class ConflictError(ValidationError):
    """Somebody else changed the object since the user loaded it (optimistic check)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "Saken er endret av noen andre siden du åpnet den. Last inn siden på nytt, se hva som er endret, og prøv igjen.",
            code="conflict",
        )


class CaseGone(Exception):
    """The case was deleted (kassasjon) at the end of its retention: its key is destroyed
    and every case route answers 410 with the rule (docs/adr/0026). Raised where the case
    is loaded (``bti.policy.access_case``, the family's gate), never by a middleware query."""

    status_code = 410

    def __init__(self, case_id: int, note: str, when: datetime | None) -> None:
        super().__init__(f"case {case_id} is shredded")
        self.case_id = case_id
        self.note = note
        self.when = when

    @property
    def message(self) -> str:
        day = formats.date_format(timezone.localtime(self.when), "j. F Y") if self.when else "–"
        return gettext("Saken er slettet etter regel %(rule)s den %(date)s. Innholdet kan ikke leses lenger.") % {
            "rule": self.note or "–",
            "date": day,
        }
