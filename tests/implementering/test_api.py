"""Implementation support over the API: the same services and rules as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bti.models import Kommune, Service
from implementering.models import Feedback, TrainingRecord
from samarbeid.models import CatalogueItem

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    return client


def _post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def test_the_koordinator_edits_the_project_and_plan_and_leaders_only_read_it(personas):
    client = _client(personas["bti_koordinator"])
    url = reverse("api-impl-project")
    project = client.get(url).json()
    assert [p["value"] for p in project["phases"]] == ["design", "informasjon", "pilot", "drift"]
    assert "Sette ned styringsgruppe og arbeidsgruppe" in str(project["phases"][0]["items"])
    assert project["may_edit"] is True
    saved = client.put(
        url,
        {"name": "Prosjekt-API-5521", "goal": "Tidlig hjelp", "project_leader_id": personas["kommunalsjef"].pk},
        content_type="application/json",
    )
    assert (
        saved.status_code == 200 and saved.json()["project_leader"]["full_name"] == personas["kommunalsjef"].full_name
    )
    assert client.put(url, {"name": ""}, content_type="application/json").status_code == 400
    stranger = client.put(
        url, {"name": "X", "project_leader_id": personas["utenforstaaende"].pk}, content_type="application/json"
    )
    assert stranger.status_code == 400 and "Velg en person i kommunen" in str(stranger.json()["project_leader"])
    member = _post(client, reverse("api-impl-members"), {"group": "styringsgruppe", "name": "Medlem-API-1177"})
    assert member.status_code == 201
    assert _post(client, reverse("api-impl-members"), {"group": "kaffeklubb", "name": "X"}).status_code == 400
    bad = _post(client, reverse("api-impl-items"), {"phase": "drift", "title": ""})
    assert bad.status_code == 400 and "title" in bad.json()
    item = _post(client, reverse("api-impl-items"), {"phase": "drift", "title": "Aktivitet-API-8830"})
    assert item.status_code == 201 and item.json()["status"] == "ikke_startet"
    status_url = reverse("api-impl-item-status", kwargs={"item_id": item.json()["id"]})
    assert _post(client, status_url, {"status": "kanskje"}).status_code == 400
    done = _post(client, status_url, {"status": "ferdig"})
    assert done.status_code == 200 and done.json()["status"] == "ferdig"
    drift = next(p for p in client.get(url).json()["phases"] if p["value"] == "drift")
    assert drift["status"] == "pagar" and drift["done"] == 1
    # The kommunalsjef reads, does not write; staff, the outsider and KoRus see nothing.
    reader = _client(personas["kommunalsjef"])
    body = reader.get(url).json()
    assert body["name"] == "Prosjekt-API-5521" and body["may_edit"] is False
    assert "Medlem-API-1177" in str(body["members"]) and "Aktivitet-API-8830" in str(body["phases"])
    assert reader.put(url, {"name": "Kapret"}, content_type="application/json").status_code == 404
    assert _post(reader, status_url, {"status": "pagar"}).status_code == 404
    for key in ("barnehagelaerer", "styrer", "utenforstaaende", "korus"):
        response = _client(personas[key]).get(url)
        assert response.status_code == 404 and "Prosjekt-API-5521" not in response.content.decode(), key


def test_the_kartlegging_lists_routines_and_the_tiltaksoversikt(personas):
    CatalogueItem.objects.create(
        kommune=personas["barnehagelaerer"].kommune,
        kind="arena",
        name="Ressursteam-API-2290",
        description="x",
        updated_by=personas["fagadmin"],
    )
    client = _client(personas["bti_koordinator"])
    url = reverse("api-impl-kartlegging")
    nabo_service = Service.objects.filter(kommune=Kommune.objects.get(number="9902")).first()
    if nabo_service is not None:
        foreign = _post(client, url, {"name": "R", "assessment": "justeres", "service_id": nabo_service.pk})
        assert foreign.status_code == 400 and "Velg en tjeneste i kommunen" in str(foreign.json())
    assert _post(client, url, {"name": "R", "assessment": "kanskje"}).status_code == 400
    created = _post(client, url, {"name": "Rutine-API-4471", "assessment": "justeres"})
    assert created.status_code == 201
    body = client.get(url).json()
    assert body["routines"][0]["name"] == "Rutine-API-4471" and body["routines"][0]["assessment"] == "justeres"
    assert "Ressursteam-API-2290" in str(body["arenaer"])
    assert _client(personas["kommunalsjef"]).get(url).json()["may_edit"] is False
    assert _post(_client(personas["kommunalsjef"]), url, {"name": "X", "assessment": "justeres"}).status_code == 404
    assert _client(personas["barnehagelaerer"]).get(url).status_code == 404


def test_training_is_registered_and_shown_per_unit_to_the_koordinator_and_unit_leaders(personas):
    today = timezone.localdate().isoformat()
    kari, nina = personas["barnehagelaerer"], personas["barnehagelaerer2"]
    koordinator = _client(personas["bti_koordinator"])
    url = reverse("api-impl-training")
    registered = _post(
        koordinator, url, {"kind": "grunnopplaering", "completed_on": today, "user_ids": [kari.pk, nina.pk]}
    )
    assert registered.status_code == 201 and registered.json() == {"registered": 2}
    assert TrainingRecord.objects.filter(kind="grunnopplaering").count() == 2
    future = _post(koordinator, url, {"kind": "stafettholder", "completed_on": "2999-01-01", "user_ids": [kari.pk]})
    assert future.status_code == 400 and "completed_on" in future.json()
    units = {u["name"]: u for u in koordinator.get(url).json()}
    lia = units["Lia barnehage"]
    assert lia["counts"]["grunnopplaering"] >= 1
    assert {"id": kari.pk, "full_name": kari.full_name, "kinds": ["grunnopplaering"]} in lia["staff"]
    # Lise leads Lia barnehage: her unit only; Nina (Solsikken) is not hers to register.
    lise = _client(personas["styrer"])
    own = lise.get(url).json()
    assert [u["name"] for u in own] == ["Lia barnehage"] and "Solsikken" not in str(own)
    refused = _post(lise, url, {"kind": "stafettholder", "completed_on": today, "user_ids": [nina.pk]})
    assert refused.status_code == 400 and "egne enheter" in str(refused.json())
    assert _client(kari).get(url).status_code == 404


def test_anonymous_feedback_has_no_author_and_its_writer_reads_the_answer_by_code(personas):
    kari = _client(personas["barnehagelaerer"])
    url = reverse("api-feedback")
    assert _post(kari, url, {"recipient": "koordinator", "text": ""}).status_code == 400
    assert _post(kari, url, {"recipient": "ordfører", "text": "x"}).status_code == 400
    sent = _post(kari, url, {"recipient": "koordinator", "text": "Anonym-API-3318", "anonymous": True})
    assert sent.status_code == 201 and sent.json()["anonymous"] is True and len(sent.json()["code"]) == 8
    feedback = Feedback.objects.get(text="Anonym-API-3318")
    assert feedback.author_id is None and feedback.unit_id is None
    assert "Anonym-API-3318" not in kari.get(url).content.decode()  # not «mine»: nothing ties it to Kari
    koordinator = _client(personas["bti_koordinator"])
    inbox = koordinator.get(reverse("api-impl-inbox")).json()
    row = next(f for f in inbox if f["text"] == "Anonym-API-3318")
    assert row["anonymous"] is True and row["author"] is None
    assert "Kari" not in str(row)
    reply_url = reverse("api-impl-feedback-reply", kwargs={"feedback_id": feedback.pk})
    # Rektor leads a school, not the koordinator's inbox: 404, nothing stored.
    assert _post(_client(personas["rektor"]), reply_url, {"text": "Rektor-svar"}).status_code == 404
    assert _post(koordinator, reply_url, {"text": ""}).status_code == 400
    replied = _post(koordinator, reply_url, {"text": "Svar-API-7702"})
    assert replied.status_code == 201 and replied.json()["by"] == personas["bti_koordinator"].full_name
    assert feedback.replies.count() == 1
    by_code = _post(kari, reverse("api-feedback-by-code"), {"kode": sent.json()["code"]})
    assert by_code.status_code == 200 and by_code.json()["replies"][0]["text"] == "Svar-API-7702"
    wrong = _post(kari, reverse("api-feedback-by-code"), {"kode": "FEIL"})
    assert (
        wrong.status_code == 400
        and "Fant ingen tilbakemelding" in str(wrong.json())
        and "Svar-API" not in str(wrong.json())
    )
    # Named feedback to the unit leader: Lise's inbox, not the koordinator's; Kari sees it as hers.
    named = _post(kari, url, {"recipient": "leder", "text": "Til-styrer-API-5150"})
    assert named.status_code == 201 and named.json()["code"] == ""
    lise_inbox = _client(personas["styrer"]).get(reverse("api-impl-inbox")).json()
    assert any(
        f["text"] == "Til-styrer-API-5150" and f["author"] == personas["barnehagelaerer"].full_name for f in lise_inbox
    )
    assert "Til-styrer-API-5150" not in koordinator.get(reverse("api-impl-inbox")).content.decode()
    assert "Til-styrer-API-5150" in kari.get(url).content.decode()
    assert _client(personas["barnehagelaerer"]).get(reverse("api-impl-inbox")).status_code == 404
