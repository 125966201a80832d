"""Errors service functions raise; views show them next to the field, the API as 4xx."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """Somebody else changed the object since the user loaded it (optimistic check)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "Saken er endret av noen andre siden du åpnet den. Last inn siden på nytt, se hva som er endret, og prøv igjen.",
            code="conflict",
        )
