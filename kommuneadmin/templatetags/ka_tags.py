"""Template filters of the administration pages."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def pretty_json(value: Any) -> str:
    """A security event's detail as indented JSON (escaped by the template as usual)."""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)
