"""The application connects as a role that owns nothing (issue 20, item 2).

The test database was migrated by the owner, as production is; ``post_migrate`` gave the
application role its grants. With a configured role (CI: DATABASE_URL is the app role,
DATABASE_OWNER_URL the owner) the probe logs in as that role for real. Without one (a
laptop whose DATABASE_URL is a superuser) it creates a throw-away role inside the test's
transaction, grants it exactly what post_migrate grants, and probes with SET ROLE.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from bti import db_roles

pytestmark = pytest.mark.django_db


@contextmanager
def app_role_cursor() -> Iterator[Any]:
    if settings.DATABASE_APP_ROLE:
        # A real login as the application role, into the test database.
        kwargs = db_roles.app_connect_kwargs(connection.settings_dict["NAME"])
        with psycopg.connect(**kwargs) as conn, conn.cursor() as cursor:
            cursor.execute("BEGIN")
            yield cursor
            conn.rollback()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("no application role configured and the test runner cannot create one")
        role = f"{connection.settings_dict['NAME']}_app_probe"[:60]
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        assert db_roles.apply_grants(connection, role)
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        try:
            yield cursor.cursor  # the psycopg cursor: check_app_role catches psycopg errors
        finally:
            cursor.execute("RESET ROLE")


def test_the_application_role_cannot_update_delete_truncate_or_alter_the_logs():
    if os.environ.get("REQUIRE_DB_ROLES") == "1":
        assert settings.DATABASE_APP_ROLE, "CI must configure DATABASE_URL (app) and DATABASE_OWNER_URL (owner)"
    with app_role_cursor() as cursor:
        probes = db_roles.check_app_role(cursor)
    by_statement = {p.statement: p for p in probes}
    for table in ("stafettlogg_entry", "bti_accesslogentry", "bti_securityevent"):
        for verb in ("UPDATE", "DELETE FROM", "TRUNCATE"):
            probe = next(p for s, p in by_statement.items() if s.startswith(f"{verb} {table}"))
            assert probe.refused, f"{probe.statement} was allowed for the application role"
        assert by_statement[f"ALTER TABLE {table} DISABLE TRIGGER ALL"].refused
        assert by_statement[f"ALTER TABLE {table} ADD COLUMN probe_column integer"].refused
        insert = by_statement[f"INSERT INTO {table} SELECT * FROM {table} WHERE false"]
        assert insert.ok, insert.detail
    assert by_statement["SET session_replication_role = replica"].refused
    assert all(p.ok for p in probes), [p for p in probes if not p.ok]


def test_the_application_role_may_change_ordinary_tables():
    with app_role_cursor() as cursor:
        for table in ("cases_case", "consent_consentscope", "bti_membership"):
            cursor.execute(
                "SELECT has_table_privilege(current_user, %s, 'SELECT, INSERT, UPDATE, DELETE'),"
                " has_table_privilege(current_user, %s, 'TRUNCATE')",
                [table, table],
            )
            assert cursor.fetchone() == (True, False)
        cursor.execute("SELECT has_table_privilege(current_user, 'stafettlogg_entry', 'UPDATE')")
        assert cursor.fetchone() == (False,)


def test_check_db_roles_reports_an_owner_connection_as_too_powerful(monkeypatch):
    """The command CI runs: pointed at the owner (who may TRUNCATE), it fails."""
    owner = dict(connection.settings_dict)
    monkeypatch.setattr(
        settings,
        "DATABASE_APP_SETTINGS",
        {k: owner[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")} | {"OPTIONS": {}},
    )
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="for mange rettigheter"):
        call_command("check_db_roles", stdout=io.StringIO())


def test_grants_cover_partitions_of_a_partitioned_log(monkeypatch):
    """Issue 15 will partition the innsynslogg by month: each partition is revoked too."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE probe_log (at date) PARTITION BY RANGE (at)")
        cursor.execute(
            "CREATE TABLE probe_log_2026_11 PARTITION OF probe_log FOR VALUES FROM ('2026-11-01') TO ('2026-12-01')"
        )
        monkeypatch.setattr(db_roles, "APPEND_ONLY_TABLES", ["probe_log"])
        assert db_roles.log_tables_with_partitions(cursor) == ["probe_log", "probe_log_2026_11"]
