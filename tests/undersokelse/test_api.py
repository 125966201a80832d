"""The BTI-undersøkelsen over the API: the same rules, anonymity and suppression as the pages."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bti.models import Kommune, Service, Unit
from tests.undersokelse.helpers import HIGH, LOW, closed_round, open_round
from undersokelse.models import FreeText, Respondent, Response, RoundStatus, SurveyRound

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    return client


def _post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def _nabo_round(personas: dict[str, Any], title: str) -> SurveyRound:
    nabo = Kommune.objects.get(number="9902")
    today = timezone.localdate()
    return SurveyRound.objects.create(
        kommune=nabo,
        title=title,
        question_set="bti-2026",
        opens_on=today,
        closes_on=today + timedelta(days=7),
        created_by=personas["utenforstaaende"],
    )


def test_it_lists_the_rounds_of_followed_kommuner_and_never_another_kommunes(personas):
    eks = open_round(personas, ["Lia barnehage"], title="Runde-API-EKS-7731")
    nabo = _nabo_round(personas, "Runde-API-NABO-4410")
    korus = _client(personas["korus"])
    kommuner = korus.get(reverse("api-survey-kommuner")).json()
    assert [k["name"] for k in kommuner] == ["Eksempel kommune"] and kommuner[0]["may_manage"] is True
    listing = korus.get(reverse("api-survey-rounds", kwargs={"kommune_id": eks.kommune_id})).content.decode()
    assert "Runde-API-EKS-7731" in listing and "Runde-API-NABO-4410" not in listing
    # Another kommune's round: 404, and its title nowhere.
    for response in (
        korus.get(reverse("api-survey-rounds", kwargs={"kommune_id": nabo.kommune_id})),
        korus.get(reverse("api-survey-round", kwargs={"round_id": nabo.pk})),
        korus.get(reverse("api-survey-results", kwargs={"round_id": nabo.pk})),
    ):
        assert response.status_code == 404 and "Runde-API-NABO-4410" not in response.content.decode()
    detail = korus.get(reverse("api-survey-round", kwargs={"round_id": eks.pk})).json()
    assert detail["title"] == "Runde-API-EKS-7731" and detail["korus"] == "KoRus Eksempelregionen"
    assert detail["units"][0]["name"] == "Lia barnehage" and detail["units"][0]["invited"] == 3
    # The kommune's leader reads but does not run; staff and the outsider see nothing.
    leader = _client(personas["kommunalsjef"])
    assert "Runde-API-EKS-7731" in leader.get(reverse("api-survey-round", kwargs={"round_id": eks.pk})).content.decode()
    assert _post(leader, reverse("api-survey-round-close", kwargs={"round_id": eks.pk})).status_code == 404
    for key in ("barnehagelaerer", "utenforstaaende"):
        client = _client(personas[key])
        assert client.get(reverse("api-survey-kommuner")).json() == []
        response = client.get(reverse("api-survey-rounds", kwargs={"kommune_id": eks.kommune_id}))
        assert response.status_code == 404 and "Runde-API-EKS-7731" not in response.content.decode()
    assert SurveyRound.objects.get(pk=eks.pk).status == RoundStatus.OPEN


def test_it_creates_edits_opens_and_closes_a_round_with_reasons_for_bad_input(personas):
    client = _client(personas["bti_koordinator"])
    kommune_id = personas["bti_koordinator"].kommune_id
    url = reverse("api-survey-rounds", kwargs={"kommune_id": kommune_id})
    today = timezone.localdate()
    bad = _post(
        client, url, {"title": "Baklengs-runde", "opens_on": str(today), "closes_on": str(today - timedelta(1))}
    )
    assert bad.status_code == 400
    assert "Runden kan ikke stenge før den åpner" in str(bad.json()["closes_on"])
    assert "Velg minst én enhet" in str(bad.json()["units"])
    assert not SurveyRound.objects.filter(title="Baklengs-runde").exists()
    assert _post(client, url, {"title": "X", "opens_on": "i morgen", "closes_on": 3}).status_code == 400
    barnehage = Service.objects.get(kommune_id=kommune_id, name="Barnehage")
    body = {
        "title": "Før-API-3390",
        "opens_on": str(today),
        "closes_on": str(today + timedelta(14)),
        "service_ids": [barnehage.pk],
    }
    created = _post(client, url, body)
    assert created.status_code == 201, created.content
    survey = created.json()
    assert survey["status"] == "utkast" and survey["korus"] is None
    assert {u["name"] for u in survey["units"]} == set(
        Unit.objects.filter(service=barnehage, is_active=True).values_list("name", flat=True)
    )
    round_url = reverse("api-survey-round", kwargs={"round_id": survey["id"]})
    lia = Unit.objects.get(name="Lia barnehage")
    edited = client.put(round_url, {**body, "service_ids": [], "unit_ids": [lia.pk]}, content_type="application/json")
    assert edited.status_code == 200 and [u["name"] for u in edited.json()["units"]] == ["Lia barnehage"]
    opened = _post(client, reverse("api-survey-round-open", kwargs={"round_id": survey["id"]}))
    assert opened.status_code == 200 and opened.json()["status"] == "apen" and opened.json()["invited"] == 3
    again = _post(client, reverse("api-survey-round-open", kwargs={"round_id": survey["id"]}))
    assert again.status_code == 400 and "Runden er allerede åpnet" in str(again.json())
    locked = client.put(round_url, body, content_type="application/json")
    assert locked.status_code == 400 and "Bare et utkast kan endres" in str(locked.json())
    reminded = _post(client, reverse("api-survey-round-remind", kwargs={"round_id": survey["id"]}))
    assert reminded.status_code == 200 and reminded.json() == {"reminded": 3}
    closed = _post(client, reverse("api-survey-round-close", kwargs={"round_id": survey["id"]}))
    assert closed.status_code == 200 and closed.json()["status"] == "avsluttet"
    assert _post(client, reverse("api-survey-round-close", kwargs={"round_id": survey["id"]})).status_code == 400


def test_an_api_answer_is_stored_without_anything_that_identifies_its_writer(personas):
    survey = open_round(personas, ["Lia barnehage"], title="Svar-API")
    writer = personas["barnehagelaerer"]
    client = _client(writer)
    url = reverse("api-survey-answer", kwargs={"round_id": survey.pk})
    form = client.get(url).json()
    assert form["has_answered"] is False and form["units"] == [
        {"id": writer.memberships.first().unit_id, "name": "Lia barnehage"}
    ]
    assert {t["title"] for t in form["themes"]} >= {"Kunnskap om BTI", "Tidlig inn"}
    assert client.get(reverse("api-survey-invitations")).json()[0]["round"]["title"] == "Svar-API"
    # Bad input: a reason, nothing stored.
    for body, field in (
        ({"scores": {"kunnskap.modell": 9}}, "scores"),
        ({"scores": {"ukjent.sporsmal": 3}}, "scores"),
        ({"texts": {"kunnskap.modell": "tekst"}}, "texts"),
        ({"scores": {}}, "__all__"),
        ({"scores": "mye"}, "scores"),
    ):
        refused = _post(client, url, body)
        assert refused.status_code == 400 and field in refused.json(), (body, refused.content)
    # A text with an fnr and a name: warned first, then sent with the fnr stripped.
    text = "Ring 01017012345 om Emma Hansen, Svar-API-tekst-6621"
    warned = _post(client, url, {"scores": {"kunnskap.modell": 4}, "texts": {"barrierer.fritekst": text}})
    assert warned.status_code == 400 and warned.json()["code"] == "confirm"
    assert "fødselsnummer" in str(warned.json()["texts"]) and "Emma Hansen" in str(warned.json()["texts"])
    assert not Response.objects.filter(round=survey).exists()
    sent = _post(
        client, url, {"scores": {"kunnskap.modell": 4}, "texts": {"barrierer.fritekst": text}, "confirmed": True}
    )
    assert sent.status_code == 201 and sent.json()["scored"] == 1 and sent.json()["texts"] == 1
    assert str(writer.pk) not in json.dumps(sent.json()) and writer.email not in sent.content.decode()
    # The answer row: no user id, no time; Lia has 3 invited, so not even the unit.
    row = Response.objects.filter(round=survey).values().get()
    assert set(row) == {"id", "kommune_id", "round_id", "service_id", "unit_id", "answers"}
    assert row["answers"] == {"kunnskap.modell": 4} and row["unit_id"] is None and row["service_id"] is None
    free = FreeText.objects.get(round=survey)
    assert "01017012345" not in free.text and "Svar-API-tekst-6621" in free.text and free.unit_id is None
    assert Respondent.objects.get(round=survey, user=writer).has_answered is True
    # A second answer: 409 with the reason, the first kept.
    second = _post(client, url, {"scores": HIGH})
    assert second.status_code == 409 and "allerede svart" in second.json()["detail"]
    assert Response.objects.filter(round=survey).count() == 1
    assert client.get(url).json()["has_answered"] is True
    # Not invited: the same 404 as a missing round.
    outsider = _client(personas["kontaktlaerer"])
    assert outsider.get(url).status_code == 404 and _post(outsider, url, {"scores": HIGH}).status_code == 404
    assert _post(client, reverse("api-survey-answer", kwargs={"round_id": 999999}), {"scores": HIGH}).status_code == 404


def _groups(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["label"]: g for g in body["groups"]}


def test_results_carry_no_number_and_no_free_text_of_a_suppressed_group(personas):
    survey = closed_round(personas, title="ApiHøst", scores=HIGH, small_scores=LOW)
    helse_texts = list(FreeText.objects.filter(round=survey, service__isnull=True).values_list("text", flat=True))
    assert len(helse_texts) == 3  # the small group's texts, coarsened at closing
    client = _client(personas["bti_koordinator"])
    url = reverse("api-survey-results", kwargs={"round_id": survey.pk})
    root = client.get(url).json()
    assert root["available"] is True and root["group"]["kind"] == "alle" and root["group"]["n"] == 16
    groups = _groups(root)
    # Helsestasjonen (3) is hidden; Skole and Nordby skole too, or subtraction would give it away.
    for label in ("Helsestasjonen", "Skole", "Nordby skole"):
        assert groups[label]["hidden"] is True and groups[label]["n"] is None, label
    assert groups["Solberg skole"]["n"] == 7 and groups["Solberg skole"]["hidden"] is False
    kunnskap = next(t for t in root["themes"] if t["key"] == "kunnskap")
    assert kunnskap["title"] == "Kunnskap om BTI" and kunnskap["score"]["n"] == 16
    # The kommune as a whole is large enough for its free text (all 16).
    all_texts = [t for f in root["free_texts"] for t in f["texts"]]
    assert len(all_texts) == 16 and set(helse_texts) <= set(all_texts)
    helse = Unit.objects.get(name="Helsestasjonen")
    for params in (
        {"enhet": helse.pk},
        {"tjeneste": helse.service_id},
        {"enhet": Unit.objects.get(name="Nordby skole").pk},
    ):
        hidden = client.get(url, params)
        body = hidden.json()
        assert hidden.status_code == 200 and "har for få svar til å vises" in body["message"]
        assert body["group"]["hidden"] is True and body["group"]["n"] is None
        assert body["themes"] == [] and body["free_texts"] == []
        raw = hidden.content.decode()
        assert not any(text in raw for text in helse_texts)
        assert "Fritekst-ApiHøst-" not in raw
    solberg = client.get(url, {"enhet": Unit.objects.get(name="Solberg skole").pk}).json()
    assert solberg["message"] is None and solberg["group"]["n"] == 7
    assert next(t for t in solberg["themes"] if t["key"] == "kunnskap")["score"]["mean"] == 5.0
    solberg_texts = [t for f in solberg["free_texts"] for t in f["texts"]]
    assert len(solberg_texts) == 7 and not set(helse_texts) & set(solberg_texts)
    # Nothing anywhere carries the small group's mean (2.0 from its LOW answers).
    for body in (root, solberg):
        for theme in body["themes"]:
            assert theme["score"]["mean"] != 2.0


def test_results_compare_with_the_previous_round_and_refuse_a_bad_filter(personas):
    closed_round(personas, title="Før", scores=LOW, days_ago=200)
    second = closed_round(personas, title="Etter", scores=HIGH, days_ago=20)
    client = _client(personas["bti_koordinator"])
    url = reverse("api-survey-results", kwargs={"round_id": second.pk})
    body = client.get(url).json()
    assert body["previous"]["title"] == "Før"
    kunnskap = next(t for t in body["themes"] if t["key"] == "kunnskap")
    assert kunnskap["change"] == 3.0 and kunnskap["before"]["mean"] == 2.0 and kunnskap["score"]["mean"] == 5.0
    texts = json.dumps(body["free_texts"])
    assert "Fritekst-Etter-" in texts and "Fritekst-Før-" not in texts
    for params, field in (({"enhet": "abc"}, "enhet"), ({"enhet": 999999}, "enhet"), ({"tjeneste": "x"}, "tjeneste")):
        refused = client.get(url, params)
        assert refused.status_code == 400 and field in refused.json(), params
    # An open round has no results yet.
    still_open = open_round(personas, ["Lia barnehage"], title="Åpen-API")
    waiting = client.get(reverse("api-survey-results", kwargs={"round_id": still_open.pk})).json()
    assert waiting["available"] is False and "når runden er avsluttet" in waiting["message"] and waiting["themes"] == []


def test_the_csv_report_needs_a_recent_second_factor_and_hides_small_groups(personas):
    survey = closed_round(personas, title="CsvApi")
    client = _client(personas["bti_koordinator"])
    url = reverse("api-survey-report-csv", kwargs={"round_id": survey.pk})
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "Solberg skole" in text and "Kunnskap om BTI" in text
    for line in text.splitlines():
        if "Helsestasjon" in line:
            assert line.split(";")[5] == "<5" and line.split(";")[6] == ""
    session = client.session
    session["auth_at"] = 0
    session.save()
    stale = client.get(url)
    assert stale.status_code == 403 and "Bekreft innloggingen" in stale.json()["detail"]
    assert "Solberg skole" not in stale.content.decode()
    still_open = open_round(personas, ["Lia barnehage"], title="Åpen-CSV")
    fresh = _client(personas["bti_koordinator"])
    early = fresh.get(reverse("api-survey-report-csv", kwargs={"round_id": still_open.pk}))
    assert early.status_code == 409 and "når runden er avsluttet" in early.json()["detail"]
    assert _client(personas["barnehagelaerer"]).get(url).status_code == 404
