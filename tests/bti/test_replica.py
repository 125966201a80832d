"""The read replica (bti/replica.py, ADR 0020): the leader overview and its exports may read
summary rows from it, nothing that decides access ever does, and a replica that is down
or minutes behind sends the reads back to the primary, logged.

A real streaming replica is started by tests/deploy/test_cluster.py (`make cluster-test`);
here the replica alias is a second connection to the test database, which is what a
replica that is 0 s behind looks like."""

from __future__ import annotations

import logging

import pytest
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bti import replica
from bti.replica import REPLICA_ALIAS, ReplicaRouter, ReplicaState, replica_reads
from oversikt import facts
from oversikt.models import CaseFact
from tests.cases.helpers import undring


@pytest.fixture(autouse=True)
def _fresh_state():
    replica.reset()
    yield
    replica.reset()


@pytest.fixture
def fake_replica(monkeypatch):
    """A configured replica whose measured state the test sets."""
    measured = {"state": ReplicaState(True, 0.4, "0.4 s etter")}
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "probe", lambda *a, **k: measured["state"])
    return measured


# Models an app registered as readable from the replica: summary rows and their labels.
READABLE = {
    "oversikt.casefact",
    "oversikt.levelfact",
    "oversikt.factsversion",
    "oversikt.alarm",
    "bti.unit",
    "bti.service",
}


def test_it_reads_only_registered_summary_models_from_the_replica(fake_replica):
    router = ReplicaRouter()
    assert router.db_for_read(CaseFact) is None  # outside the block: the default (primary)
    with replica_reads():
        for model in apps.get_models():
            expected = REPLICA_ALIAS if model._meta.label_lower in READABLE else DEFAULT_DB_ALIAS
            assert router.db_for_read(model) == expected, model._meta.label
    assert router.db_for_write(CaseFact) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA_ALIAS, "oversikt") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "oversikt") is True


def test_it_never_reads_what_decides_access_from_the_replica(fake_replica):
    """Consents, involvements, memberships, roles, stafettholders, cases, sessions and the
    users themselves always come from the primary: a withdrawn consent counts at once."""
    deciding = [
        "consent.consent",
        "consent.consentscope",
        "bti.membership",
        "bti.kommunerole",
        "bti.user",
        "stafettlogg.stafettholder",
        "cases.case",
        "cases.involvement",
        "sessions.session",
    ]
    with replica_reads():
        for label in deciding:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            assert replica.alias_for(model) == DEFAULT_DB_ALIAS, label


def test_it_falls_back_to_the_primary_when_the_replica_is_minutes_behind_and_logs_it(fake_replica, caplog):
    with replica_reads():
        assert replica.alias_for(CaseFact) == REPLICA_ALIAS
    replica.reset()
    fake_replica["state"] = ReplicaState(False, 312.0, "312 s etter primærdatabasen (grense 30 s)")
    with caplog.at_level(logging.WARNING, logger="bti.replica"):
        for _ in range(2):  # measured once, logged once
            with replica_reads():
                assert replica.alias_for(CaseFact) == DEFAULT_DB_ALIAS
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["Lesereplika brukes ikke, leser fra primærdatabasen: 312 s etter primærdatabasen (grense 30 s)"]


@pytest.mark.django_db
def test_it_falls_back_when_the_replica_is_down(monkeypatch):
    """A replica that cannot be reached (here: a port nobody listens on) is not waited for."""
    monkeypatch.setattr(replica, "configured", lambda: True)
    primary = connections[DEFAULT_DB_ALIAS]
    dead = {**primary.settings_dict, "PORT": "1", "HOST": "127.0.0.1"}
    dead["OPTIONS"] = {**dead["OPTIONS"], "connect_timeout": 2}
    connections["replica-dead"] = primary.__class__(dead, alias="replica-dead")
    try:
        state = replica.probe("replica-dead")
    finally:
        connections["replica-dead"].close()
        del connections["replica-dead"]
    assert not state.usable and "svarer ikke" in state.reason


@pytest.mark.django_db
def test_it_measures_a_primary_as_zero_seconds_behind():
    """The probe's SQL on a real server: a server that is not a standby has nothing to replay."""
    state = replica.probe(DEFAULT_DB_ALIAS, DEFAULT_DB_ALIAS)
    assert state == ReplicaState(True, 0.0, "ikke i gjenoppretting")


def test_it_judges_lag_against_the_configured_limit(monkeypatch, settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 10
    rows = iter([(False, "0/3000000"), (True, 4096, 42.5)])

    class Cursor:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql, params=None):
            self.row = next(rows)

        def fetchone(self):
            return self.row

    class Conn:
        def cursor(self):
            return Cursor()

    monkeypatch.setattr(replica, "connections", {"a": Conn(), "b": Conn()})
    state = replica.probe("b", "a")
    assert state == ReplicaState(False, 42.5, "42 s etter primærdatabasen (grense 10 s)")


@pytest.fixture
def replica_connection(monkeypatch):
    """``replica`` as a second connection to the (committed) test database."""
    primary = connections[DEFAULT_DB_ALIAS]
    wrapper = primary.__class__({**primary.settings_dict}, alias=REPLICA_ALIAS)
    connections[REPLICA_ALIAS] = wrapper
    monkeypatch.setattr(replica, "configured", lambda: True)
    yield wrapper
    wrapper.close()
    del connections[REPLICA_ALIAS]


@pytest.mark.django_db(transaction=True)
def test_it_serves_the_overview_and_its_exports_from_the_replica_after_the_access_check(
    personas, login, replica_connection
):
    from django.core.cache import cache

    for _ in range(6):
        undring(personas)
    facts.refresh_facts(kommune_id=personas["kommunalsjef"].kommune_id)
    leader = login(personas["kommunalsjef"])
    for name in ("overview", "overview-export-csv"):
        cache.clear()
        with (
            CaptureQueriesContext(replica_connection) as on_replica,
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
        ):
            response = leader.get(reverse(name))
        assert response.status_code == 200
        body = response.content.decode("utf-8-sig")
        assert "Lia barnehage" in body and ("6" in body)
        replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
        primary_sql = " ".join(q["sql"] for q in on_primary.captured_queries)
        assert "oversikt_casefact" in replica_sql and "pg_last_wal_replay_lsn" in replica_sql
        assert "oversikt_casefact" not in primary_sql
        # The access decision (the leader's kommune role) and the session: the primary.
        assert "bti_kommunerole" in primary_sql and "bti_kommunerole" not in replica_sql
        assert "django_session" not in replica_sql
        replica.reset()
    cache.clear()
    api = leader.get("/api/v1/oversikt/")
    assert {"section": "Åpne saker per enhet", "label": "Lia barnehage", "value": 6} in api.json()
    # A member of staff is still refused, whatever the replica says.
    assert login(personas["barnehagelaerer"]).get(reverse("overview")).status_code in (403, 404)


def test_it_asks_a_replica_that_is_down_less_often(fake_replica, monkeypatch, settings):
    """A replica that does not answer costs a connect timeout per check: 30 s between checks."""
    settings.DATABASE_REPLICA_CHECK_SECONDS = 5
    calls = []
    fake_replica["state"] = ReplicaState(False, None, "replikaen svarer ikke (OperationalError)")

    def probe(*args, **kwargs):
        calls.append(1)
        return fake_replica["state"]

    monkeypatch.setattr(replica, "probe", probe)
    clock = {"now": 1000.0}
    monkeypatch.setattr(replica.time, "monotonic", lambda: clock["now"])
    with replica_reads():
        assert replica.alias_for(CaseFact) == DEFAULT_DB_ALIAS
    clock["now"] += 10  # past the check interval, within the down interval
    with replica_reads():
        assert replica.alias_for(CaseFact) == DEFAULT_DB_ALIAS
    assert len(calls) == 1
    clock["now"] += 25
    fake_replica["state"] = ReplicaState(True, 0.2, "0.2 s etter")
    with replica_reads():
        assert replica.alias_for(CaseFact) == REPLICA_ALIAS
    assert len(calls) == 2


def test_one_block_reads_one_database_whatever_the_guard_says_meanwhile(fake_replica):
    """The lag guard decides at the block's first read: a request's numbers and the cache
    version that keys them never come half from the replica and half from the primary."""
    with replica_reads():
        assert replica.alias_for(CaseFact) == REPLICA_ALIAS
        replica.reset()
        fake_replica["state"] = ReplicaState(False, 312.0, "312 s etter primærdatabasen (grense 30 s)")
        assert replica.alias_for(CaseFact) == REPLICA_ALIAS
    with replica_reads():
        assert replica.alias_for(CaseFact) == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True)
def test_a_fallback_to_the_primary_never_gets_the_lagging_replicas_numbers_from_the_cache(
    personas, login, replica_connection, monkeypatch
):
    """The overview's cache is keyed by the facts version read from the database the rows
    come from. The «replica» here holds a snapshot taken before the primary's last refresh
    (a replica that has not replayed it): the overview read from it shows the old count and
    is cached under the replica's version; once the guard sends reads to the primary, the
    primary's newer numbers are shown, not the replica's from the cache."""
    from django.core.cache import cache

    kommune_id = personas["kommunalsjef"].kommune_id
    for _ in range(6):
        undring(personas)
    facts.refresh_facts(kommune_id=kommune_id)
    with replica_connection.cursor() as cursor:  # the replica stops replaying here
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT count(*) FROM oversikt_factsversion")
    try:
        for _ in range(4):
            undring(personas)
        facts.refresh_facts(kommune_id=kommune_id)
        cache.clear()
        leader = login(personas["kommunalsjef"])

        def lia() -> object:
            rows = leader.get("/api/v1/oversikt/").json()
            return next(
                r["value"] for r in rows if r["section"] == "Åpne saker per enhet" and r["label"] == "Lia barnehage"
            )

        assert lia() == 6  # from the replica, within the lag limit: a few seconds old is allowed
        replica.reset()
        monkeypatch.setattr(replica, "probe", lambda *a, **k: ReplicaState(False, 312.0, "312 s etter"))
        assert lia() == 10  # behind: the primary's numbers, not the replica's from the cache
    finally:
        with replica_connection.cursor() as cursor:
            cursor.execute("ROLLBACK")
