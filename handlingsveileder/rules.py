"""Who may read and edit a handlingsveileder.

Guides are not personal data: every person working in a kommune may read its published
guides. Editing belongs to the fagadministratorer of the guide's service, granted as a
django-guardian object permission on the ``Handlingsveileder`` (see
``services.grant_editors``), and to system administrators of the kommune.
"""

from __future__ import annotations

from typing import Any

from handlingsveileder.models import GuideVersion, Handlingsveileder

EDIT_PERM = "handlingsveileder.edit_guide"


def may_read(user: Any, guide: Handlingsveileder) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.kommune_id == guide.kommune_id)


def may_edit(user: Any, guide: Handlingsveileder) -> bool:
    if not may_read(user, guide):
        return False
    if user.is_staff:
        return True
    return bool(user.has_perm(EDIT_PERM, guide))


def may_read_version(user: Any, version: GuideVersion) -> bool:
    """Published and retired versions: all staff of the kommune; drafts: the editors."""
    if version.is_draft:
        return may_edit(user, version.guide)
    return may_read(user, version.guide)
