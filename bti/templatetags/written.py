"""``{{ step|written:"title" }}``: the kommune's own text in the reader's language (ADR 0030)."""

from __future__ import annotations

from typing import Any

from django import template

from bti.languages import written as written_text

register = template.Library()


@register.filter
def written(obj: Any, field: str) -> Any:
    return written_text(obj, field)
