"""Every state change of handlingsveiledere and of a case's progress on its trinn.

Guide edits check ``rules.may_edit`` and refuse anything but a draft (the database
refuses it too, migration 0002). Case changes fetch the case through
``bti.policy.access_case(..., for_update=True)`` and write a stafettlogg entry in the
same transaction.
"""

from __future__ import annotations

from handlingsveileder.services.base import (
    EXPORT_FORMAT,
    EXPORT_FORMAT_VERSION,
    IMPORT_MAX_BYTES,
    MAX_DEADLINE_DAYS,
    TOOL_FILE_TYPES,
    TOOL_MAX_BYTES,
    clean_checklist,
    clean_deadline,
    clean_text,
    clean_url,
    level_labels,
)
from handlingsveileder.services.cases import (
    attach_guide,
    case_move_to_version,
    step_checklist_save,
    step_complete,
    step_skip,
)
from handlingsveileder.services.editor import (
    draft_create,
    level_labels_save,
    publish_problems,
    step_move,
    step_remove,
    step_save,
    tool_add,
    tool_remove,
    version_publish,
)
from handlingsveileder.services.exchange import (
    version_export,
    version_import,
)
from handlingsveileder.services.setup import (
    effective_version,
    ensure_kommune_default,
    grant_editors,
    guide_for_service,
    kommune_setup,
    published_version,
)

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_FORMAT_VERSION",
    "IMPORT_MAX_BYTES",
    "MAX_DEADLINE_DAYS",
    "TOOL_FILE_TYPES",
    "TOOL_MAX_BYTES",
    "attach_guide",
    "case_move_to_version",
    "clean_checklist",
    "clean_deadline",
    "clean_text",
    "clean_url",
    "draft_create",
    "effective_version",
    "ensure_kommune_default",
    "grant_editors",
    "guide_for_service",
    "kommune_setup",
    "level_labels",
    "level_labels_save",
    "publish_problems",
    "published_version",
    "step_checklist_save",
    "step_complete",
    "step_move",
    "step_remove",
    "step_save",
    "step_skip",
    "tool_add",
    "tool_remove",
    "version_export",
    "version_import",
    "version_publish",
]
