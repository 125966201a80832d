"""Measure the leader overview's server time on generated data (budget: 150 ms).

Creates (once) a separate «Målekommune» with ``--cases`` cases, their stafettlogg
entries and stafettholders in a few set-based SQL statements, rebuilds the summary
rows, then requests /oversikt/ as its kommune leader and reports the timings.
Generated log entries carry placeholder hashes: run it on a throwaway database.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings

from bti.models import Kommune, KommuneRole, KommuneRoleKind, Membership, MembershipRole, User
from cases.models import Case
from demo.seed import SERVICES, _units
from oversikt import facts, selectors
from oversikt.forms import OverviewFilterForm
from oversikt.tasks import refresh_kommune_facts

BENCH_KOMMUNE = ("Målekommune", "9990")

GENERATE = """
WITH kids AS (
    INSERT INTO cases_child (kommune_id, full_name, fnr, fnr_index, gender, created_at)
    SELECT %(k)s, 'Målebarn ' || g, '', '', '', now() FROM generate_series(1, %(n)s) g
    RETURNING id
), drawn AS (
    SELECT id AS child_id, random() AS r, random() AS r2, random() AS r3 FROM kids
)
INSERT INTO cases_case (kommune_id, child_id, child_name, anonymous_label, owner_unit_id, created_by_id, source, level,
    status, decision_deadline, opened_at, level_changed_at, closed_at, close_reason, last_activity_at, version)
SELECT %(k)s, child_id, 'Målebarn', '', (%(units)s::bigint[])[1 + (child_id %% %(nu)s)], %(user)s, 'ansatt',
    CASE WHEN r < 0.45 THEN 0 WHEN r < 0.75 THEN 1 WHEN r < 0.92 THEN 2 ELSE 3 END,
    CASE WHEN r2 < 0.35 THEN 'closed' ELSE 'open' END,
    (now() - (r3 * 730) * interval '1 day')::date + 14,
    now() - (r3 * 730) * interval '1 day',
    now() - (r3 * 700) * interval '1 day',
    CASE WHEN r2 < 0.35 THEN now() - (r3 * 300) * interval '1 day' END, '',
    now() - (r3 * 200) * interval '1 day', 1
FROM drawn
"""

ENTRIES = """
INSERT INTO stafettlogg_entry (kommune_id, case_id, seq, created_at, author_id, author_unit_id, kind, level,
    text, data, prev_hash, hash, key_id)
SELECT c.kommune_id, c.id, s.seq, c.opened_at + (s.seq - 1) * ((5 + (c.id %% 25)) * interval '1 day'),
    %(user)s, c.owner_unit_id, s.kind, s.lvl, '', s.data, repeat('0', 64), repeat('0', 64), ''
FROM cases_case c
CROSS JOIN LATERAL (VALUES
    (1, 'undring', 0, '{}'::jsonb),
    (2, CASE WHEN c.level = 0 THEN 'avslutning' ELSE 'beslutning' END, 0,
        CASE WHEN c.level = 0 THEN '{"level": 0}'::jsonb
             ELSE jsonb_build_object('from_level', 0, 'to_level', c.level) END),
    (3, 'avslutning', c.level, jsonb_build_object('level', c.level))
) AS s(seq, kind, lvl, data)
WHERE c.kommune_id = %(k)s
  AND NOT EXISTS (SELECT 1 FROM stafettlogg_entry e WHERE e.case_id = c.id)
  AND (s.seq = 1 OR (s.seq = 2 AND (c.level > 0 OR c.status = 'closed'))
       OR (s.seq = 3 AND c.level > 0 AND c.status = 'closed'))
"""

HOLDERS = """
INSERT INTO stafettlogg_stafettholder (kommune_id, case_id, user_id, unit_id, status, proposed_by_id, proposed_at,
    message, responded_at, response_reason, started_at)
SELECT c.kommune_id, c.id, %(user)s, c.owner_unit_id, 'active', %(user)s, c.level_changed_at, '',
    c.level_changed_at, '', c.level_changed_at
FROM cases_case c
WHERE c.kommune_id = %(k)s AND c.level >= 1 AND c.status = 'open'
  AND NOT EXISTS (SELECT 1 FROM stafettlogg_stafettholder s WHERE s.case_id = c.id)
"""


class Command(BaseCommand):
    help = "Mål serverens svartid for lederoversikten på genererte data (mål: ≤ 150 ms)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        kommune, _created = Kommune.objects.get_or_create(number=BENCH_KOMMUNE[1], defaults={"name": BENCH_KOMMUNE[0]})
        units = _units(kommune, SERVICES)
        leader, _created = User.objects.get_or_create(
            email="maaling@maalekommune.invalid",
            defaults={"full_name": "Måling Leder", "kommune": kommune, "is_demo": False},
        )
        KommuneRole.objects.get_or_create(user=leader, kommune=kommune, role=KommuneRoleKind.KOMMUNALSJEF)
        for unit in units.values():
            Membership.objects.get_or_create(user=leader, unit=unit, role=MembershipRole.ANSATT)
        have = Case.objects.filter(kommune=kommune).count()
        missing = options["cases"] - have
        started = time.perf_counter()
        if missing > 0:
            params = {
                "k": kommune.pk,
                "n": missing,
                "units": [u.pk for u in units.values()],
                "nu": len(units),
                "user": leader.pk,
            }
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(GENERATE, params)
                cursor.execute(ENTRIES, params)
                cursor.execute(HOLDERS, params)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE cases_case; ANALYZE stafettlogg_entry; ANALYZE stafettlogg_stafettholder")
        generated = time.perf_counter() - started
        total = Case.objects.filter(kommune=kommune).count()
        self.stdout.write(f"{total} saker i {kommune.name} ({missing if missing > 0 else 0} nye på {generated:.1f} s)")

        started = time.perf_counter()
        facts.refresh_facts(kommune_id=kommune.pk)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE oversikt_casefact")
            cursor.execute("VACUUM ANALYZE oversikt_levelfact")
        self.stdout.write(f"Oppsummeringstabellene bygget på {time.perf_counter() - started:.2f} s")

        from bti.policy import aggregate_scope

        scope = aggregate_scope(leader)
        assert scope is not None
        form = OverviewFilterForm({}, scope=scope)
        assert form.is_valid()
        selector_ms = []
        for _i in range(options["runs"]):
            t0 = time.perf_counter()
            selectors.compute_overview(scope, form.filters())
            selector_ms.append((time.perf_counter() - t0) * 1000)

        page_ms = []
        cold_ms = []
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            client = Client()
            client.force_login(leader, backend="bti.auth_backends.EmailBackend")
            for _i in range(3):
                cache.clear()
                t0 = time.perf_counter()
                assert client.get("/oversikt/").status_code == 200
                cold_ms.append((time.perf_counter() - t0) * 1000)
            started = time.perf_counter()
            refresh_kommune_facts(kommune.pk)  # what Celery does: refresh, then warm the cache
            self.stdout.write(f"Oppdatering og oppvarming (Celery-oppgaven): {time.perf_counter() - started:.2f} s")
            for _i in range(options["runs"]):
                t0 = time.perf_counter()
                response = client.get("/oversikt/")
                page_ms.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, response.status_code

        def report(name: str, values: list[float]) -> None:
            values.sort()
            p95 = values[max(0, int(len(values) * 0.95) - 1)]
            self.stdout.write(
                f"{name}: median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, min {values[0]:.1f} ms"
            )

        report("Spørringene uten hurtigbuffer (selectors.compute_overview)", selector_ms)
        report("Hele siden /oversikt/ uten hurtigbuffer (server)", cold_ms)
        report("Hele siden /oversikt/ etter oppdatering (server)", page_ms)
        verdict = "innenfor" if statistics.median(page_ms) <= 150 else "OVER"
        self.stdout.write(f"Budsjett 150 ms: {verdict}")
