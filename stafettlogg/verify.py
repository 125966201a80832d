"""Recompute each case's hash chain and compare it with the signed checkpoints; the
first problem of each case is reported, named by what happened (docs/adr/0018):

* ``endret``: an entry's content no longer matches its keyed hash;
* ``slettet``: a sequence number is missing inside the chain;
* ``avkortet``: the chain is shorter than a checkpoint recorded (the last entries are gone);
* ``omskrevet``: the chain was recomputed (the head no longer matches the checkpoint, or
  entries carry no key and no checkpoint covers them);
* ``tømt``: the table is empty although checkpoints recorded entries (TRUNCATE).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bti import integrity, sealing
from stafettlogg.models import GENESIS_HASH, Entry


@dataclass
class Break:
    case_id: int
    entry_id: int | None
    seq: int
    problem: str
    kind: str = "endret"


def verify_chains(
    case_id: int | None = None,
    *,
    heads: dict[int, tuple[int, str, str]] | None = None,
    legacy: dict[int, int] | None = None,
) -> Iterator[Break]:
    """Check every chain (keyed hashes, links, sequence); with ``heads`` (from the
    checkpoints) also that no anchored entry is gone or rewritten. Unkeyed entries pass
    only where ``legacy`` (vouched for by an operator's checkpoint) covers them."""
    heads = heads or {}
    legacy = legacy or {}
    if case_id is not None:
        heads = {k: v for k, v in heads.items() if k == case_id}
    qs = Entry.objects.order_by("case_id", "seq")
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    known_keys = integrity.keys()
    with sealing.sealed_only():
        yield from _walk(qs, heads, legacy, known_keys, case_id)


def _walk(
    qs: Any,
    heads: dict[int, tuple[int, str, str]],
    legacy: dict[int, int],
    known_keys: dict[str, bytes],
    case_id: int | None,
) -> Iterator[Break]:
    seen: set[int] = set()
    current: int | None = None
    prev_hash, expected_seq, broken = GENESIS_HASH, 1, False
    last_seq = 0
    for entry in qs.iterator(chunk_size=2000):
        if entry.case_id != current:
            if current is not None and not broken:
                yield from _tail(current, last_seq, heads)
            current, prev_hash, expected_seq, broken, last_seq = entry.case_id, GENESIS_HASH, 1, False, 0
            seen.add(entry.case_id)
        if broken:
            continue
        anchored = heads.get(entry.case_id)
        problem, kind = _check(entry, prev_hash, expected_seq, anchored, known_keys, legacy.get(entry.case_id, 0))
        if problem:
            broken = True
            yield Break(entry.case_id, entry.pk, entry.seq, problem, kind)
            continue
        prev_hash, expected_seq, last_seq = entry.hash, expected_seq + 1, entry.seq
    if current is not None and not broken:
        yield from _tail(current, last_seq, heads)
    missing = {k: v for k, v in heads.items() if k not in seen}
    if missing and not seen and case_id is None:
        entries = sum(v[0] for v in missing.values())
        yield Break(
            0,
            None,
            0,
            f"stafettloggen er tømt: sjekkpunktene har {entries} loggføringer i {len(missing)} saker, "
            "databasen ingen (TRUNCATE?)",
            "tømt",
        )
        return
    for missing_case, (length, _head, cp) in sorted(missing.items()):
        yield Break(missing_case, None, 1, f"alle {length} loggføringene mangler (sjekkpunkt {cp})", "avkortet")


def _check(
    entry: Entry,
    prev_hash: str,
    expected_seq: int,
    anchored: tuple[int, str, str] | None,
    known_keys: dict[str, bytes],
    vouched: int,
) -> tuple[str, str]:
    if entry.seq != expected_seq:
        return f"sekvensnummer {entry.seq}, ventet {expected_seq} (loggføring #{expected_seq} er slettet)", "slettet"
    if entry.prev_hash != prev_hash:
        return "peker ikke på forrige loggføring (prev_hash stemmer ikke)", "endret"
    if entry.key_id and entry.key_id not in known_keys:
        return f"er signert med en ukjent nøkkel ({entry.key_id})", "omskrevet"
    if entry.seal:
        # Sealed by the migration: the seal binds the stored row to its original hash.
        if not entry.seal_ok(known_keys):
            return "innholdet er endret (forseglingen stemmer ikke med nøkkelen)", "endret"
    elif entry.compute_hash() != entry.hash:
        return "innholdet er endret (hash stemmer ikke med nøkkelen)", "endret"
    if anchored is not None and entry.seq == anchored[0] and entry.hash != anchored[1]:
        return f"kjeden er regnet om: hodet ved #{entry.seq} stemmer ikke med sjekkpunkt {anchored[2]}", "omskrevet"
    if not entry.key_id and entry.seq > vouched:
        return "har ingen nøkkel (skrevet eller regnet om utenom appen)", "omskrevet"
    return "", ""


def _tail(case_id: int, last_seq: int, heads: dict[int, tuple[int, str, str]]) -> Iterator[Break]:
    anchored = heads.get(case_id)
    if anchored is not None and last_seq < anchored[0]:
        first, last = last_seq + 1, anchored[0]
        which = f"#{first}" if first == last else f"#{first}–#{last}"
        yield Break(
            case_id,
            None,
            first,
            f"avkortet: de siste {last - last_seq} loggføringene ({which}) mangler (sjekkpunkt {anchored[2]})",
            "avkortet",
        )
