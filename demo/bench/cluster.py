"""Two web nodes on a PostgreSQL primary with a real streaming replica, on this machine.

``python -m demo.bench.cluster`` (or ``make cluster-test``, which runs
tests/deploy/test_cluster.py) starts, in a temporary folder and on loopback only:

1. a PostgreSQL primary of its own (``initdb`` from ``PG_BINDIR``, default Debian's
   newest ``/usr/lib/postgresql/*/bin``) and a hot standby made with ``pg_basebackup -R``
   that streams from it (the machine's shared PostgreSQL is never touched or reconfigured);
2. ``manage.py migrate``, ``seed_demo`` and a 1k-case kommune (``seed_scale``) on the primary;
3. two gunicorn processes (the "nodes") with ``DATABASE_REPLICA_URL`` set, the second
   reaching the primary through PgBouncer in transaction mode (``DATABASE_POOLER=pgbouncer``);
4. ``manage.py bench_cluster``: simulated users spread over both nodes (the load
   balancer's part), then the checks that matter for more than one machine (a withdrawn
   consent counts on the next request while the replica is paused; a replica behind by
   more than the limit sends reads to the primary, logged; reads return to it after).

It needs no Django settings itself (it only starts processes) and stops everything it
started, also on failure. Bounded in time: every wait has a limit.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def pg_bindir() -> Path:
    """``PG_BINDIR``, else the newest Debian PostgreSQL, else ``pg_config --bindir``."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)  # noqa: S603
        if (Path(out.stdout.strip()) / "initdb").exists():
            return Path(out.stdout.strip())
    raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BINDIR)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalCluster:
    """A primary and a streaming standby in ``base``, owned by an unprivileged user when
    run as root (PostgreSQL refuses to run as root)."""

    base: Path
    primary_port: int
    replica_port: int
    bindir: Path = field(default_factory=pg_bindir)
    database: str = "bti"

    @property
    def primary_dir(self) -> Path:
        return self.base / "primary"

    @property
    def replica_dir(self) -> Path:
        return self.base / "replica"

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{self.database}"

    def _as_owner(self, argv: list[str]) -> list[str]:
        if os.geteuid() == 0:
            # setpriv execs the command itself, so signals reach it (runuser would sit between).
            return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", *argv]
        return argv

    def run(self, tool: str, *args: str, timeout: float = 120) -> str:
        argv = self._as_owner([str(self.bindir / tool), *args])
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    def psql(self, port: int, sql: str, database: str | None = None) -> str:
        return self.run(
            "psql",
            "-X",
            "-A",
            "-t",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            database or self.database,
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
            timeout=60,
        ).strip()

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self.run(
            "initdb",
            "-D",
            str(self.primary_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        conf = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.primary_port),
            "unix_socket_directories": f"'{self.base}'",
            "wal_level": "replica",
            "max_wal_senders": "4",
            "hot_standby": "on",
            "max_connections": "120",
            "shared_buffers": "64MB",
            # A throwaway test cluster: durability is not what is measured here.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        self._append_conf(self.primary_dir, conf)
        with (self.primary_dir / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        self.run("pg_ctl", "-D", str(self.primary_dir), "-l", str(self.base / "primary.log"), "-w", "-t", "60", "start")
        self.psql(self.primary_port, f"CREATE DATABASE {self.database}", database="postgres")
        # The standby: a base backup of the running primary, streaming from it (-R).
        self.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            "-D",
            str(self.replica_dir),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            timeout=300,
        )
        self._append_conf(self.replica_dir, {"port": str(self.replica_port), "hot_standby_feedback": "on"})
        self.run("pg_ctl", "-D", str(self.replica_dir), "-l", str(self.base / "replica.log"), "-w", "-t", "60", "start")
        deadline = time.monotonic() + 60
        while self.psql(self.replica_port, "SELECT pg_is_in_recovery()") != "t":
            if time.monotonic() > deadline:
                raise RuntimeError("the replica did not come up as a standby")
            time.sleep(0.5)
        streaming = self.psql(self.primary_port, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
        if streaming != "1":
            raise RuntimeError("the replica is not streaming from the primary")

    @staticmethod
    def _append_conf(data_dir: Path, values: dict[str, str]) -> None:
        with (data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n# bti cluster test\n" + "".join(f"{k} = {v}\n" for k, v in values.items()))

    def start_pgbouncer(self, port: int) -> subprocess.Popen[bytes]:
        """PgBouncer in transaction mode in front of the primary, as docker-compose.yml has
        it (deploy/pgbouncer/pgbouncer.ini), for one of the web nodes."""
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            raise RuntimeError("pgbouncer not found (apt-get install pgbouncer)")
        folder = self.base / "pgbouncer"
        folder.mkdir(exist_ok=True)
        (folder / "userlist.txt").write_text('"postgres" ""\n')
        (folder / "pgbouncer.ini").write_text(
            f"[databases]\n{self.database} = host=127.0.0.1 port={self.primary_port} dbname={self.database}\n"
            f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir = {folder}\n"
            f"auth_type = trust\nauth_file = {folder / 'userlist.txt'}\npool_mode = transaction\n"
            "max_client_conn = 500\ndefault_pool_size = 10\nquery_wait_timeout = 10\n"
            "ignore_startup_parameters = extra_float_digits\n"
        )
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        # As with the compose file's init script: jit off on the database, since PgBouncer
        # refuses the startup option the app would otherwise send.
        self.psql(self.primary_port, f"ALTER DATABASE {self.database} SET jit = off")
        log = (self.base / "pgbouncer.log").open("wb")
        proc = subprocess.Popen(  # noqa: S603 - fixed argv
            self._as_owner([binary, str(folder / "pgbouncer.ini")]), stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return proc
            time.sleep(0.2)
        proc.kill()
        raise RuntimeError("pgbouncer did not start: " + (self.base / "pgbouncer.log").read_text()[-2000:])

    def stop(self) -> None:
        for data_dir in (self.replica_dir, self.primary_dir):
            if (data_dir / "postmaster.pid").exists():
                with suppress(RuntimeError, subprocess.TimeoutExpired):
                    self.run("pg_ctl", "-D", str(data_dir), "-m", "immediate", "-w", "-t", "30", "stop", timeout=60)


@contextmanager
def cluster(base: Path | None = None, primary_port: int | None = None) -> Iterator[LocalCluster]:
    tmp = _workdir() if base is None else base
    port = primary_port or free_port()
    pg = LocalCluster(base=tmp / "pg", primary_port=port, replica_port=port + 1 if primary_port else free_port())
    try:
        pg.start()
        yield pg
    finally:
        pg.stop()
        if base is None:
            shutil.rmtree(tmp, ignore_errors=True)


def _workdir() -> Path:
    """A temporary folder the PostgreSQL owner can enter (mkdtemp makes it 0700)."""
    work = Path(tempfile.mkdtemp(prefix="bti-cluster-"))
    work.chmod(0o755)
    return work


def _manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    done = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def wait_http(port: int, timeout: float = 240) -> None:
    """Until a gunicorn worker answers over HTTP (a bound socket is not enough: workers boot after).
    Up to four minutes: on a machine at load 10 two booting nodes once needed more than 90 s."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/logg-inn/", timeout=3) as response:  # nosec B310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the web node on port {port} did not answer")


def run(
    *, seconds: int = 20, users: int = 30, think_ms: int = 3000, max_lag: int = 10, primary_port: int | None = None
) -> dict[str, Any]:
    """Start everything, run the load and the checks, stop everything; the results as a dict."""
    started = time.monotonic()
    work = _workdir()
    nodes: list[subprocess.Popen[bytes]] = []
    try:
        with cluster(work, primary_port) as pg:
            (work / "broker").mkdir()
            env = {
                **{
                    k: v
                    for k, v in os.environ.items()
                    if k not in {"REDIS_URL", "DATABASE_REPLICA_URL", "DATABASE_OWNER_URL", "REQUIRE_DB_ROLES"}
                },
                "DATABASE_URL": pg.url(pg.primary_port),
                "CELERY_BROKER_URL": "filesystem://",
                "CELERY_TASK_ALWAYS_EAGER": "1",
                "DEMO_MODE": "1",
                "DEBUG": "0",
                "SECRET_KEY": "cluster-test-" + os.urandom(8).hex(),
                "ALLOWED_HOSTS": "localhost,127.0.0.1",
                "LOG_LEVEL": "WARNING",
                "MEDIA_ROOT": str(work / "media"),
                "PROTECTED_MEDIA_ROOT": str(work / "protected"),
            }
            timings: dict[str, float] = {"cluster_start_s": time.monotonic() - started}
            if not (ROOT / "staticfiles" / "staticfiles.json").exists():
                _manage(env, "collectstatic", "--noinput", "--verbosity", "0")  # the nodes run as production does
            t = time.monotonic()
            _manage(env, "migrate", "--noinput")
            timings["migrate_s"] = time.monotonic() - t
            t = time.monotonic()
            _manage(env, "seed_demo")
            _manage(env, "seed_scale", "--children", "1500", "--number", "8100", "--access-per-case", "5")
            timings["seed_s"] = time.monotonic() - t
            node_env = {
                **env,
                "DATABASE_REPLICA_URL": pg.url(pg.replica_port),
                "DATABASE_REPLICA_MAX_LAG_SECONDS": str(max_lag),
                "DATABASE_REPLICA_CHECK_SECONDS": "1",
                "DATABASE_POOL_MAX": "4",
            }
            ports = [free_port() if primary_port is None else primary_port + 2 + i for i in range(2)]
            logs = [work / f"node{i + 1}.log" for i in range(2)]
            # Node 2 reaches the primary through PgBouncer in transaction mode, as in
            # docker-compose.yml; node 1 directly (both must work).
            bouncer_port = free_port() if primary_port is None else primary_port + 4
            nodes.append(pg.start_pgbouncer(bouncer_port))
            envs = [
                node_env,
                {
                    **node_env,
                    "DATABASE_URL": f"postgres://postgres@127.0.0.1:{bouncer_port}/{pg.database}",
                    "DATABASE_POOLER": "pgbouncer",
                },
            ]
            gunicorn = [sys.executable, "-m", "gunicorn", "bti.wsgi:application", "--workers", "2"]
            for port, log, one_env in zip(ports, logs, envs, strict=True):
                nodes.append(
                    subprocess.Popen(  # noqa: S603 - fixed argv
                        [*gunicorn, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
                        cwd=ROOT,
                        env=one_env,
                        stdout=log.open("wb"),
                        stderr=subprocess.STDOUT,
                    )
                )
            for port, log in zip(ports, logs, strict=True):
                try:
                    wait_http(port)
                except RuntimeError as exc:
                    raise RuntimeError(f"{exc}:\n{log.read_text(errors='replace')[-3000:]}") from exc
            out = _manage(
                node_env,
                "bench_cluster",
                "--ports",
                ",".join(map(str, ports)),
                "--node-logs",
                ",".join(map(str, logs)),
                "--seconds",
                str(seconds),
                "--users",
                str(users),
                "--think-ms",
                str(think_ms),
                timeout=seconds + 300,
            )
            result: dict[str, Any] = json.loads(out[out.index("{") :])
            result["timings"] = {**timings, "total_s": time.monotonic() - started}
            result["postgres"] = pg.psql(pg.primary_port, "SHOW server_version")
            result["node_2_through_pgbouncer"] = f"127.0.0.1:{bouncer_port}"
            return result
    finally:
        for node in nodes:
            node.terminate()
        for node in nodes:
            with suppress(subprocess.TimeoutExpired):
                node.wait(20)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--think-ms", type=int, default=3000)
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_TEST_PORT", "0")) or None)
    args = parser.parse_args()
    result = run(seconds=args.seconds, users=args.users, think_ms=args.think_ms, primary_port=args.port)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    sys.exit(0 if result.get("ok") else 1)


if __name__ == "__main__":
    main()
