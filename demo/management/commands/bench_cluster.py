"""The load test and the replica checks through two web nodes (run by demo/bench/cluster.py).

Expects ``DATABASE_URL`` (the primary) and ``DATABASE_REPLICA_URL`` (its streaming
standby, connected to as a superuser so replay can be paused) and the nodes' ports.
Prints one JSON object; ``ok`` says whether every check passed."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import psycopg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse
from django.utils import timezone

from bti.models import Kommune, Membership, User
from demo.bench.load import run_user_mix, session_cookie
from demo.bench.pages import PAGES, pick_personas, resolve


def _replica_dsn() -> str:
    db = settings.DATABASES["replica"]
    return f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname={db['NAME']} connect_timeout=5"


def _replica_sql(sql: str, params: tuple[Any, ...] = ()) -> Any:
    with psycopg.connect(_replica_dsn(), autocommit=True) as conn:
        row = conn.execute(sql, params).fetchone()  # fixed statements below
        return row[0] if row else None


def _get(port: int, path: str, cookie: str) -> tuple[int, str]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    conn.request("GET", path, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Host": "localhost"})
    response = conn.getresponse()
    body = response.read().decode("utf-8", errors="replace")
    conn.close()
    return response.status, body


def _logged(path: str, text: str) -> bool:
    with open(path, encoding="utf-8", errors="replace") as log:
        return any(text in line for line in log)


class Command(BaseCommand):
    help = "Lasttest og replikakontroller gjennom to webnoder (brukes av demo/bench/cluster.py)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ports", required=True, help="Nodenes porter, kommaseparert")
        parser.add_argument("--node-logs", default="", help="Nodenes loggfiler, kommaseparert")
        parser.add_argument("--seconds", type=int, default=20)
        parser.add_argument("--users", type=int, default=30)
        parser.add_argument("--think-ms", type=int, default=3000)
        parser.add_argument("--number", default="8100", help="Kommunenummer fra seed_scale")

    def handle(self, *args: Any, **options: Any) -> None:
        ports = [int(p) for p in options["ports"].split(",") if p]
        logs = [p for p in options["node_logs"].split(",") if p]
        kommune = Kommune.objects.get(number=options["number"])
        personas = pick_personas(kommune)
        assert personas.kommune_leader is not None
        holder_cookie = session_cookie(personas.holder)
        leader_cookie = session_cookie(personas.kommune_leader)
        holder_pages = [
            url for p in PAGES if p.who == "holder" and p.budget_ms < 1000 and (url := resolve(p, personas)) is not None
        ]
        leader_pages = [reverse("overview"), reverse("overview-export-csv"), "/api/v1/oversikt/"]
        result: dict[str, Any] = {"nodes": len(ports), "mixed_paths": holder_pages + leader_pages}
        from oversikt import facts

        facts.refresh_facts(kommune_id=kommune.pk)  # as beat does every 15 minutes

        # 1. Users spread over both nodes; every fifth user is a leader on the overview.
        sessions = [(holder_cookie, holder_pages)] * 4 + [(leader_cookie, leader_pages)]
        result["load"] = run_user_mix(ports, sessions, options["seconds"], options["users"], options["think_ms"])
        result["load"].update(users=options["users"], think_ms=options["think_ms"], seconds=options["seconds"])
        result["replica_connections_from_nodes"] = _replica_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )

        # 2. Replay paused: the replica falls behind from here on. First a commit on the
        # primary that the replica has replayed, so its lag (the age of the last replayed
        # commit) starts at the pause, not at the last write of the load test.
        result["caught_up_before_pause"] = self._heartbeat_replayed()
        _replica_sql("SELECT pg_wal_replay_pause()")
        paused_at = time.monotonic()
        try:
            result["stale_read"] = self._stale_read(ports, personas, leader_cookie)
            result["stale_read"]["seconds_after_pause"] = round(time.monotonic() - paused_at, 2)
            result["consent"] = self._consent_withdrawn_counts_at_once(ports, personas)
            # 3. Past the limit: the overview reads the primary, and the nodes say so.
            wait = settings.DATABASE_REPLICA_MAX_LAG_SECONDS + 2 * settings.DATABASE_REPLICA_CHECK_SECONDS + 1
            time.sleep(max(0.0, wait - (time.monotonic() - paused_at)))
            result["lag_guard"] = self._reads_fall_back(ports, personas, leader_cookie, logs)
        finally:
            _replica_sql("SELECT pg_wal_replay_resume()")
        result["resumed"] = self._reads_return(ports, personas, leader_cookie, logs)

        load = result["load"]
        errors = load["errors_status"] + load["errors_connect"] + load["errors_read"] + load["errors_timeout"]
        result["checks"] = {
            "load_without_errors": errors == 0 and load["requests"] > 0,
            "both_nodes_served": all(n["requests"] > 0 for n in load.get("per_node", {}).values()),
            "nodes_connected_to_the_replica": (result["replica_connections_from_nodes"] or 0) > 0,
            "overview_read_from_the_replica": result["stale_read"]["served_from_replica"],
            "withdrawn_consent_counts_at_once": result["consent"]["refused_after"],
            "lagging_replica_falls_back_to_primary": result["lag_guard"]["all_nodes_read_primary"],
            "fallback_logged": result["lag_guard"]["logged"],
            "replica_used_again_after_catching_up": result["resumed"]["all_nodes_read_replica_again"],
        }
        result["ok"] = all(result["checks"].values())
        self.stdout.write(json.dumps(result, indent=1, ensure_ascii=False, default=str))

    # --- the checks -------------------------------------------------------------------

    def _heartbeat_replayed(self, timeout: float = 20) -> bool:
        """A commit on the primary (an xid, nothing stored), then wait until the replica
        has replayed up to the primary's WAL position."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (lsn,) = cursor.fetchone()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _replica_sql("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", (lsn,)):
                return True
            time.sleep(0.1)
        return False

    def _total(self, port: int, cookie: str, n: int) -> int | str | None:
        """Open cases in the kommune from the overview API, with a filter no one asked for
        before (``fra`` moves a day per call). The period is widened to whole months, so
        calls share cached tables; the cache is keyed by the facts version of the database
        read (oversikt.selectors.facts_version), so that is the replica's or the primary's."""
        start = timezone.localdate() - timedelta(days=400 + n)
        status, body = _get(port, f"/api/v1/oversikt/?fra={start.isoformat()}", cookie)
        if status != 200:
            return f"HTTP {status}"
        rows = json.loads(body)
        return next((r["value"] for r in rows if r["section"] == "Åpne saker" and r["label"] == "I alt"), None)

    _calls = 0

    def _next(self) -> int:
        self._calls += 1
        return self._calls

    def _stale_read(self, ports: list[int], personas: Any, cookie: str) -> dict[str, Any]:
        """New cases on the primary while replay is paused: the overview (read from the
        replica, still within the lag limit) shows the old total."""
        from cases.services import undring_create
        from oversikt import facts

        before = self._total(ports[0], cookie, self._next())
        unit_id = personas.case.owner_unit_id
        for i in range(5):
            undring_create(
                actor=personas.holder,
                unit_id=unit_id,
                observation=f"Klyngetest {i}: en observasjon mens replikaen står stille.",
                anonymous_label=f"K{i}",
            )
        facts.refresh_facts(kommune_id=personas.case.kommune_id)
        during = self._total(ports[0], cookie, self._next())
        lag = _replica_sql("SELECT EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())")
        return {
            "before": before,
            "after_5_new_cases": during,
            "served_from_replica": during == before,
            "replica_lag_s": float(lag) if lag is not None else None,
        }

    def _consent_withdrawn_counts_at_once(self, ports: list[int], personas: Any) -> dict[str, Any]:
        """A reader whose only way in is a consent: the case page through node 1, the
        consent withdrawn on the primary (the replica paused, so it still has the consent),
        the same page through node 2 on the next request: refused."""
        from bti.policy import cases_visible_to
        from consent.models import ConsentScope
        from consent.services import consent_withdraw

        scopes = (
            ConsentScope.objects.filter(
                case__stafettholders__user=personas.holder,
                case__stafettholders__status="active",
                withdrawn_at__isnull=True,
                consent__decision="given",
            )
            .exclude(unit_id=personas.case.owner_unit_id)
            .select_related("case")
            .order_by("pk")[:40]
        )
        for scope in scopes:
            readers = User.objects.filter(
                pk__in=Membership.objects.filter(unit_id=scope.unit_id).values("user_id"), is_active=True
            ).exclude(pk=personas.holder.pk)[:3]
            for reader in readers:
                if not cases_visible_to(reader).filter(pk=scope.case_id).exists():
                    continue
                cookie = session_cookie(reader)
                url = reverse("cases:case_detail", kwargs={"case_id": scope.case_id})
                status_before, _ = _get(ports[0], url, cookie)
                try:
                    consent_withdraw(
                        actor=personas.holder,
                        case_id=scope.case_id,
                        consent_id=scope.consent_id,
                        withdrawn_by_name="Mor (klyngetest)",
                        unit_id=scope.unit_id,
                    )
                except ValidationError:
                    break
                if cases_visible_to(reader).filter(pk=scope.case_id).exists():
                    break  # another way in (a second consent, a legal basis): try another case
                status_after, _ = _get(ports[-1], url, cookie)
                replica_still_has_it = _replica_sql(
                    "SELECT count(*) FROM consent_consentscope WHERE id = %s AND withdrawn_at IS NULL", (scope.pk,)
                )
                return {
                    "status_before": status_before,
                    "status_after": status_after,
                    "replica_still_had_the_consent": bool(replica_still_has_it),
                    "refused_after": status_before == 200 and status_after == 404,
                }
        return {"refused_after": False, "reason": "no reader with access through a consent only"}

    def _reads_fall_back(self, ports: list[int], personas: Any, cookie: str, logs: list[str]) -> dict[str, Any]:
        from bti.policy import AggregateScope
        from oversikt.selectors import compute_overview, default_filters, overview_table

        scope = AggregateScope(personas.case.kommune_id, None)
        f = default_filters()
        expected = next(v for s, label, v in overview_table(compute_overview(scope, f)) if label == "I alt")
        totals = {port: self._total(port, cookie, self._next()) for port in ports}
        lag = _replica_sql("SELECT EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())")
        logged = [_logged(path, "Lesereplika brukes ikke") for path in logs]
        return {
            "replica_lag_s": float(lag) if lag is not None else None,
            "limit_s": settings.DATABASE_REPLICA_MAX_LAG_SECONDS,
            "primary_total": expected,
            "totals_per_node": {str(k): v for k, v in totals.items()},
            "all_nodes_read_primary": all(v == expected for v in totals.values()),
            "logged": bool(logs) and all(logged),
        }

    def _reads_return(self, ports: list[int], personas: Any, cookie: str, logs: list[str]) -> dict[str, Any]:
        """Replay resumed: once the replica has caught up, the nodes use it again (each
        process measures again within the check interval and says so)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if _replica_sql("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"):
                break
            time.sleep(0.3)
        time.sleep(2 * settings.DATABASE_REPLICA_CHECK_SECONDS + 0.5)
        totals = [self._total(port, cookie, self._next()) for port in ports for _ in range(4)]
        logged = [_logged(path, "Lesereplika brukes igjen") for path in logs]
        return {
            "totals": totals,
            "caught_up": len(set(totals)) == 1,
            "all_nodes_read_replica_again": len(set(totals)) == 1 and any(logged),
        }
