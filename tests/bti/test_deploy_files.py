from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_it_has_a_compose_file_that_docker_parses(tmp_path):
    if shutil.which("docker") is None:
        pytest.skip("no docker client on this machine")
    secrets = ROOT / "secrets"
    created = not secrets.exists()
    secrets.mkdir(exist_ok=True)
    (secrets / "secret_key").touch()
    try:
        result = subprocess.run(
            ["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    finally:
        if created:
            shutil.rmtree(secrets)
    if result.returncode != 0 and ("unknown command" in result.stderr or "is not a docker command" in result.stderr):
        pytest.skip("docker client without the compose plugin")
    assert result.returncode == 0, result.stderr
    services = subprocess.run(
        ["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--services"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)


def test_no_committed_file_names_a_registry_host_or_local_path():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    locks = [f for f in files if f.endswith((".lock", "package-lock.json"))]
    for name in locks:
        text = (ROOT / name).read_text()
        assert "http://" not in text and "https://" not in text and "file:" not in text, name
