"""Consent online per guardian (issue 14 item 3), through the consent app's one write path."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bti.models import Unit
from consent.models import Consent, ConsentForm
from oversikt.models import Notification
from tests.familie.helpers import families, family_client, staff_client

pytestmark = pytest.mark.django_db

PURPOSE = "Formålsmarkør-S1: samarbeid om lesing"


@pytest.fixture
def fam(personas, settings):
    settings.DEMO_MODE = True
    return families(personas)


def _answer(client, case, unit_name, categories, decision="given", **extra):
    data = {
        "decision": decision,
        "unit": Unit.objects.get(name=unit_name).pk,
        "categories": categories,
        "purpose": PURPOSE,
        "valid_until": (timezone.localdate() + timedelta(days=180)).isoformat(),
        "child_view": "Barnemarkør-S2: synes det er greit",
        **extra,
    }
    return client.post(reverse("familie-consent", args=[case.pk]), data)


def test_the_consent_page_says_everything_consent_must_say(fam):
    body = family_client(fam, "marte").get(reverse("familie-consent", args=[fam.theo.pk])).content.decode()
    for text in (
        "spør om å dele opplysninger om barnet",  # purpose
        "hvilken tjeneste som skal få opplysningene",  # recipients and categories
        "det dere har fortalt dem",  # what is collected from whom
        "Det er frivillig å samtykke.",
        "Du kan trekke samtykket tilbake når som helst.",
        "Samtykket gjelder fra i dag og til datoen du velger",
    ):
        assert text in body, text
    assert "Vurdering av lesing sammen med PPT" in body  # the existing consent
    assert "PPT Eksempel" in body


def test_the_mother_withdraws_the_ppt_consent_and_ppt_gets_404_on_the_next_request(fam, personas):
    ppt = staff_client(personas["ppt"])
    assert ppt.get(reverse("cases:case_detail", args=[fam.theo.pk])).status_code == 200
    marte = family_client(fam, "marte")
    consent = Consent.objects.get(case=fam.theo)
    response = marte.post(reverse("familie-consent-withdraw", args=[fam.theo.pk, consent.pk]))
    assert response.status_code == 302
    assert ppt.get(reverse("cases:case_detail", args=[fam.theo.pk])).status_code == 404
    # The stafettholder (here the owning unit's leader: nivå 1 without a holder) is told, without content.
    notes = Notification.objects.filter(case=fam.theo, kind="familie")
    assert notes.exists()
    assert all("Theo" not in n.text for n in notes)
    body = marte.get(reverse("familie-consent", args=[fam.theo.pk])).content.decode()
    assert "trukket tilbake" in body
    # Withdrawn again: a plain message, nothing changes.
    again = marte.post(reverse("familie-consent-withdraw", args=[fam.theo.pk, consent.pk]))
    assert again.status_code == 400
    assert "Samtykket er allerede trukket tilbake." in again.content.decode()


def test_a_guardian_gives_consent_online_and_the_case_shows_who_has_and_has_not(fam):
    kristin = family_client(fam, "kristin")
    response = _answer(kristin, fam.emma, "Eksempel ungdomsskole", ["stafettlogg"])
    assert response.status_code == 302, response.content.decode()
    consent = Consent.objects.get(case=fam.emma, purpose=PURPOSE)
    assert consent.form == ConsentForm.DIGITAL
    assert list(consent.guardians.all()) == [fam.guardians["kristin"]]
    body = kristin.get(reverse("familie-consent", args=[fam.emma.pk])).content.decode()
    assert "Kristin Lund: har samtykket" in body
    assert "Anders Lund: har ikke samtykket" in body


def test_the_16_year_old_refuses_health_sharing_and_the_parents_cannot_override(fam):
    emma = family_client(fam, "emma")
    response = _answer(emma, fam.emma, "Eksempel ungdomsskole", ["helseopplysninger"], decision="refused")
    assert response.status_code == 302, response.content.decode()
    refusal = Consent.objects.get(case=fam.emma, decision="refused")
    assert refusal.by_young_person
    kristin = family_client(fam, "kristin")
    response = _answer(kristin, fam.emma, "Eksempel ungdomsskole", ["helseopplysninger"])
    body = response.content.decode()
    assert response.status_code == 400
    assert "bestemmer selv over egne helseopplysninger" in body
    assert not Consent.objects.filter(case=fam.emma, decision="given").exists()


def test_barnevern_contact_for_a_child_of_15_or_more_needs_the_childs_consent(fam):
    kristin = family_client(fam, "kristin")
    response = _answer(kristin, fam.emma, "Barneverntjenesten", ["stafettlogg"])
    assert response.status_code == 400
    assert "kontakt med barnevernet krever også barnets eget samtykke" in response.content.decode()
    assert not Consent.objects.filter(case=fam.emma).exists()


def test_a_consent_without_purpose_gets_a_message_next_to_the_field(fam):
    kristin = family_client(fam, "kristin")
    response = _answer(kristin, fam.emma, "Eksempel ungdomsskole", ["stafettlogg"], purpose="")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Rett opp dette før du lagrer:" in body and "Skriv hva opplysningene skal brukes til." in body


def test_another_familys_consent_cannot_be_withdrawn(fam):
    consent = Consent.objects.get(case=fam.theo)
    kristin = family_client(fam, "kristin")
    assert kristin.post(reverse("familie-consent-withdraw", args=[fam.theo.pk, consent.pk])).status_code == 404
    assert kristin.post(reverse("familie-consent-withdraw", args=[fam.emma.pk, consent.pk])).status_code == 400
    assert not consent.scopes.filter(withdrawn_at__isnull=False).exists()
