"""The stafettlogg's part of a checkpoint (bti/integrity.py): each case's chain length
and head hash.

An incremental checkpoint holds the cases with an entry whose id is above the previous
checkpoint's watermark (less a margin for transactions that took their id earlier but
committed later); the nightly full one holds every case, so a case missed by the margin
is anchored within a day.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection

# Entries that took an id this much below the watermark may still have been in flight.
ID_MARGIN = 5000

FULL_SQL = """
SELECT c.id, e.seq, e.hash FROM cases_case c
CROSS JOIN LATERAL (
    SELECT seq, hash FROM stafettlogg_entry WHERE case_id = c.id ORDER BY seq DESC LIMIT 1
) e
"""
CHANGED_SQL = """
SELECT DISTINCT ON (e.case_id) e.case_id, e.seq, e.hash FROM stafettlogg_entry e
WHERE e.case_id IN (SELECT case_id FROM stafettlogg_entry WHERE id > %s)
ORDER BY e.case_id, e.seq DESC
"""


LEGACY_SQL = """
SELECT case_id, count(*) FROM stafettlogg_entry WHERE key_id = '' GROUP BY case_id
"""


def collect(previous: dict[str, Any] | None, now: datetime, options: dict[str, bool]) -> dict[str, Any]:
    full = options.get("full", False)
    legacy: dict[str, int] = {}
    with connection.cursor() as cursor:
        if options.get("accept_legacy"):
            cursor.execute(LEGACY_SQL)
            legacy = {str(case_id): n for case_id, n in cursor.fetchall()}
        cursor.execute("SELECT coalesce(max(id), 0), count(*) FROM stafettlogg_entry")
        watermark, total = cursor.fetchone()
        if full or previous is None:
            cursor.execute(FULL_SQL)
        else:
            cursor.execute(CHANGED_SQL, [max(0, int(previous.get("watermark", 0)) - ID_MARGIN)])
        cases = {str(case_id): [seq, head] for case_id, seq, head in cursor.fetchall()}
    part: dict[str, Any] = {"full": bool(full), "watermark": watermark, "total": total, "cases": cases}
    if legacy:
        part["legacy"] = legacy
    return part


def vouched_legacy(checkpoints: list[Any]) -> dict[int, int]:
    """case id -> how many leading unkeyed entries an operator vouched for (``anchor_logs
    --accept-legacy`` after the upgrade that keyed the chain)."""
    vouched: dict[int, int] = {}
    for cp in checkpoints:
        for case_id, n in cp.body.get("sections", {}).get("stafettlogg", {}).get("legacy", {}).items():
            vouched[int(case_id)] = max(vouched.get(int(case_id), 0), int(n))
    return vouched


def anchored_heads(checkpoints: list[Any]) -> dict[int, tuple[int, str, str]]:
    """case id -> (length, head hash, checkpoint name), the longest anchored state."""
    heads: dict[int, tuple[int, str, str]] = {}
    for cp in checkpoints:
        part = cp.body.get("sections", {}).get("stafettlogg")
        if not part:
            continue
        for case_id, (length, head) in part.get("cases", {}).items():
            key = int(case_id)
            if key not in heads or length >= heads[key][0]:
                heads[key] = (int(length), head, cp.name)
    return heads
