"""The stafettlogg is append-only in the database and tamper-evident."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from stafettlogg import services as log_services
from stafettlogg.models import Entry
from tests.cases.helpers import case_on_level, undring

pytestmark = pytest.mark.django_db


def test_raw_sql_update_is_refused(personas):
    case = undring(personas)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE stafettlogg_entry SET text = 'endret' WHERE case_id = %s", [case.pk])
    assert Entry.objects.get(case=case).text.startswith("Emma virker trist")


def test_raw_sql_delete_is_refused(personas):
    case = undring(personas)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM stafettlogg_entry WHERE case_id = %s", [case.pk])
    assert Entry.objects.filter(case=case).count() == 1


def test_the_orm_refuses_to_save_an_existing_entry(personas):
    entry = Entry.objects.get(case=undring(personas))
    entry.text = "endret"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


def test_it_chains_each_entry_to_the_one_before(personas):
    case = case_on_level(personas, 2)
    entries = list(Entry.objects.filter(case=case).order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert all(e.hash == e.compute_hash() for e in entries)


def test_a_correction_is_a_new_entry_pointing_at_the_old_one(personas):
    case = undring(personas)
    original = Entry.objects.get(case=case)
    with pytest.raises(ValidationError):
        log_services.entry_correct(
            actor=personas["barnehagelaerer"], case_id=case.pk, entry_id=original.pk, text="ny", reason=""
        )
    correction = log_services.entry_correct(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        entry_id=original.pk,
        text="Riktig tekst",
        reason="Skrivefeil",
    )
    assert correction.corrects == original and correction.kind == "korrigering"
    original.refresh_from_db()
    assert original.text.startswith("Emma virker trist")


def test_verify_stafettlogg_passes_an_untouched_log(personas, capsys):
    case_on_level(personas, 2)
    call_command("anchor_logs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("verify_stafettlogg")
    assert "uendret" in capsys.readouterr().out


def test_verify_stafettlogg_names_the_first_tampered_entry(personas):
    case = case_on_level(personas, 2)
    other = undring(personas)
    target = Entry.objects.get(case=case, seq=2)
    call_command("anchor_logs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE stafettlogg_entry DISABLE TRIGGER stafettlogg_entry_no_update_delete")
        cursor.execute("UPDATE stafettlogg_entry SET text = 'forfalsket' WHERE id = %s", [target.pk])
        cursor.execute("ALTER TABLE stafettlogg_entry ENABLE TRIGGER stafettlogg_entry_no_update_delete")
    with pytest.raises(CommandError, match=f"sak {case.pk}, loggføring #2"):
        call_command("verify_stafettlogg")
    call_command("verify_stafettlogg", "--case", str(other.pk))


def test_verify_stafettlogg_finds_a_deleted_entry(personas):
    case = case_on_level(personas, 2)
    call_command("anchor_logs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE stafettlogg_entry DISABLE TRIGGER stafettlogg_entry_no_update_delete")
        cursor.execute("DELETE FROM stafettlogg_entry WHERE case_id = %s AND seq = 2", [case.pk])
        cursor.execute("ALTER TABLE stafettlogg_entry ENABLE TRIGGER stafettlogg_entry_no_update_delete")
    with pytest.raises(CommandError, match="#3"):
        call_command("verify_stafettlogg", "--case", str(case.pk))
