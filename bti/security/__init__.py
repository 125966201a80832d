"""Login and security hardening: MFA, step-up, OIDC, lockout, audit, sessions, uploads.

Import ``require_recent_auth`` from here to guard a sensitive action (export, printing a
whole stafettlogg, an innsyn package, user administration)::

    from bti.security import require_recent_auth

    @object_policy
    @require_recent_auth
    def export_case(request, case_id): ...
"""

from __future__ import annotations

from bti.security.stepup import require_recent_auth

__all__ = ["require_recent_auth"]
