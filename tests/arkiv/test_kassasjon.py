"""Crypto-shredding and the daily retention task (issue 15 items 3 and 6, docs/adr/0026):
content is sealed with a key of the case's own, the daily task destroys the key at the end
of retention, every case route then answers 410 «slettet etter regel …», the database
holds only ciphertext and no key, the hash chain still verifies, the overview's counts are
unchanged, and the dry run lists exactly what the real run then does."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from arkiv import retention
from arkiv.models import Delivery, DeliveryStatus, Kassasjon
from bti import integrity, sealing
from cases.models import Case, CaseKey
from oversikt import facts
from samarbeid import services as samarbeid_services
from stafettlogg import services as log_services
from tests.samarbeid import helpers

pytestmark = pytest.mark.django_db

NOTE = "Skjult-notat-K7Q Emma gråt i garderoben"
GOAL = "Skjult-mål-P2W Emma leker med andre"
REFERAT = "Skjult-referat-H5T Vi snakket om frilek"
SUMMARY = "Skjult-oppsummering-Z9M Målene er nådd"
MARKERS = (NOTE, GOAL, REFERAT, SUMMARY, "K7Q", "P2W", "H5T", "Z9M")


def _case(personas: dict[str, Any]) -> Case:
    built = helpers.plan_case(personas)
    case = built["case"]
    helpers.goal(personas, case, text=GOAL)
    log_services.note_add(actor=personas["barnehagelaerer"], case_id=case.pk, kind="notat", text=NOTE)
    helpers.held(built["meeting"])  # the referat is written after the meeting
    samarbeid_services.meeting_write_referat(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        meeting_id=built["meeting"].pk,
        referat=REFERAT,
        decisions="Fortsette tiltaket",
    )
    return case


def _close(client: Client, case: Case, *, years_ago: int) -> Case:
    case.refresh_from_db()
    response = client.post(
        reverse("case-close", kwargs={"case_id": case.pk}),
        {"reason": "mal_nadd", "summary": SUMMARY, "family_informed": "Foreldrene vet", "version": case.version},
    )
    assert response.status_code == 302
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=365 * years_ago + 3))
    case.refresh_from_db()
    return case


def _all_text_in_db(case_id: int) -> str:
    """Every text and varchar column of every row that belongs to the case (raw SQL)."""
    out = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying') AND table_name IN "
            "(SELECT table_name FROM information_schema.columns WHERE column_name = 'case_id')"
        )
        for table, column in cursor.fetchall():
            qn = connection.ops.quote_name
            cursor.execute(f"SELECT {qn(column)}::text FROM {qn(table)} WHERE case_id = %s", [case_id])
            out += [str(v) for (v,) in cursor.fetchall() if v]
        cursor.execute("SELECT child_name, close_reason FROM cases_case WHERE id = %s", [case_id])
        out += [str(v) for v in cursor.fetchone()]
    return "\n".join(out)


def _stored(table: str, column: str, case_id: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE case_id = %s AND {column} <> ''", [case_id])
        return [v for (v,) in cursor.fetchall()]


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_stafettlogg", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _overview(client: Client) -> Any:
    """The overview's numbers (without its «Sist oppdatert» row, which moves on every refresh)."""
    body = client.get("/api/v1/oversikt/").json()
    if isinstance(body, list):
        return [row for row in body if row.get("section") != "Oppdatert"]
    return body


def test_content_is_stored_sealed_with_the_cases_own_key_and_read_in_clear(personas, login):
    case = _case(personas)
    client = login(personas["barnehagelaerer"])
    assert CaseKey.objects.filter(case=case).count() == 1
    for table, column in (
        ("stafettlogg_entry", "text"),
        ("samarbeid_goal", "text"),
        ("samarbeid_meeting", "referat"),
    ):
        values = _stored(table, column, case.pk)
        assert values and all(v.startswith(f"ck1:{case.pk}:") for v in values), (table, column)
    raw = _all_text_in_db(case.pk)
    assert not any(m in raw for m in MARKERS)
    log = client.get(reverse("stafettlogg:timeline", kwargs={"case_id": case.pk})).content.decode()
    plan = client.get(reverse("case-plan", kwargs={"case_id": case.pk})).content.decode()
    assert NOTE in log and GOAL in plan
    # A sealed value copied into another case does not open there.
    other = helpers.plan_case(personas)["case"]
    stolen = _stored("stafettlogg_entry", "text", case.pk)[0].replace(f"ck1:{case.pk}:", f"ck1:{other.pk}:", 1)
    with pytest.raises(Exception, match="does not open"):
        sealing.open_value(stolen)


def test_the_done_when_of_the_issue(personas, login):
    """A demo case closed and back-dated past its retention: after the daily task its pages
    answer 410 «slettet etter regel …», the database holds only ciphertext and no key,
    verify_stafettlogg passes, the overview's counts are unchanged; the dry run listed
    exactly what the real run did."""
    case = _case(personas)
    client = login(personas["barnehagelaerer"])
    _close(client, case, years_ago=6)
    integrity.write_checkpoint()
    leader = Client()
    leader.force_login(personas["kommunalsjef"], backend="bti.auth_backends.EmailBackend")
    facts.refresh_facts(kommune_id=case.kommune_id)
    before = _overview(leader)

    dry = retention.apply(dry_run=True)
    assert [i.case_id for i in dry.done] == [case.pk]
    real = retention.apply()
    assert real.done == dry.done  # the dry run lists exactly what the real run does
    [tomb] = Kassasjon.objects.filter(case=case)
    assert tomb.rule == dry.done[0].rule and "5 år etter avslutning, kasseres" in tomb.rule
    assert tomb.destroyed["keys"] == 1 and tomb.destroyed["entries"] >= 3

    assert not CaseKey.objects.filter(case=case).exists()
    for table, column in (("stafettlogg_entry", "text"), ("samarbeid_goal", "text"), ("samarbeid_meeting", "referat")):
        assert all(v.startswith("ck1:") for v in _stored(table, column, case.pk))
    raw = _all_text_in_db(case.pk)
    assert not any(m in raw for m in MARKERS)
    case.refresh_from_db()
    assert case.child_name == "" and case.close_reason == "" and case.shredded_at is not None
    assert "uendret" in _verify()

    facts.refresh_facts(kommune_id=case.kommune_id)
    assert _overview(leader) == before

    pages = [
        reverse("cases:case_detail", kwargs={"case_id": case.pk}),
        reverse("stafettlogg:timeline", kwargs={"case_id": case.pk}),
        reverse("case-plan", kwargs={"case_id": case.pk}),
        reverse("case-meetings", kwargs={"case_id": case.pk}),
        reverse("case-print", kwargs={"case_id": case.pk}),
        reverse("case-storage", kwargs={"case_id": case.pk}),
    ]
    for url in pages:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 410, url
        assert "slettet etter regel" in body and "5 år etter avslutning" in body, url
        assert not any(m in body for m in MARKERS)
    htmx = client.get(pages[1], HTTP_HX_REQUEST="true")
    assert htmx.status_code == 410
    for url in (f"/api/v1/cases/{case.pk}/", f"/api/v1/cases/{case.pk}/lagring/"):
        response = client.get(url)
        assert response.status_code == 410, url
        assert response.json()["code"] == "slettet" and "slettet etter regel" in response.json()["detail"]
    # A write is refused the same way, never a 500.
    response = client.post(
        reverse("stafettlogg:note_add", kwargs={"case_id": case.pk}), {"kind": "notat", "text": "x", "version": 1}
    )
    assert response.status_code == 410

    # A rerun does nothing twice.
    assert retention.apply().done == []
    assert Kassasjon.objects.filter(case=case).count() == 1


def test_the_command_dry_run_prints_what_the_real_run_then_does(personas, login):
    case = _case(personas)
    _close(login(personas["barnehagelaerer"]), case, years_ago=6)
    dry, real, again = io.StringIO(), io.StringIO(), io.StringIO()
    call_command("apply_retention", "--dry-run", "--json", stdout=dry)
    assert CaseKey.objects.filter(case=case).exists()
    call_command("apply_retention", "--json", stdout=real)
    call_command("apply_retention", "--json", stdout=again)
    planned, done = json.loads(dry.getvalue()), json.loads(real.getvalue())
    assert planned["done"] == done["done"] and [d["case_id"] for d in done["done"]] == [case.pk]
    assert json.loads(again.getvalue())["done"] == []


def test_a_case_within_its_time_or_reopened_is_kept(personas, login):
    kept = _case(personas)
    client = login(personas["barnehagelaerer"])
    _close(client, kept, years_ago=2)
    reopened = _case(personas)
    _close(client, reopened, years_ago=6)
    # Reopened during retention, then closed again today: its clock restarts.
    from cases import services as case_services

    case_services.case_reopen(actor=personas["barnehagelaerer"], case_id=reopened.pk, reason="Ny bekymring")
    reopened.refresh_from_db()
    case_services.case_close(actor=personas["barnehagelaerer"], case_id=reopened.pk, reason="Ferdig igjen")
    assert retention.apply(dry_run=True).done == []
    assert retention.apply().done == []
    assert CaseKey.objects.filter(case__in=[kept, reopened]).count() == 2
    assert client.get(reverse("stafettlogg:timeline", kwargs={"case_id": kept.pk})).status_code == 200


def test_a_preserved_case_waits_for_the_archives_kvittering(personas, login):
    from arkiv import services as arkiv_services

    case = _case(personas)
    client = login(personas["barnehagelaerer"])
    arkiv_services.rule_set(
        actor=personas["kommuneadmin"],
        service_id=case.owner_unit.service_id,
        case_years=1,
        disposal="bevares",
        innsynslogg_years=5,
        security_log_years=2,
    )
    _close(client, case, years_ago=2)
    dry = retention.apply(dry_run=True)
    assert dry.done == [] and [i.case_id for i in dry.waiting] == [case.pk]
    assert retention.apply().done == [] and CaseKey.objects.filter(case=case).exists()
    Delivery.objects.create(kommune_id=case.kommune_id, case=case, transport="filedrop", status=DeliveryStatus.KVITTERT)
    assert [i.case_id for i in retention.apply().done] == [case.pk]
    assert client.get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).status_code == 410


def test_the_administrator_sees_the_dry_run_runs_it_and_sees_the_log(personas, login, admin):
    case = _case(personas)
    _close(login(personas["barnehagelaerer"]), case, years_ago=6)
    url = reverse("arkiv-kassasjon")
    body = admin.get(url).content.decode()
    assert body.count("<h1") == 1 and "Sletting etter regel" in body
    assert f'data-due-case="{case.pk}"' in body and "5 år etter avslutning" in body
    assert not any(m in body for m in MARKERS)
    assert url in admin.get(reverse("ka-settings")).content.decode()
    assert admin.post(url).status_code == 302
    body = admin.get(url).content.decode()
    assert f'data-shredded-case="{case.pk}"' in body and f'data-due-case="{case.pk}"' not in body
    assert "Ingen saker skal slettes nå." in body
    assert not CaseKey.objects.filter(case=case).exists()
    # Staff get no access to the administrator's page.
    assert login(personas["barnehagelaerer"]).get(url).status_code in (302, 403, 404)


def test_the_storage_page_says_what_is_kept_until_when_and_where_it_goes(personas, login):
    case = _case(personas)
    client = login(personas["barnehagelaerer"])
    url = reverse("case-storage", kwargs={"case_id": case.pk})
    body = client.get(url).content.decode()
    assert body.count("<h1") == 1 and "Hva er registrert og når slettes det" in body
    assert 'data-count="entries"' in body and 'data-count="goals">2<' in body
    assert 'data-disposal="kasseres"' in body and "5 år etter avslutning" in body
    assert not any(m in body for m in MARKERS)
    assert url in client.get(reverse("case-plan", kwargs={"case_id": case.pk})).content.decode()
    api = client.get(f"/api/v1/cases/{case.pk}/lagring/").json()
    assert api["disposal"] == "kasseres" and api["kept_until"] is None
    assert {"kind": "goals", "title": "Mål i planen", "count": 2} in api["counts"]
    _close(client, case, years_ago=1)
    api = client.get(f"/api/v1/cases/{case.pk}/lagring/").json()
    assert case.closed_at is not None
    assert api["kept_until"] == retention.rules.add_years(case.closed_at.date(), 5).isoformat()
    # Someone who may not see the case gets a 404, as on every case route.
    assert login(personas["utenforstaaende"]).get(url).status_code == 404


def test_the_migration_seals_existing_rows_and_the_chain_still_verifies_after_shredding(personas, login):
    """Rows written in clear before the migration (simulated: the stored text put back in
    clear, as the old code wrote it, with its old plain-text hash) are sealed by the
    migration's functions; the chain verifies before and after the key is destroyed."""
    import importlib

    case = _case(personas)
    entries = list(case.entries.order_by("seq"))
    statements = []
    prev = "0" * 64
    for e in entries:
        plain = str(e.text)
        e.text = plain
        e.prev_hash = prev
        e.hash = integrity.chain_digest(integrity.canonical_json(e.hash_payload()), e.key_id)
        statements.append((plain, prev, e.hash, e.pk))
        prev = e.hash
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE stafettlogg_entry DISABLE TRIGGER stafettlogg_entry_no_update_delete")
        for row in statements:
            cursor.execute("UPDATE stafettlogg_entry SET text=%s, prev_hash=%s, hash=%s, seal='' WHERE id=%s", row)
        cursor.execute("ALTER TABLE stafettlogg_entry ENABLE TRIGGER stafettlogg_entry_no_update_delete")
        cursor.execute("UPDATE samarbeid_goal SET text=%s WHERE case_id=%s", [GOAL, case.pk])
    sealing.clear()
    assert NOTE in _all_text_in_db(case.pk) and GOAL in _all_text_in_db(case.pk)
    integrity.write_checkpoint()  # the operator's checkpoint of the old chain
    assert "uendret" in _verify()

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    importlib.import_module("stafettlogg.migrations.0006_shred_sealed_text").seal_entries(None, editor)
    importlib.import_module("samarbeid.migrations.0006_shred_sealed_text").seal_existing(None, editor)
    sealing.clear()
    raw = _all_text_in_db(case.pk)
    assert NOTE not in raw and GOAL not in raw
    assert all(e.seal for e in case.entries.all() if e.text)
    assert "uendret" in _verify()
    client = login(personas["barnehagelaerer"])
    assert NOTE in client.get(reverse("stafettlogg:timeline", kwargs={"case_id": case.pk})).content.decode()

    _close(client, case, years_ago=6)
    assert [i.case_id for i in retention.apply().done] == [case.pk]
    assert "uendret" in _verify()


def test_the_family_portal_shows_the_rule_and_dates_but_no_counts(personas, settings):
    from tests.familie.helpers import families, family_client

    settings.DEMO_MODE = True
    fam = families(personas)
    body = family_client(fam, "marte").get(reverse("familie-case", args=[fam.theo.pk])).content.decode()
    assert 'data-disposal="kasseres"' in body and "5 år etter avslutning" in body
    # A count could tell a parent of an entry held back from them (C-18).
    assert "data-count=" not in body


def test_a_changed_sealed_row_breaks_the_chain(personas):
    from django.core.management.base import CommandError

    case = _case(personas)
    integrity.write_checkpoint()
    [first] = _stored("stafettlogg_entry", "text", case.pk)[:1]
    other = sealing.seal(case.pk, "Forfalsket-J4R")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE stafettlogg_entry DISABLE TRIGGER stafettlogg_entry_no_update_delete")
        cursor.execute("UPDATE stafettlogg_entry SET text=%s WHERE text=%s", [other, first])
        cursor.execute("ALTER TABLE stafettlogg_entry ENABLE TRIGGER stafettlogg_entry_no_update_delete")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_stafettlogg", stdout=io.StringIO(), stderr=err)
    assert f"Sak {case.pk}" in err.getvalue() and "[endret]" in err.getvalue()


def test_a_delivery_of_a_shredded_case_sends_nothing(personas, login):
    from arkiv import delivery

    case = _case(personas)
    _close(login(personas["barnehagelaerer"]), case, years_ago=6)
    row = Delivery.objects.create(
        kommune_id=case.kommune_id, case=case, transport="filedrop", status=DeliveryStatus.FEILET, attempts=5
    )
    assert [i.case_id for i in retention.apply().done] == [case.pk]

    class Refuse:
        name = "refuse"

        def send(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("nothing may be sent for a shredded case")

    result = delivery.attempt(row.pk, transport=Refuse())  # type: ignore[arg-type]
    assert result is not None and result.status == DeliveryStatus.FEILET
    assert "slettet etter regel" in result.last_error
