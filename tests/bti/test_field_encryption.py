"""Fødselsnummer encrypted at rest, found through the blind index, keys rotated."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bti import fields
from cases import services
from cases.models import Child, fnr_index

VALID_FNR = "01010750160"


def stored_fnr(child_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT fnr FROM cases_child WHERE id = %s", [child_id])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_it_stores_fnr_encrypted_and_reads_it_back(personas):
    child = services.child_register(actor=personas["kontaktlaerer"], full_name="Emma", fnr=VALID_FNR)
    raw = stored_fnr(child.pk)
    assert raw.startswith("fernet:")
    assert VALID_FNR not in raw
    assert Child.objects.get(pk=child.pk).fnr == VALID_FNR


@pytest.mark.django_db
def test_it_finds_a_child_by_fnr_through_the_blind_index(personas, django_assert_num_queries):
    child = services.child_register(actor=personas["kontaktlaerer"], full_name="Emma", fnr=VALID_FNR)
    kommune_id = child.kommune_id
    with django_assert_num_queries(1):
        found = Child.objects.get(kommune_id=kommune_id, fnr_index=fnr_index(kommune_id, VALID_FNR))
    assert found.pk == child.pk
    with pytest.raises(Exception, match="allerede registrert"):
        services.child_register(actor=personas["kontaktlaerer"], full_name="Emma", fnr=VALID_FNR)


@pytest.mark.django_db
def test_it_keeps_an_empty_fnr_empty(personas):
    child = services.child_register(
        actor=personas["kontaktlaerer"], full_name="Uten nummer", birth_date=date(2020, 1, 1)
    )
    assert stored_fnr(child.pk) == ""


@pytest.mark.django_db
def test_it_rotates_to_the_newest_key(personas, settings):
    child = services.child_register(actor=personas["kontaktlaerer"], full_name="Emma", fnr=VALID_FNR)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    before = stored_fnr(child.pk)
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = stored_fnr(child.pk)
    assert after != before
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone: still readable
    assert Child.objects.get(pk=child.pk).fnr == VALID_FNR
    settings.FIELD_ENCRYPTION_KEYS = [old_key]  # and the old key alone no longer reads it
    with pytest.raises(Exception, match="cannot be decrypted"):
        Child.objects.get(pk=child.pk)


def test_it_refuses_a_malformed_key(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_ENCRYPTION_KEYS = ["ikke-en-nokkel"]
    with pytest.raises(ImproperlyConfigured):
        fields.encrypt("x")


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows(personas):
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0001_initial")])
    kommune_id = personas["kontaktlaerer"].kommune_id
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_child (kommune_id, full_name, fnr, fnr_index, gender, created_at) "
            "VALUES (%s, 'Gammel', %s, %s, '', now()) RETURNING id",
            [kommune_id, VALID_FNR, fnr_index(kommune_id, VALID_FNR)],
        )
        child_id = cursor.fetchone()[0]
    assert stored_fnr(child_id) == VALID_FNR
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # Forward to every app's latest migration: going back to cases 0001 also unapplied the
    # migrations of other apps that depend on it, and the next tests need them.
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert stored_fnr(child_id).startswith("fernet:")
    assert Child.objects.get(pk=child_id).fnr == VALID_FNR
