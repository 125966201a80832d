"""Deploy checks (``manage.py check --deploy``) for the security settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning
from django.core.checks import register as register_check_fn


def field_encryption_keys(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if not settings.FIELD_ENCRYPTION_KEYS_FROM_ENV:
        return [
            Warning(
                "FIELD_ENCRYPTION_KEYS is not set: fødselsnummer is encrypted with a key derived from SECRET_KEY.",
                hint="Set FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE) to Fernet keys, newest first.",
                id="bti.W801",
            )
        ]
    return []


def mfa_required(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if not settings.MFA_REQUIRED:
        return [Warning("MFA_REQUIRED is off: staff can log in with a password alone.", id="bti.W802")]
    return []


def log_integrity_keys(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if not settings.LOG_INTEGRITY_KEYS_FROM_ENV:
        return [
            Warning(
                "LOG_INTEGRITY_KEYS is not set: the stafettlogg chain and the log checkpoints are keyed with a key "
                "derived from SECRET_KEY.",
                hint="Set LOG_INTEGRITY_KEYS (or LOG_INTEGRITY_KEYS_FILE) to a long random secret (docs/adr/0018).",
                id="bti.W803",
            )
        ]
    return []


def database_roles(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if not settings.DATABASE_APP_ROLE:
        return [
            Warning(
                "The application connects to the database as the owner of the tables: it could TRUNCATE the logs.",
                hint="Set DATABASE_URL to a role that owns nothing and DATABASE_OWNER_URL to the owner "
                "(README, «Databaseroller»).",
                id="bti.W804",
            )
        ]
    return []


def register() -> None:
    register_check = register_check_fn(Tags.security, deploy=True)
    register_check(field_encryption_keys)
    register_check(mfa_required)
    register_check(log_integrity_keys)
    register_check(database_roles)
