"""Issue 18: what the system writes into the stafettlogg (handovers, a level change, a case
moved to another unit) is stored as an event code with its data and shown in the reader's
language; the hash chain covers what is stored; older rows are shown as stored."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from stafettlogg.models import Entry, EntryKind
from stafettlogg.services import entry_append
from stafettlogg.texts import SYSTEM_TEXTS, entry_text
from stafettlogg.verify import verify_chains
from tests.cases.helpers import case_on_level, handover_to_school

pytestmark = pytest.mark.django_db

NB = ["som ny stafettholder", "tok imot stafettpinnen fra Kari Nordmann", "nivå 0 → 1"]
NN = ["som ny stafetthaldar", "tok imot stafettpinnen frå Kari Nordmann", "nivå 0 → 1"]
EN = ["as the new relay holder", "took over the relay baton from Kari Nordmann", "level 0 → 1"]


def reader(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    return client


def _case_with_handover(personas):
    kari = personas["barnehagelaerer"]
    kari.language = "en"  # the actor reads English: what is stored is still the bokmål source
    kari.save(update_fields=["language"])
    with translation.override("en"):
        case = case_on_level(personas, 1)
        return handover_to_school(personas, case)


def test_handover_texts_are_stored_as_code_and_data_in_bokmal(personas):
    case = _case_with_handover(personas)
    proposed = Entry.objects.get(case=case, kind=EntryKind.STAFETTHOLDER, data__event="proposed")
    accepted = Entry.objects.get(case=case, kind=EntryKind.STAFETTHOLDER, data__event="accepted")
    assert proposed.data["text_code"] == "stafettholder.proposed" and "som ny stafettholder" in proposed.text
    assert accepted.data["text_code"] == "stafettholder.accepted_from"
    assert accepted.data["text_args"]["prev"] == "Kari Nordmann"
    assert list(verify_chains(case.pk)) == []  # the chain covers the stored text and data


@pytest.mark.parametrize(("language", "shown", "hidden"), [("nn", NN, [NB[0], EN[0]]), ("en", EN, [NB[0], NN[0]])])
def test_the_timeline_shows_system_texts_in_the_readers_language(personas, language, shown, hidden):
    case = _case_with_handover(personas)
    client = reader(personas["kontaktlaerer"], language)
    page = client.get(reverse("stafettlogg:timeline", args=[case.pk])).content.decode()
    assert all(marker in page for marker in shown), language
    assert not any(marker in page for marker in hidden)
    api = client.get(reverse("api-case-entries", args=[case.pk])).json()
    rows = api["results"] if isinstance(api, dict) else api
    proposed = next(r for r in rows if (r.get("data") or {}).get("event") == "proposed")
    assert shown[0] in proposed["shown_text"] and NB[0] in proposed["text"]  # text as stored, for the hash


def test_the_bokmal_reader_sees_the_stored_text(personas):
    case = _case_with_handover(personas)
    page = reader(personas["kontaktlaerer"], "nb").get(reverse("stafettlogg:timeline", args=[case.pk])).content.decode()
    assert all(marker in page for marker in NB)
    assert not any(marker in page for marker in (EN[0], NN[0]))


def test_an_old_entry_without_a_code_is_shown_as_stored_in_every_language(personas):
    case = case_on_level(personas, 1)
    from django.db import transaction

    with transaction.atomic():
        entry_append(
            case=case,
            actor=personas["barnehagelaerer"],
            kind=EntryKind.STAFETTHOLDER,
            text="Gammal tekst GAMMEL-S1 er stafettholder.",
            data={"event": "started"},
        )
    for language in ("nn", "en"):
        page = (
            reader(personas["barnehagelaerer"], language)
            .get(reverse("stafettlogg:timeline", args=[case.pk]))
            .content.decode()
        )
        assert "Gammal tekst GAMMEL-S1 er stafettholder." in page


def test_unknown_codes_and_broken_arguments_fall_back_to_the_stored_text():
    assert entry_text("Lagra", {"text_code": "finst.ikkje", "text_args": {}}) == "Lagra"
    assert entry_text("Lagra", {"text_code": "stafettholder.started", "text_args": {"name": "A"}}) == "Lagra"
    assert entry_text("Lagra", {"text_code": "stafettholder.started", "text_args": "x"}) == "Lagra"
    assert all("%(" in text for text in SYSTEM_TEXTS.values())


def test_personal_arguments_stay_in_the_sealed_text_only(personas):
    """A decline reason (the writer's own words) and the child's anonymous label are not
    copied into ``data`` (not sealed, left after kassasjon): the text alone holds them, and a
    reader in another language sees that stored sentence."""
    from stafettlogg.texts import system_text

    text, data = system_text("stafettholder.declined", name="Ola Hansen", reason="Avslag-ZQ7 har ikke kapasitet")
    assert "Avslag-ZQ7" in text and "Avslag-ZQ7" not in str(data)
    assert data["text_args"] == {"name": "Ola Hansen"}
    with translation.override("nn"):
        assert entry_text(text, data) == text  # shown as stored, never with a hole
    text, data = system_text("case.identified", label="Q.W.")
    assert "Q.W." in text and "Q.W." not in str(data)
