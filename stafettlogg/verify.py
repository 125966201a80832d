"""Recompute each case's hash chain; the first entry whose stored hash or predecessor
link does not match is reported."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from stafettlogg.models import GENESIS_HASH, Entry


@dataclass
class Break:
    case_id: int
    entry_id: int
    seq: int
    problem: str


def verify_chains(case_id: int | None = None) -> Iterator[Break]:
    qs = Entry.objects.order_by("case_id", "seq")
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    current_case = None
    prev_hash = GENESIS_HASH
    expected_seq = 1
    broken_case = None
    for entry in qs.iterator(chunk_size=2000):
        if entry.case_id != current_case:
            current_case, prev_hash, expected_seq, broken_case = entry.case_id, GENESIS_HASH, 1, None
        if broken_case == entry.case_id:
            continue
        problem = ""
        if entry.seq != expected_seq:
            problem = f"sekvensnummer {entry.seq}, ventet {expected_seq} (en loggføring mangler)"
        elif entry.prev_hash != prev_hash:
            problem = "peker ikke på forrige loggføring (prev_hash stemmer ikke)"
        elif entry.compute_hash() != entry.hash:
            problem = "innholdet er endret (hash stemmer ikke)"
        if problem:
            broken_case = entry.case_id
            yield Break(entry.case_id, entry.pk, entry.seq, problem)
            continue
        prev_hash = entry.hash
        expected_seq += 1
