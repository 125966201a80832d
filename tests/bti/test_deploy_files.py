from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"


def test_it_has_a_compose_file_with_the_production_services():
    spec = yaml.safe_load(COMPOSE.read_text())
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(spec["services"])
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


def test_it_has_a_compose_file_that_docker_parses():
    if shutil.which("docker") is None:
        pytest.skip("no docker client on this machine")
    if subprocess.run(["docker", "compose", "version"], capture_output=True, check=False).returncode != 0:
        pytest.skip("docker client without the compose plugin")
    secrets = ROOT / "secrets"
    created = not secrets.exists()
    secrets.mkdir(exist_ok=True)
    (secrets / "secret_key").touch()
    (secrets / "field_encryption_keys").touch()
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


def test_no_committed_file_names_a_registry_host_or_local_path():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    locks = [f for f in files if f.endswith((".lock", "package-lock.json"))]
    for name in locks:
        text = (ROOT / name).read_text()
        assert "http://" not in text and "https://" not in text and "file:" not in text, name
