"""The innsynslogg hook: every read of a child's or a case's data by a person is
recorded here, in the same request (DESIGN.md invariant 5).

Views, API endpoints, PDFs and exports call ``record_access`` once per object read,
after the access policy has granted the read. The row is an ``AccessLogEntry``
(append-only, a trigger refuses UPDATE and DELETE). The cost per request is one
membership lookup (``bti.policy.memberships``, once per request) and one INSERT; ``manage.py bench_accesslog``
measures it.
"""

from __future__ import annotations

from typing import Any

from bti.models import AccessLogEntry

# How the data was read.
PAGE = "page"
API = "api"
PDF = "pdf"
EXPORT = "export"
SEARCH = "search"


def acting_membership(user: Any, case: Any = None) -> tuple[int | None, str]:
    """The unit and role a user reads a case as: the owning unit if they belong to it,
    else their first unit (the one a leader's review compares with the owner)."""
    from bti.policy import memberships

    rows = memberships(user)
    if not rows:
        return None, ""
    owner = getattr(case, "owner_unit_id", None)
    for unit_id, role in rows:
        if unit_id == owner:
            return unit_id, role
    return rows[0]


def record_access(
    *,
    user: Any,
    obj_type: str,
    obj_id: int | None,
    case: Any = None,
    child_id: int | None = None,
    how: str = PAGE,
    reason: str = "",
    purpose: str = "",
) -> None:
    """Record that ``user`` read ``obj_type``/``obj_id`` (of ``case``/``child``)."""
    if not getattr(user, "is_authenticated", False):
        return
    unit_id, role = acting_membership(user, case)
    if child_id is None and case is not None:
        child_id = getattr(case, "child_id", None)
    kommune_id = getattr(case, "kommune_id", None) or user.kommune_id
    if kommune_id is None:
        return
    AccessLogEntry.objects.create(
        kommune_id=kommune_id,
        user_id=user.pk,
        role=role,
        unit_id=unit_id,
        obj_type=obj_type[:40],
        obj_id=obj_id,
        case_id=getattr(case, "pk", None),
        child_id=child_id,
        how=how,
        reason=reason[:200],
        purpose=purpose[:20],
    )


def record_many(
    *,
    user: Any,
    cases: Any,
    how: str,
    obj_type: str = "case",
    purpose: str = "",
) -> None:
    """Record one read per case of ``cases`` (a list's rows, a search's hits) in one bulk
    INSERT; the acting unit is chosen per case as in ``record_access``. With ``obj_type``
    «child» the rows are children (no case)."""
    if not getattr(user, "is_authenticated", False):
        return
    rows = []
    is_child = obj_type == "child"
    for case in cases:
        kommune_id = getattr(case, "kommune_id", None) or user.kommune_id
        if kommune_id is None:
            continue
        unit_id, role = acting_membership(user, None if is_child else case)
        rows.append(
            AccessLogEntry(
                kommune_id=kommune_id,
                user_id=user.pk,
                role=role,
                unit_id=unit_id,
                obj_type=obj_type[:40],
                obj_id=case.pk,
                case_id=None if is_child else case.pk,
                child_id=case.pk if is_child else getattr(case, "child_id", None),
                how=how,
                purpose=purpose[:20],
            )
        )
    if rows:
        # One multi-row INSERT is atomic by itself; ``bulk_create`` would wrap it in a
        # transaction (BEGIN and COMMIT: two more round trips on every list request).
        fields = [f for f in AccessLogEntry._meta.concrete_fields if not f.primary_key]
        AccessLogEntry.objects.all()._insert(rows, fields=fields)  # type: ignore[attr-defined]
