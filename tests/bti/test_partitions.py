"""The innsynslogg partitioned by month (issue 15 item 4, docs/adr/0027)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from bti import gate, partitions
from bti.integrity import write_checkpoint
from bti.models import AccessLogDrop, AccessLogEntry
from tests.cases.helpers import undring

pytestmark = pytest.mark.django_db

OLD = datetime(2019, 3, 15, 10, 0, tzinfo=UTC)


def where(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM bti_accesslogentry WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def old_row(personas, case, at: datetime = OLD) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        kommune_id=case.kommune_id, user=personas["barnehagelaerer"], obj_type="case", obj_id=case.pk, case=case, at=at
    )


def verify_days() -> str:
    err = io.StringIO()
    try:
        call_command("verify_innsynslogg", stdout=io.StringIO(), stderr=err)
    except CommandError as exc:
        raise CommandError(err.getvalue() + str(exc)) from exc
    return err.getvalue()


def test_the_table_is_partitioned_by_month_with_a_default_and_the_key_in_the_primary_key():
    with connection.cursor() as cursor:
        assert partitions.is_partitioned(cursor)
        cursor.execute("SELECT pg_get_partkeydef('bti_accesslogentry'::regclass)")
        assert cursor.fetchone()[0] == "RANGE (at)"
        cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'bti_accesslogentry_pkey'")
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, at)"
        cursor.execute("SELECT to_regclass('bti_accesslogentry_default') IS NOT NULL")
        assert cursor.fetchone()[0]
        months = partitions.monthly_partitions(cursor)
    this_month = timezone.now().astimezone(UTC).date().replace(day=1)
    assert partitions.add_months(this_month, partitions.AHEAD_MONTHS) in months


def test_log_read_and_the_bulk_insert_write_to_this_months_partition(personas):
    case = undring(personas)
    gate.log_read(user=personas["barnehagelaerer"], obj_type="case", obj_id=case.pk, case=case, purpose=gate.INNSYN)
    gate.log_list(personas["barnehagelaerer"], [case, case], gate.SAKSBEHANDLING)  # bulk: one multi-row INSERT
    rows = list(AccessLogEntry.objects.filter(case=case).order_by("pk"))
    assert len(rows) == 3 and len({r.pk for r in rows}) == 3
    month = partitions.partition_name(timezone.now().astimezone(UTC).date().replace(day=1))
    assert {where(r.pk) for r in rows} == {month}
    # Django's id still works as the primary key: get, filter, the ORM's own lookups.
    assert AccessLogEntry.objects.get(pk=rows[0].pk).purpose == gate.INNSYN


def test_the_append_only_trigger_holds_on_every_partition(personas):
    case = undring(personas)
    row = old_row(personas, case, at=timezone.now())
    for table in ("bti_accesslogentry", where(row.pk)):
        for sql in (f"UPDATE {table} SET reason = 'x'", f"DELETE FROM {table}"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                connection.cursor().execute(sql)


def test_a_row_of_a_month_without_partition_goes_to_default_and_moves_to_its_month(personas):
    case = undring(personas)
    row = old_row(personas, case)
    assert where(row.pk) == "bti_accesslogentry_default"
    created = partitions.ensure_partitions(start=date(2019, 2, 1))
    assert "bti_accesslogentry_y2019m03" in created and "bti_accesslogentry_y2019m02" in created
    assert where(row.pk) == "bti_accesslogentry_y2019m03"
    assert AccessLogEntry.objects.get(pk=row.pk).at == OLD
    assert partitions.ensure_partitions(start=date(2019, 2, 1)) == []  # idempotent


def test_a_month_past_retention_is_dropped_whole_recorded_and_verify_still_passes(personas, settings):
    case = undring(personas)
    partitions.ensure_partitions(start=OLD.date())
    old = [old_row(personas, case, OLD + timedelta(hours=h)) for h in range(3)]
    newer = old_row(personas, case, datetime(2025, 6, 1, tzinfo=UTC))  # within 5 years: kept
    write_checkpoint(now=timezone.now() + timedelta(minutes=5))
    assert verify_days() == ""

    planned = partitions.drop_expired(dry_run=True)
    names = [e.partition for e in planned]
    assert "bti_accesslogentry_y2019m03" in names and "bti_accesslogentry_y2025m06" not in names
    assert AccessLogEntry.objects.filter(pk=old[0].pk).exists()  # the dry run drops nothing

    done = partitions.drop_expired()
    assert [e.partition for e in done] == names  # the run does what the dry run listed
    assert not AccessLogEntry.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert AccessLogEntry.objects.filter(pk=newer.pk).exists()
    with connection.cursor() as cursor:
        assert date(2019, 3, 1) not in partitions.monthly_partitions(cursor)
    drop = AccessLogDrop.objects.get(month=date(2019, 3, 1))
    assert drop.rows == 3 and drop.first_id == old[0].pk and drop.last_id == old[2].pk
    assert "innsynslogg 5 år" in drop.rule and drop.days["2019-03-15"][0] == 3
    assert verify_days() == ""  # the drop is anchored: the missing days are accounted for
    assert partitions.drop_expired() == []  # a rerun drops nothing twice


def test_rows_deleted_from_a_month_without_a_drop_record_are_still_reported(personas):
    case = undring(personas)
    partitions.ensure_partitions(start=OLD.date())
    old_row(personas, case)
    old_row(personas, case, timezone.now())  # kept: the table is not empty afterwards
    write_checkpoint(now=timezone.now() + timedelta(minutes=5))
    with connection.cursor() as cursor:  # the owner drops the month by hand, no record
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE bti_accesslogentry DETACH PARTITION bti_accesslogentry_y2019m03")
        cursor.execute("DROP TABLE bti_accesslogentry_y2019m03")
    with pytest.raises(CommandError, match="slettet"):
        verify_days()


def test_a_forged_drop_of_a_young_month_is_reported(personas):
    case = undring(personas)
    recent = timezone.now() - timedelta(days=40)
    partitions.ensure_partitions(start=recent.date())
    row = old_row(personas, case, recent)
    write_checkpoint(now=timezone.now() + timedelta(minutes=5))
    month = recent.astimezone(UTC).date().replace(day=1)
    count, digest, days, _bounds = partitions._digest(month)
    AccessLogDrop.objects.create(
        month=month, partition=where(row.pk), rule="forged", years=0, rows=count, digest=digest, days=days
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE bti_accesslogentry DETACH PARTITION {partitions.partition_name(month)}")
        cursor.execute(f"DROP TABLE {partitions.partition_name(month)}")
    write_checkpoint(now=timezone.now() + timedelta(minutes=6))
    with pytest.raises(CommandError, match="før 2 år var gått"):
        verify_days()


def test_the_command_creates_ahead_and_its_dry_run_drops_nothing(personas):
    case = undring(personas)
    partitions.ensure_partitions(start=OLD.date())
    row = old_row(personas, case)
    out = io.StringIO()
    call_command("innsynslogg_partitions", "--drop-expired", "--dry-run", stdout=out)
    assert "ville slettet bti_accesslogentry_y2019m03: 1 rader" in out.getvalue()
    assert AccessLogEntry.objects.filter(pk=row.pk).exists()
    out = io.StringIO()
    call_command("innsynslogg_partitions", "--ahead", "6", stdout=out)
    this_month = timezone.now().astimezone(UTC).date().replace(day=1)
    assert partitions.partition_name(partitions.add_months(this_month, 6)) in out.getvalue()


def test_the_beat_task_creates_as_owner(personas):
    from bti.tasks import innsynslogg_partitions

    assert innsynslogg_partitions().startswith("created")
