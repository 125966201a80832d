"""Implementation support: project and plan, kartlegging, training per unit, feedback."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from implementering.models import Feedback, TrainingRecord
from samarbeid.models import CatalogueItem

pytestmark = pytest.mark.django_db


def test_it_shows_the_project_and_plan_to_the_koordinator_who_edits_it(personas, login):
    client = login(personas["bti_koordinator"])
    body = client.get(reverse("impl-project")).content.decode()
    assert "Design og forankring" in body and "Sette ned styringsgruppe og arbeidsgruppe" in body
    client.post(
        reverse("impl-project-save"),
        {"name": "BTI Eksempel-merke", "goal": "Tidlig hjelp", "project_leader": personas["kommunalsjef"].pk},
    )
    client.post(
        reverse("impl-member-add"), {"group": "styringsgruppe", "name": "Anne Vik", "role": "Kommunalsjef-merke"}
    )
    bad = client.post(reverse("impl-item-add"), {"phase": "drift", "title": ""})
    assert bad.status_code == 400 and "Dette må rettes" in bad.content.decode()
    client.post(reverse("impl-item-add"), {"phase": "drift", "title": "Årlig evaluering-merke"})
    body = client.get(reverse("impl-project")).content.decode()
    assert "BTI Eksempel-merke" in body and "Kommunalsjef-merke" in body and "Årlig evaluering-merke" in body
    reader = login(personas["kommunalsjef"]).get(reverse("impl-project")).content.decode()
    assert "BTI Eksempel-merke" in reader and "Lagre prosjektet" not in reader
    assert (
        login(personas["kommunalsjef"])
        .post(reverse("impl-member-add"), {"group": "arbeidsgruppe", "name": "X"})
        .status_code
        == 404
    )
    for key in ("barnehagelaerer", "styrer", "utenforstaaende", "korus"):
        assert login(personas[key]).get(reverse("impl-project")).status_code == 404


def test_it_maps_routines_and_shows_the_tiltaksoversikt_without_a_copy(personas, login):
    CatalogueItem.objects.create(
        kommune=personas["barnehagelaerer"].kommune,
        kind="arena",
        name="Ressursteam-merke",
        description="x",
        updated_by=personas["fagadmin"],
    )
    client = login(personas["bti_koordinator"])
    client.post(reverse("impl-kartlegging"), {"name": "Rutine for bekymringsmelding-merke", "assessment": "justeres"})
    body = client.get(reverse("impl-kartlegging")).content.decode()
    assert "Rutine for bekymringsmelding-merke" in body and "Justeres til BTI" in body and "Ressursteam-merke" in body


def test_it_registers_training_and_shows_it_per_unit(personas, login):
    client = login(personas["bti_koordinator"])
    today = timezone.localdate().isoformat()
    kari, nina = personas["barnehagelaerer"], personas["barnehagelaerer2"]
    client.post(
        reverse("impl-training"), {"kind": "grunnopplaering", "completed_on": today, "users": [kari.pk, nina.pk]}
    )
    assert TrainingRecord.objects.filter(kind="grunnopplaering").count() == 2
    body = client.get(reverse("impl-training")).content.decode()
    assert "Lia barnehage" in body and "Kari Nordmann" in body and "Grunnopplæring i BTI" in body
    # Lise leads Lia barnehage: she sees her unit only, and may not register Nina (Solsikken).
    lise = login(personas["styrer"])
    own = lise.get(reverse("impl-training")).content.decode()
    assert "Kari Nordmann" in own and "Solsikken barnehage" not in own
    refused = lise.post(reverse("impl-training"), {"kind": "stafettholder", "completed_on": today, "users": [nina.pk]})
    assert refused.status_code == 400
    future = client.post(
        reverse("impl-training"), {"kind": "stafettholder", "completed_on": "2999-01-01", "users": [kari.pk]}
    )
    assert "fram i tid" in future.content.decode()
    assert login(personas["barnehagelaerer"]).get(reverse("impl-training")).status_code == 404


def test_it_carries_anonymous_feedback_to_the_koordinator_and_the_answer_back(personas, login):
    kari = login(personas["barnehagelaerer"])
    page = kari.post(
        reverse("feedback"), {"recipient": "koordinator", "text": "Mer opplæring-merke", "anonymous": "on"}
    )
    body = page.content.decode()
    feedback = Feedback.objects.get()
    assert feedback.author_id is None and feedback.unit_id is None and "Skriv ned denne koden" in body
    code = body.split('class="receipt-code">')[1].split("<")[0]
    koordinator = login(personas["bti_koordinator"])
    inbox = koordinator.get(reverse("impl-feedback-inbox")).content.decode()
    assert "Mer opplæring-merke" in inbox and "anonym" in inbox and "Kari" not in inbox
    koordinator.post(reverse("impl-feedback-reply", kwargs={"feedback_id": feedback.pk}), {"text": "Kurs i mars-merke"})
    answer = login(personas["barnehagelaerer"]).get(reverse("feedback"), {"kode": code}).content.decode()
    assert "Kurs i mars-merke" in answer
    wrong = login(personas["barnehagelaerer"]).get(reverse("feedback"), {"kode": "FEIL"}).content.decode()
    assert "Fant ingen tilbakemelding" in wrong and "Kurs i mars-merke" not in wrong
    # Named feedback to the unit leader reaches Lise only.
    kari.post(reverse("feedback"), {"recipient": "leder", "text": "Til styrer-merke"})
    assert "Til styrer-merke" in login(personas["styrer"]).get(reverse("impl-feedback-inbox")).content.decode()
    assert (
        "Til styrer-merke"
        not in login(personas["bti_koordinator"]).get(reverse("impl-feedback-inbox")).content.decode()
    )
    assert "Til styrer-merke" in login(personas["barnehagelaerer"]).get(reverse("feedback")).content.decode()
    assert (
        login(personas["rektor"])
        .post(reverse("impl-feedback-reply", kwargs={"feedback_id": feedback.pk}), {"text": "x"})
        .status_code
        == 302
    )
    assert feedback.replies.count() == 1  # rektor may not answer it
