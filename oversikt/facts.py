"""The summary tables of the leader overview, rebuilt from cases and the stafettlogg in
two set-based statements per kommune (no per-case Python). Idempotent: running it twice
gives the same rows, and rows that did not change are not rewritten (no table churn)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection, transaction

_CASE_FACTS = """
INSERT INTO oversikt_casefact (case_id, kommune_id, unit_id, service_id, level, is_open, opened_on,
    decided_on, went_on, closed_on, has_active_holder, handover_pending)
SELECT c.id, c.kommune_id, c.owner_unit_id, u.service_id, c.level, c.status = 'open',
    (c.opened_at AT TIME ZONE %(tz)s)::date, d.decided_on, d.went_on,
    (c.closed_at AT TIME ZONE %(tz)s)::date,
    EXISTS (SELECT 1 FROM stafettlogg_stafettholder s WHERE s.case_id = c.id AND s.status = 'active'),
    EXISTS (SELECT 1 FROM stafettlogg_stafettholder s WHERE s.case_id = c.id AND s.status = 'proposed')
FROM cases_case c
JOIN bti_unit u ON u.id = c.owner_unit_id
LEFT JOIN LATERAL (
    SELECT (e.created_at AT TIME ZONE %(tz)s)::date AS decided_on, e.kind = 'beslutning' AS went_on
    FROM stafettlogg_entry e
    WHERE e.case_id = c.id AND (e.kind = 'beslutning' OR (e.kind = 'avslutning' AND e.level = 0))
    ORDER BY e.seq LIMIT 1
) d ON true
WHERE c.kommune_id = %(kommune)s
ON CONFLICT (case_id) DO UPDATE SET
    unit_id = EXCLUDED.unit_id, service_id = EXCLUDED.service_id, level = EXCLUDED.level,
    is_open = EXCLUDED.is_open, opened_on = EXCLUDED.opened_on, decided_on = EXCLUDED.decided_on,
    went_on = EXCLUDED.went_on, closed_on = EXCLUDED.closed_on,
    has_active_holder = EXCLUDED.has_active_holder, handover_pending = EXCLUDED.handover_pending
WHERE (oversikt_casefact.unit_id, oversikt_casefact.service_id, oversikt_casefact.level, oversikt_casefact.is_open,
       oversikt_casefact.opened_on, oversikt_casefact.decided_on, oversikt_casefact.went_on,
       oversikt_casefact.closed_on, oversikt_casefact.has_active_holder, oversikt_casefact.handover_pending)
    IS DISTINCT FROM (EXCLUDED.unit_id, EXCLUDED.service_id, EXCLUDED.level, EXCLUDED.is_open, EXCLUDED.opened_on,
       EXCLUDED.decided_on, EXCLUDED.went_on, EXCLUDED.closed_on, EXCLUDED.has_active_holder,
       EXCLUDED.handover_pending)
"""

_LEVEL_FACTS = """
INSERT INTO oversikt_levelfact (entry_id, kommune_id, case_id, unit_id, service_id, from_level, to_level, "on",
    days_on_level)
SELECT e.id, e.kommune_id, e.case_id, c.owner_unit_id, u.service_id,
    CASE WHEN e.kind = 'avslutning' THEN e.level ELSE (e.data->>'from_level')::int END,
    CASE WHEN e.kind = 'avslutning' THEN -1 ELSE (e.data->>'to_level')::int END,
    (e.created_at AT TIME ZONE %(tz)s)::date,
    GREATEST(0, (e.created_at AT TIME ZONE %(tz)s)::date
        - (COALESCE(prev.created_at, c.opened_at) AT TIME ZONE %(tz)s)::date)
FROM stafettlogg_entry e
JOIN cases_case c ON c.id = e.case_id
JOIN bti_unit u ON u.id = c.owner_unit_id
LEFT JOIN LATERAL (
    SELECT p.created_at FROM stafettlogg_entry p
    WHERE p.case_id = e.case_id AND p.seq < e.seq AND p.kind IN ('beslutning', 'nivaendring', 'gjenapning')
    ORDER BY p.seq DESC LIMIT 1
) prev ON true
WHERE e.kommune_id = %(kommune)s AND e.kind IN ('beslutning', 'nivaendring', 'avslutning')
ON CONFLICT (entry_id) DO NOTHING
"""


# statement_timestamp(), not now(): the rows are as of the statements above (each reads
# its own snapshot), not as of the transaction's start, which a caller may have opened long before.
_BUMP_VERSION = """
INSERT INTO oversikt_factsversion (kommune_id, version, refreshed_at) VALUES (%(kommune)s, 1, statement_timestamp())
ON CONFLICT (kommune_id) DO UPDATE SET version = oversikt_factsversion.version + 1,
    refreshed_at = statement_timestamp()
"""


@transaction.atomic
def refresh_facts(*, kommune_id: int) -> None:
    """Bring the kommune's summary rows up to date with its cases and log entries."""
    params: dict[str, Any] = {"kommune": kommune_id, "tz": settings.TIME_ZONE}
    with connection.cursor() as cursor:
        cursor.execute(_CASE_FACTS, params)
        cursor.execute(_LEVEL_FACTS, params)
        # In the same transaction as the rows: a database (primary or replica) that has
        # these rows has this version, which keys the overview's cache (selectors.facts_version).
        cursor.execute(_BUMP_VERSION, params)
