"""Categories are data (issue 13 item 2): every entry and samarbeid object stores its
category when written; the writer may choose a stricter one; old rows are migrated."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from samarbeid.models import Goal, Measure, Meeting
from stafettlogg import services
from stafettlogg.models import KIND_CATEGORY, Entry, EntryKind
from tests.consent.helpers import give_consent, identified_case
from tests.samarbeid import helpers as plan_helpers
from tests.sealed import one_with, rows_with

pytestmark = pytest.mark.django_db

HEALTH_NOTE = "CAT-HEALTH-7f3 vekt 41 kg, henvist BUP"
PLAIN_NOTE = "CAT-PLAIN-2b9 leker godt i friminuttet"


def test_it_maps_every_kind_and_only_kinds_that_exist():
    assert set(KIND_CATEGORY) == set(EntryKind.values)
    from consent.categories import KIND_CATEGORY as consent_map

    assert consent_map is KIND_CATEGORY


def test_it_writes_samarbeid_objects_with_their_own_kinds_and_category(personas, login):
    built = plan_helpers.plan_case(personas)
    case = built["case"]
    assert Goal.objects.get(pk=built["goal"].pk).category == "plan_tiltak"
    assert Measure.objects.get(pk=built["measure"].pk).category == "plan_tiltak"
    assert Meeting.objects.get(pk=built["meeting"].pk).category == "plan_tiltak"
    rows = {e.data.get("event"): e for e in Entry.objects.filter(case=case)}
    assert rows["goal_created"].kind == "plan" and rows["goal_created"].category == "plan_tiltak"
    assert rows["measure_created"].kind == "tiltak" and rows["measure_created"].category == "plan_tiltak"
    assert rows["meeting_scheduled"].kind == "mote" and rows["meeting_scheduled"].category == "plan_tiltak"
    body = login(personas["barnehagelaerer"]).get(f"/saker/{case.pk}/logg/").content.decode()
    for label in ("Plan", "Tiltak", "Samarbeidsmøte"):
        assert f">{label}<" in body or f"{label}</" in body


def test_a_note_marked_as_health_is_hidden_from_a_unit_with_stafettlogg_consent(personas, login):
    case, guardian = identified_case(personas)
    give_consent(personas, case, guardian, categories=("stafettlogg", "plan_tiltak"))
    kari = login(personas["barnehagelaerer"])
    posted = kari.post(
        f"/saker/{case.pk}/logg/ny/",
        {"kind": "notat", "text": HEALTH_NOTE, "category": "helseopplysninger", "version": case.version},
    )
    assert posted.status_code == 302
    services.note_add(actor=personas["barnehagelaerer"], case_id=case.pk, kind="notat", text=PLAIN_NOTE)
    assert one_with(Entry.objects.all(), "text", equals=HEALTH_NOTE).category == "helseopplysninger"
    assert one_with(Entry.objects.all(), "text", equals=PLAIN_NOTE).category == "stafettlogg"
    own = kari.get(f"/saker/{case.pk}/logg/").content.decode()
    assert HEALTH_NOTE in own and PLAIN_NOTE in own
    ppt = login(personas["ppt"]).get(f"/saker/{case.pk}/logg/").content.decode()
    assert PLAIN_NOTE in ppt
    assert "CAT-HEALTH-7f3" not in ppt and "41 kg" not in ppt
    assert "Helseopplysninger" in ppt  # shown as «skjult» with its category


def test_an_unknown_category_gets_a_message_next_to_the_field(personas, login):
    case, _guardian = identified_case(personas)
    kari = login(personas["barnehagelaerer"])
    page = kari.get(f"/saker/{case.pk}/logg/ny/").content.decode()
    assert 'name="category"' in page and "Helseopplysninger" in page
    bad = kari.post(
        f"/saker/{case.pk}/logg/ny/",
        {"kind": "notat", "text": "CAT-BAD-11 tekst", "category": "finnes-ikke", "version": case.version},
    )
    assert bad.status_code == 400
    assert "CAT-BAD-11 tekst" in bad.content.decode()  # nothing typed is lost
    assert not rows_with(Entry.objects.all(), "text", equals="CAT-BAD-11 tekst")
    api = APIClient()
    api.force_login(personas["barnehagelaerer"], backend="bti.auth_backends.EmailBackend")
    refused = api.post(
        f"/api/v1/cases/{case.pk}/entries/",
        {"kind": "notat", "text": "CAT-API-BAD", "category": "finnes-ikke"},
        format="json",
    )
    assert refused.status_code == 400 and "category" in refused.data
    made = api.post(
        f"/api/v1/cases/{case.pk}/entries/",
        {"kind": "samtale_barn", "text": "CAT-API-HEALTH", "category": "helseopplysninger"},
        format="json",
    )
    assert made.status_code == 201 and made.data["category"] == "helseopplysninger"


def test_the_migration_sets_the_category_of_old_rows(personas):
    from importlib import import_module

    backfill = import_module("stafettlogg.migrations.0005_entry_category_and_samarbeid_kinds").BACKFILL
    built = plan_helpers.plan_case(personas)
    case = built["case"]
    # Rows as they were before the column: what the samarbeid app wrote as «notat», without a category.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE stafettlogg_entry DISABLE TRIGGER stafettlogg_entry_no_update_delete")
        cursor.execute("UPDATE stafettlogg_entry SET category = 'stafettlogg' WHERE case_id = %s", [case.pk])
        cursor.execute("ALTER TABLE stafettlogg_entry ENABLE TRIGGER stafettlogg_entry_no_update_delete")
        cursor.execute(backfill)
    rows = {e.data.get("event"): e.category for e in Entry.objects.filter(case=case)}
    assert rows["goal_created"] == "plan_tiltak" and rows["meeting_scheduled"] == "plan_tiltak"
    from stafettlogg.verify import verify_chains

    assert list(verify_chains(case.pk)) == []  # the category is not hashed: the chain still holds
