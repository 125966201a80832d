"""Load mode: gunicorn on loopback driven by wrk with 50 connections (bounded in time).

Runs the bare authenticated view and the case page alone (requests/s ratio), then a mixed
workload of the key pages, and reports p50/p95/p99 latency, requests/s and errors.
Only 127.0.0.1 is ever targeted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from demo.bench.cluster import free_port, wait_http
from demo.bench.pages import PAGES, Personas, resolve

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format('{"requests": %d, "duration_us": %d, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors_status": %d, "errors_connect": %d, "errors_read": %d, "errors_timeout": %d}',
    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.timeout))
  out:close()
end
"""


def session_cookie(user: Any) -> str:
    from demo.bench.runner import logged_in_client

    client = logged_in_client(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def run_wrk(port: int, paths: list[str], cookie: str, seconds: int, connections: int) -> dict[str, Any]:
    """``connections`` closed-loop clients without pause: what the server manages when saturated."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "mix.lua"
        script.write_text(LUA)
        paths_file = Path(tmp) / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        out = Path(tmp) / "out.json"
        env = {**os.environ, "BENCH_PATHS": str(paths_file), "BENCH_OUT": str(out)}
        subprocess.run(  # noqa: S603 - fixed argv, loopback only
            [
                "wrk",
                f"-t{min(4, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-H",
                f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}",
                "-H",
                "Host: localhost",
                # gunicorn's sync workers close every connection; saying so keeps wrk from
                # counting the closes as read errors.
                "-H",
                "Connection: close",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}",
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=seconds + 60,
        )
        result: dict[str, Any] = json.loads(out.read_text())
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def run_users(port: int, paths: list[str], cookie: str, seconds: int, users: int, think_ms: int) -> dict[str, Any]:
    """``users`` people clicking through ``paths``, each thinking ``think_ms`` (±50 %) between
    clicks, one connection per click: what gunicorn sees behind a buffering proxy such as
    nginx, which holds the browsers' idle keep-alive connections itself. (wrk keeps every
    connection open while its user thinks, which ties up a sync worker each.)"""
    return run_user_mix([port], [(cookie, paths)], seconds, users, think_ms)


def run_user_mix(
    ports: list[int], sessions: list[tuple[str, list[str]]], seconds: int, users: int, think_ms: int
) -> dict[str, Any]:
    """As ``run_users``, with user ``n`` on node ``ports[n % len(ports)]`` (a load balancer
    spreading sessions over the web nodes) as persona ``sessions[n % len(sessions)]``
    (session cookie, pages). Reports the totals and, with more than one node, each node's."""
    import http.client
    import random
    import threading

    latencies: list[float] = []
    errors = {"status": 0, "connect": 0, "read": 0, "timeout": 0}
    per_port: dict[int, dict[str, int]] = {port: {"requests": 0, "errors": 0} for port in ports}
    bad_statuses: dict[int, int] = {}
    kinds: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user(n: int) -> None:
        rng = random.Random(n)  # noqa: S311 - think times, not secrets
        port = ports[n % len(ports)]
        cookie, paths = sessions[n % len(sessions)]
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Host": "localhost", "Connection": "close"}
        i = n
        time.sleep(rng.uniform(0, think_ms / 1000))  # users do not all start at once
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            start = time.perf_counter()
            failed = True
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                elapsed = time.perf_counter() - start
                failed = response.status != 200
                with lock:
                    latencies.append(elapsed)
                    if failed:
                        errors["status"] += 1
                        bad_statuses[response.status] = bad_statuses.get(response.status, 0) + 1
            except TimeoutError:
                with lock:
                    errors["timeout"] += 1
            except OSError as exc:
                with lock:
                    errors["connect"] += 1
                    kinds[type(exc).__name__] = kinds.get(type(exc).__name__, 0) + 1
            with lock:
                per_port[port]["requests"] += 1
                per_port[port]["errors"] += int(failed)
            time.sleep(rng.uniform(think_ms / 2000, think_ms * 3 / 2000))

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    duration = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0

    result: dict[str, Any] = {
        "requests": len(ordered),
        "duration_us": int(duration * 1e6),
        "rps": len(ordered) / duration if duration else 0.0,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "errors_status": errors["status"],
        "errors_connect": errors["connect"],
        "errors_read": errors["read"],
        "errors_timeout": errors["timeout"],
    }
    if len(ports) > 1:
        result["per_node"] = {str(port): counts for port, counts in per_port.items()}
        result["bad_statuses"] = {str(k): v for k, v in bad_statuses.items()}
        result["connect_errors"] = kinds
    return result


def load_test(
    personas: Personas, *, seconds: int = 15, connections: int = 50, workers: int = 4, think_ms: int = 3000
) -> dict[str, Any]:
    """Saturation runs of the bare view and the case page (requests/s and their ratio), the
    mixed workload saturated, and the mixed workload as ``connections`` users who think
    ``think_ms`` between clicks (latency and errors as the users see them)."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    port = free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "localhost,127.0.0.1", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bti.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        wait_http(port)
        holder_cookie = session_cookie(personas.holder)
        case_url = next(resolve(p, personas) for p in PAGES if p.key == "case_page")
        bare_url = next(resolve(p, personas) for p in PAGES if p.key == "bare")
        mixed = [
            url for p in PAGES if p.who == "holder" and p.budget_ms < 1000 and (url := resolve(p, personas)) is not None
        ]
        results = {
            "bare": run_wrk(port, [bare_url or "/ping/"], holder_cookie, seconds, connections),
            "case_page": run_wrk(port, [case_url or "/"], holder_cookie, seconds, connections),
            "mixed_saturated": run_wrk(port, mixed, holder_cookie, seconds, connections),
            "mixed": run_users(port, mixed, holder_cookie, seconds, connections, think_ms=think_ms),
            "think_ms": think_ms,
            "connections": connections,
            "seconds": seconds,
            "gunicorn_workers": workers,
            "mixed_paths": mixed,
        }
        bare_rps = results["bare"]["rps"]  # type: ignore[index]
        case_rps = results["case_page"]["rps"]  # type: ignore[index]
        results["case_page_share_of_bare_rps"] = case_rps / bare_rps if bare_rps else 0.0
        return results
    finally:
        server.terminate()
        server.wait(timeout=20)
