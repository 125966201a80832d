"""Tamper evidence for the append-only logs that holds against the database owner
(docs/adr/0018).

Two pieces, both keyed with ``LOG_INTEGRITY_KEYS``, a secret that is never in the
database:

* **Keyed chain.** Each stafettlogg entry's hash is an HMAC-SHA256 of its content and
  its predecessor's hash (``chain_digest``), and the entry names the key (``key_id``).
  Whoever can write the table but does not hold the key cannot recompute a chain.
* **Signed checkpoints.** ``write_checkpoint`` records, for every section registered in
  ``SECTIONS`` (the stafettlogg: each case's chain length and head; the innsynslogg and
  the security log: each day's row count and digest), a JSON file signed with Ed25519,
  numbered and chained to the previous file. Files go to ``LOG_ANCHOR_DIR``, opened with
  ``O_EXCL`` and made read-only; the folder belongs on a store the database's owner
  cannot write (another host, a WORM bucket, ``chattr +a``). Truncation, deletion of the
  last entries and a recomputed rewrite all disagree with a checkpoint.

``load_checkpoints`` reads and checks every file (signature, numbering, chain); the
verify commands compare the database with what the files say.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import FieldError
from django.utils import timezone

FORMAT = "bti-sjekkpunkt/1"
LEGACY_KEY_ID = ""  # entries written before the chain was keyed: plain SHA-256


# --- Keys -----------------------------------------------------------------------------


def derive_dev_key(secret: str) -> str:
    """The integrity key derived from the local secret (demo, debug and tests only)."""
    return hashlib.sha256(f"bti-log-integrity:{secret}".encode()).hexdigest()


def key_id(key: str) -> str:
    return hashlib.sha256(f"bti-log-key-id:{key}".encode()).hexdigest()[:8]


@lru_cache(maxsize=8)
def _keys(keys: tuple[str, ...]) -> dict[str, bytes]:
    return {key_id(k): k.encode() for k in keys}


def keys() -> dict[str, bytes]:
    """Every configured key by id (the first is the one new entries use)."""
    return _keys(tuple(settings.LOG_INTEGRITY_KEYS))


def current_key_id() -> str:
    return _current()[0]


@lru_cache(maxsize=8)
def _hmac_template(key: bytes) -> Any:
    return hmac.new(key, digestmod=hashlib.sha256)


_memo: list[Any] = [None, "", None]  # (the settings list, its current key id, its HMAC template)


def _current() -> tuple[str, Any]:
    configured = settings.LOG_INTEGRITY_KEYS
    if _memo[0] is not configured:  # settings changed (tests, key rotation): recompute once
        kid = key_id(configured[0])
        _memo[:] = [configured, kid, _hmac_template(configured[0].encode())]
    return _memo[1], _memo[2]


def chain_digest(canonical: bytes, kid: str | None = None) -> str:
    """The hash of one chain link: HMAC-SHA256 with the key ``kid`` (default: the current
    one); the legacy id ``""`` is plain SHA-256. An unknown key id raises KeyError."""
    current, template = _current()
    if kid is None or kid == current:
        mac = template.copy()
    elif kid == LEGACY_KEY_ID:
        return hashlib.sha256(canonical).hexdigest()
    else:
        mac = _hmac_template(keys()[kid]).copy()
    mac.update(canonical)
    return str(mac.hexdigest())


def canonical_json(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@lru_cache(maxsize=8)
def _signing_key(key: str) -> Ed25519PrivateKey:
    seed = hmac.new(key.encode(), b"bti-anchor-signing", hashlib.sha256).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_b64(key: str) -> str:
    raw = _signing_key(key).public_key().public_bytes_raw()
    return base64.b64encode(raw).decode()


def trusted_public_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys a checkpoint may be signed with: those of every configured key and
    those listed in ``LOG_ANCHOR_PUBLIC_KEYS`` (an auditor who holds no secret)."""
    found = {key_id(k): _signing_key(k).public_key() for k in settings.LOG_INTEGRITY_KEYS}
    for item in getattr(settings, "LOG_ANCHOR_PUBLIC_KEYS", []):
        kid, _, b64 = item.partition(":")
        found[kid] = Ed25519PublicKey.from_public_bytes(base64.b64decode(b64))
    return found


# --- The store ------------------------------------------------------------------------


class AnchorStore:
    """A folder of checkpoint files, each created once and never rewritten."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def names(self) -> list[str]:
        if not self.path.is_dir():
            return []
        return sorted(p.name for p in self.path.iterdir() if p.suffix == ".json" and not p.name.startswith("."))

    def read(self, name: str) -> bytes:
        return (self.path / name).read_bytes()

    def write(self, name: str, data: bytes) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)


def store() -> AnchorStore:
    return AnchorStore(settings.LOG_ANCHOR_DIR)


# --- Sections -------------------------------------------------------------------------


@dataclass
class Section:
    """What one log contributes to a checkpoint. ``collect(previous, now, options)`` gets
    the section as the previous checkpoint recorded it (or None) and the options of this
    run (``full``, ``accept_legacy``), and returns its new part."""

    name: str
    collect: Callable[[dict[str, Any] | None, datetime, dict[str, bool]], dict[str, Any]]


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    SECTIONS[section.name] = section


@dataclass
class Checkpoint:
    name: str
    body: dict[str, Any]


@dataclass
class Loaded:
    checkpoints: list[Checkpoint] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_checkpoints(anchor_store: AnchorStore | None = None) -> Loaded:
    """Every checkpoint, checked: a valid signature by a trusted key, numbers without gaps,
    each naming the hash of the one before. A file that fails is reported and skipped."""
    anchor_store = anchor_store or store()
    trusted = trusted_public_keys()
    result = Loaded()
    previous_digest = ""
    expected = 1
    for name in anchor_store.names():
        raw = anchor_store.read(name)
        try:
            doc = json.loads(raw)
            body, signature = doc["body"], base64.b64decode(doc["signature"])
            public = trusted.get(body.get("key_id", ""))
            if public is None:
                result.problems.append(f"Sjekkpunkt {name}: signert med en ukjent nøkkel ({body.get('key_id')}).")
                continue
            public.verify(signature, canonical_json(body))
        except InvalidSignature:
            result.problems.append(f"Sjekkpunkt {name}: signaturen stemmer ikke (filen er endret).")
            continue
        except (ValueError, KeyError, TypeError):
            result.problems.append(f"Sjekkpunkt {name}: filen kan ikke leses (ødelagt eller endret).")
            continue
        number = int(body.get("number", 0))
        if number != expected:
            result.problems.append(
                f"Sjekkpunkt nr. {expected}–{number - 1} mangler (fant nr. {number} i {name})."
                if number > expected
                else f"Sjekkpunkt {name} har nr. {number}, ventet {expected}."
            )
        elif body.get("previous", "") != previous_digest:
            result.problems.append(f"Sjekkpunkt {name}: peker ikke på forrige sjekkpunkt (rekken er endret).")
        result.checkpoints.append(Checkpoint(name, body))
        previous_digest = hashlib.sha256(raw).hexdigest()
        expected = number + 1
    return result


def write_checkpoint(*, full: bool = False, accept_legacy: bool = False, now: datetime | None = None) -> Checkpoint:
    """Write the next checkpoint of every registered section. Serialised across processes
    by an advisory lock, so two workers never write the same number. ``accept_legacy``
    (once, by an operator, after upgrading) vouches for entries written before the chain
    was keyed."""
    from django.db import connection, transaction

    now = now or timezone.now()
    anchor_store = store()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bti-log-anchor'))")
        names = anchor_store.names()
        previous_raw = anchor_store.read(names[-1]) if names else b""
        previous = json.loads(previous_raw)["body"] if previous_raw else None
        number = int(previous["number"]) + 1 if previous else 1
        options = {"full": full or previous is None, "accept_legacy": accept_legacy}
        sections = {
            name: section.collect((previous or {}).get("sections", {}).get(name), now, options)
            for name, section in sorted(SECTIONS.items())
        }
        kid = current_key_id()
        body = {
            "format": FORMAT,
            "number": number,
            "created_at": now.astimezone(UTC).isoformat(),
            "previous": hashlib.sha256(previous_raw).hexdigest() if previous_raw else "",
            "key_id": kid,
            "sections": sections,
        }
        signature = _signing_key(settings.LOG_INTEGRITY_KEYS[0]).sign(canonical_json(body))
        data = json.dumps({"body": body, "signature": base64.b64encode(signature).decode()}, ensure_ascii=False)
        name = f"{number:08d}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.json"
        anchor_store.write(name, data.encode())
    return Checkpoint(name, body)


# --- Day digests (innsynslogg, security log) ------------------------------------------


@dataclass(frozen=True)
class DayLog:
    """A log whose rows are anchored per UTC day: count and digest of the rows of the day
    up to a cut-off, in (time, id) order. Only the model's rows and their time are used,
    so a partitioned table (issue 15) needs no change here."""

    name: str
    model_label: str
    time_field: str
    label: str
    # Rows younger than this may still be in an open transaction: anchored next time.
    settle: timedelta = timedelta(minutes=2)
    # Months dropped whole past their retention (the partitioned innsynslogg,
    # ``bti/partitions.py``): month -> [rows, digest, rule, dropped at, {day: [rows, digest]}].
    drops: Callable[[], dict[str, list[Any]]] | None = None

    def model(self) -> Any:
        from django.apps import apps

        return apps.get_model(self.model_label)

    def fields(self) -> list[str]:
        return sorted(f.attname for f in self.model()._meta.concrete_fields)

    def digest(self, start: datetime, end: datetime, fields: list[str]) -> tuple[int, str]:
        qs = (
            self.model()
            .objects.filter(**{f"{self.time_field}__gte": start, f"{self.time_field}__lt": end})
            .order_by(self.time_field, "pk")
            .values_list(*fields)
        )
        h = hashlib.sha256()
        count = 0
        for row in qs.iterator(chunk_size=5000):
            h.update(canonical_json([_plain(v) for v in row]))
            h.update(b"\n")
            count += 1
        return count, h.hexdigest()

    def collect(self, previous: dict[str, Any] | None, now: datetime, options: dict[str, bool]) -> dict[str, Any]:
        cutoff = now - self.settle
        fields = self.fields()
        # Days are digested from the previous cut-off on; ``full`` (the daily full
        # stafettlogg checkpoint) does not re-read a log's whole history.
        if previous:
            first = date.fromisoformat(previous["cutoff"][:10])
        else:
            oldest = self.model().objects.order_by(self.time_field).values_list(self.time_field, flat=True).first()
            first = oldest.astimezone(UTC).date() if oldest else cutoff.astimezone(UTC).date()
        days: dict[str, list[Any]] = {}
        for day in _days(first, cutoff.astimezone(UTC).date()):
            start = datetime.combine(day, time.min, tzinfo=UTC)
            end = min(start + timedelta(days=1), cutoff)
            count, digest = self.digest(start, end, fields)
            days[day.isoformat()] = [end.isoformat(), count, digest]
        part: dict[str, Any] = {"cutoff": cutoff.astimezone(UTC).isoformat(), "fields": fields, "days": days}
        if self.drops is not None:
            dropped = self.drops()
            if dropped:
                part["dropped"] = dropped
        return part


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


DAY_LOGS: dict[str, DayLog] = {}


def register_day_log(log: DayLog) -> None:
    DAY_LOGS[log.name] = log
    register_section(Section(log.name, log.collect))


@dataclass
class DayProblem:
    log: str
    day: str
    problem: str


def verify_day_logs(
    loaded: Loaded, *, since: date | None = None, names: Iterable[str] | None = None
) -> list[DayProblem]:
    """Recompute every anchored day (the latest checkpoint's cut-off for each) and name
    what changed: rows deleted, rows added afterwards, rows altered, the table emptied."""
    problems: list[DayProblem] = []
    for name in names or sorted(DAY_LOGS):
        log = DAY_LOGS[name]
        anchored: dict[str, tuple[str, int, str, list[str], str]] = {}
        for cp in loaded.checkpoints:
            part = cp.body.get("sections", {}).get(name)
            if not part:
                continue
            for day, (upto, count, digest) in part.get("days", {}).items():
                anchored[day] = (upto, count, digest, part.get("fields", []), cp.name)
        dropped = _anchored_drops(loaded, name)
        problems.extend(_check_drops(name, anchored, dropped))
        total_anchored = sum(a[1] for day, a in anchored.items() if day[:7] not in dropped)
        if total_anchored and not log.model().objects.exists():
            problems.append(
                DayProblem(
                    name,
                    "",
                    f"{log.label} er tømt: sjekkpunktene har {total_anchored} rader, databasen ingen (TRUNCATE?).",
                )
            )
            continue
        for day, (upto, count, digest, fields, cp_name) in sorted(anchored.items()):
            if since is not None and date.fromisoformat(day) < since:
                continue
            if day[:7] in dropped:  # the month was dropped whole; _check_drops compared it
                continue
            start = datetime.combine(date.fromisoformat(day), time.min, tzinfo=UTC)
            try:
                now_count, now_digest = log.digest(start, datetime.fromisoformat(upto), fields)
            except (FieldError, ValueError):  # a field the checkpoint names is gone from the model
                problems.append(DayProblem(name, day, f"kan ikke kontrolleres: feltene er endret ({cp_name})."))
                continue
            if now_count < count:
                problems.append(
                    DayProblem(name, day, f"{count - now_count} av {count} rader er slettet (sjekkpunkt {cp_name}).")
                )
            elif now_count > count:
                problems.append(
                    DayProblem(name, day, f"{now_count - count} rader er lagt til i ettertid (sjekkpunkt {cp_name}).")
                )
            elif now_digest != digest:
                problems.append(DayProblem(name, day, f"rader er endret (sjekkpunkt {cp_name})."))
    return problems


# A month of the innsynslogg may be dropped only when it is at least this many years old
# (the shortest innsynslogg retention a kommune may set, arkiv/rules.py): a drop record
# for a younger month is reported, so a deletion cannot pass as a drop.
MIN_DROP_YEARS = 2


def _anchored_drops(loaded: Loaded, name: str) -> dict[str, tuple[list[Any], str]]:
    """The drops that a signed checkpoint names: month -> (the drop, the checkpoint)."""
    found: dict[str, tuple[list[Any], str]] = {}
    for cp in loaded.checkpoints:
        for month, drop in (cp.body.get("sections", {}).get(name) or {}).get("dropped", {}).items():
            found.setdefault(month, (drop, cp.name))
    return found


def _check_drops(
    name: str,
    anchored: dict[str, tuple[str, int, str, list[str], str]],
    dropped: dict[str, tuple[list[Any], str]],
) -> list[DayProblem]:
    """Each anchored day of a dropped month must be the day the drop recorded (same rows,
    same digest), and the month must have been old enough when it was dropped."""
    problems: list[DayProblem] = []
    for month, (drop, cp_name) in sorted(dropped.items()):
        _rows, _digest, rule, dropped_at, days = drop
        first = date.fromisoformat(f"{month}-01")
        end = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        when = datetime.fromisoformat(dropped_at).date()
        if end.replace(year=end.year + MIN_DROP_YEARS) > when:
            problems.append(
                DayProblem(name, month, f"måneden ble slettet før {MIN_DROP_YEARS} år var gått ({rule}, {cp_name}).")
            )
        for day, (_upto, count, digest, _fields, day_cp) in sorted(anchored.items()):
            if day[:7] != month:
                continue
            recorded = days.get(day, [0, hashlib.sha256().hexdigest()])
            # Rows anchored up to a cut-off: the drop's day has those rows and maybe more.
            if recorded[0] < count or (recorded[0] == count and recorded[1] != digest):
                problems.append(
                    DayProblem(name, day, f"slettet måned stemmer ikke med sjekkpunkt {day_cp} ({rule}, {cp_name}).")
                )
    return problems


def _innsynslogg_drops() -> dict[str, list[Any]]:
    from bti.partitions import drops_for_checkpoint

    return drops_for_checkpoint()


register_day_log(DayLog("innsynslogg", "bti.AccessLogEntry", "at", "Innsynsloggen", drops=_innsynslogg_drops))
register_day_log(DayLog("sikkerhetslogg", "bti.SecurityEvent", "at", "Sikkerhetsloggen"))
