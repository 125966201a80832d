"""Sealed text (bti/sealing.py) is ciphertext in the database, so tests cannot filter on
it: they open the rows and compare in Python."""

from __future__ import annotations

from typing import Any


def rows_with(qs: Any, field: str, *, equals: str | None = None, contains: str | None = None) -> list[Any]:
    """The rows of ``qs`` whose opened ``field`` equals (or contains, or starts with) the text."""
    found = []
    for row in qs:
        value = str(getattr(row, field) or "")
        if (equals is not None and value == equals) or (contains is not None and contains in value):
            found.append(row)
    return found


def one_with(qs: Any, field: str, **kw: str) -> Any:
    rows = rows_with(qs, field, **kw)
    assert len(rows) == 1, f"{len(rows)} rows with {field} {kw}"
    return rows[0]
