"""Backup and restore (docs/deployment.md): a populated database is dumped with
scripts/backup.sh, restored with scripts/restore.sh into a fresh database, and there
passes ``migrate --check``, ``verify_stafettlogg`` and the encryption-key check
(``rotate_field_keys --check``: every fødselsnummer decrypts with the configured keys).

The checks are real: the same restore with another key, or with one entry changed behind
the append-only trigger's back, fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection

from bti.innsyn import record_access
from bti.integrity import write_checkpoint
from cases.models import Child
from stafettlogg.models import Entry
from tests.cases.helpers import case_on_level, undring
from tests.deploy.helpers import url_of_test_database

ROOT = Path(settings.BASE_DIR)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump and pg_restore (postgresql-client)"),
]


def _url_for(name: str) -> str:
    return url_of_test_database().rsplit("/", 1)[0] + f"/{name}"


def _manage(database_url: str, *args: str, keys: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_POOL": "0",
        "DEMO_MODE": "1",
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": keys or ",".join(settings.FIELD_ENCRYPTION_KEYS),
        # The log checkpoints are kept outside the database and restored beside it
        # (docs/deployment.md, «Backup and restore»): the chain check needs them.
        "LOG_ANCHOR_DIR": str(settings.LOG_ANCHOR_DIR),
        "LOG_INTEGRITY_KEYS": ",".join(settings.LOG_INTEGRITY_KEYS),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _count(database_url: str, table: str) -> int:
    with psycopg.connect(database_url.replace("postgresql://", "postgres://")) as conn:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # type: ignore[index]


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    admin = _url_for("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _url_for(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_it_restores_a_backup_that_passes_the_chain_and_key_checks(personas, tmp_path, fresh_database):
    # A populated database: named children with fødselsnummer (encrypted at rest),
    # cases on levels with stafettholders and log entries, innsynslogg rows.
    cases = [case_on_level(personas, 1) for _ in range(3)] + [undring(personas)]
    for case in cases:
        record_access(user=personas["barnehagelaerer"], obj_type="case", obj_id=case.pk, case=case)
    assert Child.objects.exclude(fnr="").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT fnr FROM cases_child WHERE fnr <> ''")
        assert all(stored.startswith("fernet:") for (stored,) in cursor.fetchall())
    write_checkpoint()
    source = url_of_test_database()

    backup = subprocess.run(
        ["bash", "scripts/backup.sh"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": source, "BACKUP_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    assert dump.exists() and Path(f"{dump}.sha256").exists()
    assert oct(dump.stat().st_mode & 0o777) == "0o600"  # holds personal data

    restore = subprocess.run(
        ["bash", "scripts/restore.sh", str(dump), fresh_database],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restore.returncode == 0, restore.stderr

    for table in ("stafettlogg_entry", "cases_child", "bti_accesslogentry", "consent_consent"):
        assert _count(fresh_database, table) == _count(source, table), table
    assert _count(fresh_database, "stafettlogg_entry") == Entry.objects.count() > 0

    migrations = _manage(fresh_database, "migrate", "--check")
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    chain = _manage(fresh_database, "verify_stafettlogg")
    assert chain.returncode == 0, chain.stderr
    assert "alle kjeder stemmer" in chain.stdout
    keys = _manage(fresh_database, "rotate_field_keys", "--check")
    assert keys.returncode == 0, keys.stderr
    assert "Nøklene stemmer" in keys.stdout and "0 kan ikke leses" in keys.stdout

    # Without the keys the dump was written with, the restore is unreadable: said plainly.
    other = _manage(fresh_database, "rotate_field_keys", "--check", keys=Fernet.generate_key().decode())
    assert other.returncode != 0
    assert "Er nøklene fra sikkerhetskopien med?" in other.stderr

    # A restored log that was changed (behind the trigger's back) is caught.
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        conn.execute("ALTER TABLE stafettlogg_entry DISABLE TRIGGER USER")
        conn.execute(
            "UPDATE stafettlogg_entry SET text = text || ' (endret)' WHERE id = (SELECT min(id) FROM stafettlogg_entry)"
        )
    tampered = _manage(fresh_database, "verify_stafettlogg")
    assert tampered.returncode != 0 and "innholdet er endret" in tampered.stderr


def test_it_refuses_to_restore_over_a_database_with_tables(tmp_path):
    dump = tmp_path / "bti-x.dump"
    dump.write_bytes(b"not used")
    done = subprocess.run(
        ["bash", "scripts/restore.sh", str(dump), url_of_test_database()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "already has" in done.stderr and "empty one" in done.stderr
