"""Filters for the individuell plan summary, whose values are JSON-ready (ISO dates, codes)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

register = template.Library()


@register.filter
def dato(value: Any) -> str:
    """An ISO date as Norwegian «01.08.2026» (empty stays empty)."""
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)


@register.filter
def tiltak_status(value: Any) -> str:
    from samarbeid.models import MeasureStatus

    try:
        return str(MeasureStatus(value).label)
    except ValueError:
        return str(value)
