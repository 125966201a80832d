"""Panels on Min side contributed by feature apps (the core imports no feature app).

An app registers a function in its ``AppConfig.ready``; the function gets the request and
returns ``(template name, context)`` or None when it has nothing to show to this user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

Panel = Callable[[HttpRequest], tuple[str, dict[str, Any]] | None]

PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in PANELS:
        PANELS.append(panel)


def render_panels(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    return [shown for panel in PANELS if (shown := panel(request)) is not None]
