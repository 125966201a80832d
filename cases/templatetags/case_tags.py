"""Small display helpers for case templates."""

from __future__ import annotations

from typing import Any

from django import template

from cases.services import SHARING_WITH

register = template.Library()


@register.filter
def sharing_labels(data: Any) -> str:
    """«Leder, Foresatte» from a deling entry's structured data."""
    chosen = (data or {}).get("with", []) if isinstance(data, dict) else []
    return ", ".join(SHARING_WITH.get(key, key) for key in chosen)
