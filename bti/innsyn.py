"""The innsynslogg hook: every read of a child's or a case's data by a person is
recorded here, in the same request (DESIGN.md invariant 5).

Views, API endpoints, PDFs and exports call ``record_access`` once per object read,
after the access policy has granted the read. The consent/innsynslogg issue (#6)
replaces the body with the append-only ``AccessLogEntry`` write; callers stay as they are.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

# How the data was read.
PAGE = "page"
API = "api"
PDF = "pdf"
EXPORT = "export"
SEARCH = "search"


def record_access(
    *,
    user: Any,
    obj_type: str,
    obj_id: int | None,
    case: Any = None,
    child_id: int | None = None,
    how: str = PAGE,
    request: HttpRequest | None = None,
    reason: str = "",
) -> None:
    """Record that ``user`` read ``obj_type``/``obj_id`` (of ``case``/``child``). Not yet stored."""
    return None
