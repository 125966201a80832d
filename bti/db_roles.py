"""Two database roles: the owner runs the migrations, the application owns nothing.

The owner role (``DATABASE_OWNER_URL``) owns every table; ``manage.py migrate``, the
test runner and the bulk generators connect as it. The application role
(``DATABASE_URL``) gets, after every ``migrate`` (``post_migrate``, so tables added by
later migrations are covered too), SELECT, INSERT, UPDATE and DELETE on the ordinary
tables and only SELECT and INSERT on the append-only logs. It owns nothing, so it can
neither TRUNCATE nor ALTER a table nor disable its triggers, and
``session_replication_role`` is a superuser setting (docs/adr/0018).

Apps add their append-only tables to ``APPEND_ONLY_TABLES`` (the core's three are
here); partitions of a partitioned log (issue 15) are covered through
``pg_partition_tree``. ``check_app_role`` tries every forbidden statement as the
application role and is what ``manage.py check_db_roles`` and CI run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings

# Tables the application may only read and append to. Apps register theirs in ready().
APPEND_ONLY_TABLES: list[str] = ["bti_accesslogentry", "bti_securityevent", "bti_accesslogdrop"]

_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")


def register_append_only(table: str) -> None:
    if table not in APPEND_ONLY_TABLES:
        APPEND_ONLY_TABLES.append(table)


def app_role() -> str | None:
    """The role the application connects as, when it is not the owner (else None)."""
    role = getattr(settings, "DATABASE_APP_ROLE", "") or ""
    if not role:
        return None
    if not _ROLE_NAME.match(role):
        raise ValueError(f"DATABASE_APP_ROLE is not a plain role name: {role!r}")
    return role


def app_connect_kwargs(dbname: str | None = None) -> dict[str, Any]:
    """psycopg.connect() arguments for the application role (DATABASE_URL)."""
    db: dict[str, Any] = settings.DATABASE_APP_SETTINGS
    return {
        "dbname": dbname or db["NAME"],
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        **{k: v for k, v in db["OPTIONS"].items() if k not in {"pool", "options"}},
    }


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def log_tables_with_partitions(cursor: Any) -> list[str]:
    """The append-only tables that exist, with every partition of a partitioned one."""
    found: list[str] = []
    for table in APPEND_ONLY_TABLES:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        if not cursor.fetchone()[0]:
            continue
        found.append(table)
        cursor.execute(
            "SELECT relid::regclass::text FROM pg_partition_tree(%s::regclass) WHERE relid <> %s::regclass ORDER BY level, 1",
            [table, table],
        )
        found.extend(row[0] for row in cursor.fetchall())
    return found


def grant_statements(cursor: Any, role: str) -> list[str]:
    """The statements that give ``role`` what the application needs and nothing more."""
    r = _ident(role)
    cursor.execute("SELECT current_database(), current_user")
    database, owner = cursor.fetchone()
    statements = [
        f"GRANT CONNECT ON DATABASE {_ident(database)} TO {r}",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"REVOKE CREATE ON SCHEMA public FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
        # Tables a later migration creates get the same before the next post_migrate runs.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {_ident(owner)} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {_ident(owner)} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
    for table in log_tables_with_partitions(cursor):
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE {table} FROM {r}")
        statements.append(f"GRANT SELECT, INSERT ON TABLE {table} TO {r}")
    return statements


def apply_grants(connection: Any, role: str | None = None) -> bool:
    """Run ``grant_statements`` as the owner. False when there is no separate app role."""
    role = role or app_role()
    if not role or connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise RuntimeError(
                f"The application role {role!r} does not exist. Create it first (README, «Databaseroller»)."
            )
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            return False  # migrations run as the application role: nothing to separate
        for statement in grant_statements(cursor, role):
            cursor.execute(statement)
    return True


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After ``migrate`` (sent per app once every migration has run; we act on the
    core's): grants for the application role."""
    from django.db import connections

    if getattr(sender, "label", None) != "bti":
        return
    apply_grants(connections[using])


@dataclass
class Probe:
    statement: str
    allowed: bool
    refused: bool
    detail: str

    @property
    def ok(self) -> bool:
        return (not self.refused and not self.detail) if self.allowed else self.refused


def forbidden_statements(table: str) -> list[str]:
    """What the application role must not do to a log (``WHERE false``: a refusal is the
    privilege check, not the append-only trigger)."""
    return [
        f"UPDATE {table} SET id = id WHERE false",  # noqa: S608  # nosec B608: a registered table name
        f"DELETE FROM {table} WHERE false",  # noqa: S608  # nosec B608
        f"TRUNCATE {table}",
        f"ALTER TABLE {table} ADD COLUMN probe_column integer",
        f"ALTER TABLE {table} DISABLE TRIGGER ALL",
    ]


GLOBAL_FORBIDDEN = ["SET session_replication_role = replica", "CREATE TABLE role_probe (id integer)"]


def check_app_role(cursor: Any) -> list[Probe]:
    """Try, on a cursor connected as the application role, every statement the role must
    not be able to run against the logs (each in a savepoint, rolled back), and the
    INSERT and SELECT it needs. A probe is ``ok`` when it behaved as it must."""
    from psycopg import errors

    results: list[Probe] = []
    cursor.execute("SET LOCAL lock_timeout = '2s'")
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        return [Probe("current_user is a superuser", False, False, "the application must not be a superuser")]
    for statement in GLOBAL_FORBIDDEN:
        results.append(_probe(cursor, statement, allowed=False, errors=errors))
    for table in log_tables_with_partitions(cursor):
        for statement in forbidden_statements(table):
            results.append(_probe(cursor, statement, allowed=False, errors=errors))
        results.append(_probe(cursor, f"SELECT count(*) FROM {table}", allowed=True, errors=errors))  # noqa: S608  # nosec B608
        results.append(
            _probe(
                cursor,
                f"INSERT INTO {table} SELECT * FROM {table} WHERE false",  # noqa: S608  # nosec B608
                allowed=True,
                errors=errors,
            )
        )
    return results


def _probe(cursor: Any, statement: str, *, allowed: bool, errors: Any) -> Probe:
    cursor.execute("SAVEPOINT role_probe")
    try:
        cursor.execute(statement)
    except errors.InsufficientPrivilege as exc:
        cursor.execute("ROLLBACK TO SAVEPOINT role_probe")
        return Probe(statement, allowed, True, str(exc).splitlines()[0])
    except errors.Error as exc:  # any other failure is not a refusal by privilege
        cursor.execute("ROLLBACK TO SAVEPOINT role_probe")
        return Probe(statement, allowed, False, str(exc).splitlines()[0])
    cursor.execute("ROLLBACK TO SAVEPOINT role_probe")
    return Probe(statement, allowed, False, "")
