"""Tamper evidence that holds against the database owner (issue 20, item 2).

Each test plays the owner: it may disable triggers, delete, truncate and recompute
hashes, but it does not hold LOG_INTEGRITY_KEYS and cannot write the checkpoint folder.
Before this issue every one of these passed ``verify_stafettlogg`` with exit 0.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bti import integrity, sealing
from bti.innsyn import record_access
from bti.integrity import canonical_json, load_checkpoints, write_checkpoint
from stafettlogg.models import Entry
from tests.cases.helpers import case_on_level, undring

pytestmark = pytest.mark.django_db


def verify(*args: str) -> str:
    """verify_stafettlogg's report (stderr), raising CommandError as the command does."""
    err = io.StringIO()
    try:
        call_command("verify_stafettlogg", *args, stdout=io.StringIO(), stderr=err)
    except CommandError as exc:
        raise CommandError(err.getvalue() + str(exc)) from exc
    return err.getvalue()


def as_owner(*statements: tuple[str, list]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE stafettlogg_entry DISABLE TRIGGER stafettlogg_entry_no_update_delete")
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute("ALTER TABLE stafettlogg_entry ENABLE TRIGGER stafettlogg_entry_no_update_delete")


def unkeyed_rewrite(case_id: int, *, forged_text: str) -> None:
    """What the hostile tester did: rewrite every entry of a case with a forged text and
    recompute the whole chain with plain SHA-256 (the tool any owner has)."""
    prev = "0" * 64
    rows = []
    for e in Entry.objects.filter(case_id=case_id).order_by("seq"):
        e.text = forged_text if e.seq == 1 else e.text
        e.prev_hash = prev
        e.key_id = ""
        digest = hashlib.sha256(canonical_json(e.hash_payload())).hexdigest()
        rows.append(
            (
                "UPDATE stafettlogg_entry SET text=%s, prev_hash=%s, hash=%s, key_id='' WHERE id=%s",
                [sealing.stored(e.text), prev, digest, e.pk],
            )
        )
        prev = digest
    as_owner(*rows)


def test_every_new_entry_is_keyed_with_a_secret_outside_the_database(personas, settings):
    case = undring(personas)
    entry = Entry.objects.get(case=case)
    assert entry.key_id == integrity.current_key_id()
    assert entry.hash != hashlib.sha256(canonical_json(entry.hash_payload())).hexdigest()
    settings.LOG_INTEGRITY_KEYS = ["en-annen-nøkkel-som-ingen-i-databasen-kjenner-0123456789"]
    with pytest.raises(KeyError):
        entry.compute_hash()


def test_deleting_the_last_entries_is_named_avkortet(personas):
    case = case_on_level(personas, 2)
    last = Entry.objects.filter(case=case).order_by("-seq").first()
    assert last is not None
    write_checkpoint()
    as_owner(("DELETE FROM stafettlogg_entry WHERE case_id = %s AND seq >= %s", [case.pk, last.seq - 1]))
    with pytest.raises(CommandError) as err:
        verify()
    assert "[avkortet]" in str(err.value)
    assert f"de siste 2 loggføringene (#{last.seq - 1}–#{last.seq}) mangler" in str(err.value)


def test_truncating_the_table_is_named_tomt(personas):
    case_on_level(personas, 2)
    undring(personas)
    write_checkpoint()
    as_owner(("TRUNCATE stafettlogg_entry CASCADE", []))
    with pytest.raises(CommandError) as err:
        verify()
    assert "[tømt]" in str(err.value) and "TRUNCATE" in str(err.value)


def test_a_full_rewrite_with_recomputed_hashes_is_named_omskrevet(personas):
    case = case_on_level(personas, 2)
    write_checkpoint()
    unkeyed_rewrite(case.pk, forged_text="FORFALSKET-7731")
    with pytest.raises(CommandError) as err:
        verify()
    assert "[omskrevet]" in str(err.value) and f"Sak {case.pk}" in str(err.value)


def test_a_rewrite_before_any_checkpoint_is_caught_by_the_key_alone(personas):
    case = case_on_level(personas, 2)
    other = undring(personas)
    unkeyed_rewrite(case.pk, forged_text="FORFALSKET-7732")
    write_checkpoint()  # the owner's rewrite happened before it: the key still tells
    with pytest.raises(CommandError) as err:
        verify()
    assert "[omskrevet]" in str(err.value) and f"Sak {case.pk}" in str(err.value)
    assert f"Sak {other.pk}" not in str(err.value)


def test_a_rewrite_with_the_key_after_a_checkpoint_no_longer_matches_its_head(personas):
    """Even someone who stole the key cannot move an anchored head."""
    case = case_on_level(personas, 2)
    write_checkpoint()
    prev = "0" * 64
    rows = []
    for e in Entry.objects.filter(case=case).order_by("seq"):
        e.text = "FORFALSKET-7733" if e.seq == 1 else e.text
        e.prev_hash = prev
        digest = e.compute_hash()
        rows.append(
            (
                "UPDATE stafettlogg_entry SET text=%s, prev_hash=%s, hash=%s WHERE id=%s",
                [sealing.stored(e.text), prev, digest, e.pk],
            )
        )
        prev = digest
    as_owner(*rows)
    with pytest.raises(CommandError) as err:
        verify()
    assert "[omskrevet]" in str(err.value) and "stemmer ikke med sjekkpunkt" in str(err.value)


def test_an_untouched_log_passes_with_entries_after_the_last_checkpoint(personas, capsys):
    case = case_on_level(personas, 1)
    write_checkpoint()
    undring(personas)
    write_checkpoint()
    from stafettlogg import services as log_services

    log_services.note_add(actor=personas["barnehagelaerer"], case_id=case.pk, kind="notat", text="Etter sjekkpunktet")
    assert verify() == ""


def test_it_refuses_to_vouch_without_checkpoints(personas):
    undring(personas)
    with pytest.raises(CommandError, match="Ingen gyldige sjekkpunkter"):
        verify()


def test_checkpoints_are_signed_chained_and_never_overwritten(personas, settings):
    undring(personas)
    first = write_checkpoint()
    second = write_checkpoint()
    assert second.body["previous"] == hashlib.sha256((settings.LOG_ANCHOR_DIR / first.name).read_bytes()).hexdigest()
    assert not os.access(settings.LOG_ANCHOR_DIR / first.name, os.W_OK) or os.geteuid() == 0
    with pytest.raises(FileExistsError):
        integrity.store().write(first.name, b"{}")
    # Someone edits a checkpoint to match a shortened log: the signature tells.
    path = settings.LOG_ANCHOR_DIR / first.name
    doc = json.loads(path.read_bytes())
    doc["body"]["sections"]["stafettlogg"]["cases"] = {}
    path.chmod(0o644)
    path.write_text(json.dumps(doc))
    problems = load_checkpoints().problems
    assert any("signaturen stemmer ikke" in p for p in problems)
    # Deleting a checkpoint in the middle breaks the numbering.
    write_checkpoint()
    path.unlink()
    assert any("mangler" in p for p in load_checkpoints().problems)


def test_an_incremental_checkpoint_holds_only_changed_cases(personas):
    quiet = undring(personas)
    first = write_checkpoint()
    assert str(quiet.pk) in first.body["sections"]["stafettlogg"]["cases"]
    busy = case_on_level(personas, 1)
    second = write_checkpoint()
    assert set(second.body["sections"]["stafettlogg"]["cases"]) >= {str(busy.pk)}
    assert second.body["sections"]["stafettlogg"]["full"] is False


# --- The innsynslogg and the security log, per day -----------------------------------


def read_as(personas, case, n: int) -> None:
    for _ in range(n):
        record_access(user=personas["barnehagelaerer"], obj_type="case", obj_id=case.pk, case=case)


def verify_days() -> str:
    err = io.StringIO()
    try:
        call_command("verify_innsynslogg", stdout=io.StringIO(), stderr=err)
    except CommandError as exc:
        raise CommandError(err.getvalue() + str(exc)) from exc
    return err.getvalue()


def anchor_now() -> None:
    write_checkpoint(now=timezone.now() + timedelta(minutes=5))  # past the settle time


def test_innsynslogg_rows_deleted_after_anchoring_are_named_per_day(personas):
    case = undring(personas)
    read_as(personas, case, 3)
    anchor_now()
    assert verify_days() == ""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE bti_accesslogentry DISABLE TRIGGER bti_accesslogentry_no_update_delete")
        cursor.execute(
            "DELETE FROM bti_accesslogentry WHERE id = (SELECT max(id) FROM bti_accesslogentry WHERE case_id = %s)",
            [case.pk],
        )
        cursor.execute("ALTER TABLE bti_accesslogentry ENABLE TRIGGER bti_accesslogentry_no_update_delete")
    with pytest.raises(CommandError) as err:
        verify_days()
    assert f"innsynslogg {timezone.now().date().isoformat()}" in str(err.value) or "innsynslogg 20" in str(err.value)
    assert "1 av " in str(err.value) and "slettet" in str(err.value)


def test_innsynslogg_truncated_is_named_tomt(personas):
    case = undring(personas)
    read_as(personas, case, 2)
    anchor_now()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE bti_accesslogentry CASCADE")
    with pytest.raises(CommandError, match="Innsynsloggen er tømt"):
        verify_days()


def test_innsynslogg_rows_altered_are_named_endret(personas):
    case = undring(personas)
    read_as(personas, case, 2)
    anchor_now()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE bti_accesslogentry DISABLE TRIGGER bti_accesslogentry_no_update_delete")
        cursor.execute("UPDATE bti_accesslogentry SET user_id = %s", [personas["rektor"].pk])
        cursor.execute("ALTER TABLE bti_accesslogentry ENABLE TRIGGER bti_accesslogentry_no_update_delete")
    with pytest.raises(CommandError, match="rader er endret"):
        verify_days()


def test_entries_from_before_the_key_pass_only_once_an_operator_vouched_for_them(personas):
    """An upgraded database: its old entries are plain SHA-256. They are refused until
    ``anchor_logs --accept-legacy`` vouches for them, and only for the count it saw."""
    case = case_on_level(personas, 1)
    unkeyed_rewrite(case.pk, forged_text="Emma virker trist (før nøkkelen)")  # as the old code wrote them
    write_checkpoint()
    with pytest.raises(CommandError, match="har ingen nøkkel"):
        verify()
    call_command("anchor_logs", "--accept-legacy", stdout=io.StringIO())
    assert verify() == ""
    as_owner(("UPDATE stafettlogg_entry SET key_id = '' WHERE case_id = %s AND seq = 1", [case.pk]))
    assert verify() == ""  # the same legacy entry, untouched
