"""The deployment files: docker-compose.yml (validated against the Compose specification by
dclint, and its references checked here), the nginx, PgBouncer and PostgreSQL files it
mounts, the settings they imply, and the LICENSE the pyproject names.

`docker compose config` needs the Compose plugin, which this machine lacks; the test
that runs it skips without it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat", "migrate")


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())  # resolves the <<: merges as Compose does


def test_it_has_a_compose_file_with_the_production_services():
    spec = _compose()
    assert {"web", "worker", "beat", "postgres", "postgres-replica", "pgbouncer", "redis", "nginx", "migrate"} <= set(
        spec["services"]
    )
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()


def test_pdfs_run_on_their_own_queue_and_worker_at_lower_priority():
    from django.conf import settings

    spec = yaml.safe_load(COMPOSE.read_text())
    heavy = spec["services"]["worker-heavy"]["command"]
    assert heavy[:3] == ["nice", "-n", "10"] and heavy[heavy.index("-Q") + 1] == settings.HEAVY_QUEUE
    default = spec["services"]["worker"]["command"]
    assert default[default.index("-Q") + 1] == "celery"
    assert "celery_outbox_relay" in spec["services"]["relay"]["command"]
    assert settings.CELERY_TASK_ROUTES["samarbeid.tasks.pdf_job_run"] == {"queue": settings.HEAVY_QUEUE}
    run = (ROOT / "scripts" / "run.sh").read_text()
    assert "nice -n 10" in run and "-Q heavy" in run and "-Q celery" in run


def test_it_runs_several_web_nodes_and_workers_behind_the_proxy():
    services = _compose()["services"]
    assert int(str(services["web"]["deploy"]["replicas"]).split(":-")[-1].strip("}")) >= 2
    assert int(str(services["worker"]["deploy"]["replicas"]).split(":-")[-1].strip("}")) >= 2
    # Only the proxy is reachable from outside; the web nodes only through it.
    published = [name for name, s in services.items() if s.get("ports")]
    assert published == ["nginx"]
    assert services["web"]["expose"] == ["8000"]


def _url(service: dict, name: str) -> tuple[str, int]:
    parts = urlsplit(re.sub(r"\$\{(\w+):-([^}]*)\}", r"\2", service["environment"][name]))
    return parts.hostname or "", parts.port or 5432


def test_it_sends_the_app_through_pgbouncer_and_migrations_straight_to_postgres():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert _url(services[name], "DATABASE_URL") == ("pgbouncer", 6432), name
        assert env["DATABASE_POOLER"] == "pgbouncer"
        assert _url(services[name], "DATABASE_REPLICA_URL") == ("postgres-replica", 5432)
    assert _url(services["migrate"], "DATABASE_URL") == ("postgres", 5432)
    assert _url(services["backup"], "DATABASE_URL") == ("postgres", 5432)
    ini = (ROOT / "deploy/pgbouncer/pgbouncer.ini").read_text()
    assert re.search(r"^pool_mode = transaction$", ini, re.M)
    assert "scram-sha-256" in ini


def test_it_references_only_things_that_exist():
    spec = _compose()
    services = spec["services"]
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for dep in service.get("depends_on", {}):
            assert dep in services, (name, dep)
        for secret in service.get("secrets", []):
            assert secret in spec["secrets"], (name, secret)
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                if source not in ("./backup",):
                    assert (ROOT / source).exists(), (name, source)
            else:
                assert source in spec["volumes"], (name, source)
        build = service.get("build")
        if isinstance(build, str):
            assert (ROOT / build / "Dockerfile").exists() or build == "."


def test_it_puts_a_buffering_proxy_that_sets_the_forwarded_headers_in_front():
    conf = (ROOT / "deploy/nginx/bti.conf.template").read_text()
    assert "server web:8000" in conf
    assert "proxy_buffering on;" in conf and "proxy_request_buffering on;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    # Set from the connection, never appended to what the client sent (axes reads it).
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf
    assert "limit_req zone=bti_login" in conf
    nginx = _compose()["services"]["nginx"]
    assert nginx["volumes"][0].endswith("/etc/nginx/templates/default.conf.template:ro")


def test_it_configures_the_app_for_pgbouncer_and_the_replica_as_compose_does():
    """The settings the compose environment gives: no server-side cursors and no startup
    options through PgBouncer, a replica alias that never migrates, the beat lease."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "d, r = s.DATABASES['default'], s.DATABASES['replica']; "
        "print(json.dumps([d['DISABLE_SERVER_SIDE_CURSORS'], 'options' in d['OPTIONS'], r['HOST'], "
        "r['OPTIONS']['connect_timeout'], r['TEST']['MIRROR'], s.DATABASE_ROUTERS, s.CELERY_BEAT_SCHEDULER]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bti.settings",
        "DATABASE_URL": "postgres://bti:x@pgbouncer:6432/bti",
        "DATABASE_POOLER": "pgbouncer",
        "DATABASE_REPLICA_URL": "postgres://bti:x@postgres-replica:5432/bti",
        "DEMO_MODE": "1",
    }
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [
        True,
        False,
        "postgres-replica",
        2,
        "default",
        ["bti.replica.ReplicaRouter"],
        "bti.beat:LeasedScheduler",
    ]


def test_it_has_a_compose_file_that_the_compose_specification_accepts():
    """dclint validates against the Compose specification's JSON schema (and a few rules
    of its own); the order of keys is style, not correctness."""
    dclint = ROOT / "node_modules/.bin/dclint"
    if not dclint.exists():
        if os.environ.get("CI"):
            pytest.fail("dclint missing: run `make deps`")
        pytest.skip("node_modules not installed (make deps)")

    def lint(path: Path) -> tuple[int, list[dict]]:
        done = subprocess.run(
            [str(dclint), str(path), "-f", "json", "--disable-rule", "service-keys-order",
             "services-alphabetical-order", "top-level-properties-order"],
            capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        return done.returncode, [m for f in json.loads(done.stdout) for m in f["messages"] if m["type"] == "error"]

    code, errors = lint(COMPOSE)
    assert code == 0 and errors == [], errors
    # The validation is real: a key the specification does not know is an error.
    broken = ROOT / "test-artifacts" / "broken-compose.yml"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text(COMPOSE.read_text().replace("    expose: [", "    exposed_port: ["))
    try:
        code, errors = lint(broken)
    finally:
        broken.unlink()
    assert code != 0 and any(e["rule"] == "invalid-schema" for e in errors), errors


def test_it_has_a_compose_file_that_docker_parses():
    if shutil.which("docker") is None:
        pytest.skip("no docker client on this machine")
    if subprocess.run(["docker", "compose", "version"], capture_output=True, check=False).returncode != 0:
        pytest.skip("docker client without the compose plugin")
    secrets = ROOT / "secrets"
    created = not secrets.exists()
    secrets.mkdir(exist_ok=True)
    for name in ("secret_key", "field_encryption_keys", "tls.crt", "tls.key"):
        (secrets / name).touch()
    try:
        result = subprocess.run(
            ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    finally:
        if created:
            shutil.rmtree(secrets)
    assert result.returncode == 0, result.stderr


# SHA-256 of the EUPL v1.2 text with all whitespace removed, as the SPDX License List
# publishes it (licenseText of "EUPL-1.2"); whitespace-only differences (line breaks, the
# spaces PDF extraction lost after "1." and "’:") are the only ones allowed.
EUPL_12_SHA256 = "fd5f5f818c2513007514ce061e79dcdaca59920da090d81368bddc0fa386d6b0"


def test_it_carries_the_complete_eupl_1_2_that_the_pyproject_names():
    assert 'license = { text = "EUPL-1.2" }' in (ROOT / "pyproject.toml").read_text()
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\nEUPL © the European Union 2007, 2016\n")
    headings = [
        "Definitions",
        "Scope of the rights granted by the Licence",
        "Communication of the Source Code",
        "Limitations on copyright",
        "Obligations of the Licensee",
        "Chain of Authorship",
        "Disclaimer of Warranty",
        "Disclaimer of Liability",
        "Additional agreements",
        "Acceptance of the Licence",
        "Information to the public",
        "Termination of the Licence",
        "Miscellaneous",
        "Jurisdiction",
        "Applicable Law",
    ]
    for n, heading in enumerate(headings, start=1):
        assert re.search(rf"^{n}\. {re.escape(heading)}$", text, re.M), heading
    assert "Appendix" in text and text.rstrip().endswith("require the production of a new EUPL version.")
    assert hashlib.sha256(re.sub(r"\s+", "", text).encode()).hexdigest() == EUPL_12_SHA256


def test_no_committed_file_names_a_registry_host_or_local_path():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    locks = [f for f in files if f.endswith((".lock", "package-lock.json"))]
    for name in locks:
        text = (ROOT / name).read_text()
        assert "http://" not in text and "https://" not in text and "file:" not in text, name
