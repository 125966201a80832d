"""More than one machine, on one machine (ADR 0020, docs/deployment.md): a PostgreSQL
primary with a real streaming replica (initdb + pg_basebackup from Debian's PostgreSQL, in
a temporary folder, on ports of its own), two gunicorn web nodes with the replica
configured, and the project's load test (demo/bench/load.py) through both.

About two minutes, so not part of ``make test``: ``make cluster-test`` runs it (CI too,
from .ci/run), with ``CLUSTER_TEST=1``."""

from __future__ import annotations

import json
import os

import pytest

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(os.environ.get("CLUSTER_TEST") != "1", reason="make cluster-test runs this (CLUSTER_TEST=1)"),
]


def test_it_serves_two_nodes_on_a_primary_with_a_streaming_replica():
    from demo.bench import cluster

    port = int(os.environ.get("CLUSTER_TEST_PORT", "0")) or None
    result = cluster.run(seconds=20, users=30, think_ms=3000, primary_port=port)
    print(
        json.dumps(
            {k: result[k] for k in ("load", "checks", "stale_read", "lag_guard", "timings", "postgres")}, indent=1
        )
    )
    load = result["load"]
    # The load test through both nodes: every request answered 200, both nodes used. (30 users
    # thinking 3 s for 20 s make about 200 requests on an idle machine, 88 at load 10: the
    # count only shows that every user got through; the errors are the criterion.)
    assert load["requests"] >= 30
    assert load["errors_status"] == load["errors_connect"] == load["errors_timeout"] == 0, load
    # Both nodes served users, node 2 through PgBouncer in transaction mode.
    assert all(node["requests"] > 0 and node["errors"] == 0 for node in load["per_node"].values())
    assert result["node_2_through_pgbouncer"]
    # The nodes read the overview from the replica while it is fresh ...
    assert result["replica_connections_from_nodes"] > 0
    stale = result["stale_read"]
    assert stale["before"] == stale["after_5_new_cases"] != result["lag_guard"]["primary_total"], stale
    # ... access is decided on the primary: a consent withdrawn while the replica still
    # holds it counts on the very next request, on the other node ...
    consent = result["consent"]
    assert consent["status_before"] == 200 and consent["status_after"] == 404, consent
    assert consent["replica_still_had_the_consent"]
    # ... a replica behind by more than the limit sends reads to the primary, logged ...
    lag = result["lag_guard"]
    assert lag["replica_lag_s"] > lag["limit_s"], lag
    assert lag["all_nodes_read_primary"] and lag["logged"], lag
    # ... and once it has caught up, it is used again.
    assert result["resumed"]["all_nodes_read_replica_again"], result["resumed"]
    assert result["ok"], result["checks"]
