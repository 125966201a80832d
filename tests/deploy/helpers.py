"""Helpers for tests that start real processes (beat, workers, gunicorn, PostgreSQL)."""

from __future__ import annotations


def url_of_test_database() -> str:
    """The test database as a URL, for a process started by the test."""
    from django.db import connection

    db = connection.settings_dict
    host = db["HOST"] or "localhost"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    if host.startswith("/"):
        return f"postgresql://{auth}@/{db['NAME']}?host={host}"
    return f"postgresql://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
