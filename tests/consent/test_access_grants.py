"""Time-limited access: a unit leader gives one person access to one case for a period
and a reason; it begins and ends by itself (issue 16 item 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bti import policy
from bti.security.models import SecurityEvent, SecurityEventKind
from consent.models import AccessGrant
from stafettlogg import services as log_services
from stafettlogg.models import Entry
from tests.cases.helpers import undring

pytestmark = pytest.mark.django_db

REASON = "Tilgangsmarkør: Nina tar over som spesialpedagog i to uker"
NOTE = "Notatmarkør fra Lia barnehage"


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    return client


@pytest.fixture
def case(personas):
    case = undring(personas, anonymous=False)
    log_services.note_add(actor=personas["barnehagelaerer"], case_id=case.pk, kind="notat", text=NOTE)
    return case


def _grant(styrer: Client, case, personas, **overrides):
    from bti.models import Unit

    today = timezone.localdate()
    nina = personas["barnehagelaerer2"]
    data = {
        "person": f"{nina.pk}:{Unit.objects.get(name='Solsikken barnehage').pk}",
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=13)).isoformat(),
        "reason": REASON,
        **overrides,
    }
    return styrer.post(reverse("case-access-grants", kwargs={"case_id": case.pk}), data)


def test_a_grant_opens_the_case_on_the_next_request_with_an_entry_and_a_security_event(case, personas):
    nina = _client(personas["barnehagelaerer2"])
    url = reverse("cases:case_detail", kwargs={"case_id": case.pk})
    assert nina.get(url).status_code == 404
    styrer = _client(personas["styrer"])
    page = styrer.get(reverse("case-access-grants", kwargs={"case_id": case.pk})).content.decode()
    assert "Nina Holm – Solsikken barnehage" in page
    assert "Per Dahl" not in page and "Kari Nordmann –" not in page  # other services, the owning unit
    response = _grant(styrer, case, personas)
    assert response.status_code == 302
    body = nina.get(url).content.decode()
    assert NOTE in body and "har fått tilgang til saken" in body and REASON in body
    grant = AccessGrant.objects.get(case=case)
    entry = Entry.objects.filter(case=case, data__event="access_granted").get()
    assert REASON in entry.text and entry.author == personas["styrer"]
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ACCESS_GRANT)
    assert event.detail["action"] == "granted" and event.detail["person"] == personas["barnehagelaerer2"].pk
    assert event.detail["valid_until"] == grant.valid_until.isoformat()
    assert policy.readable_categories(personas["barnehagelaerer2"], case) == frozenset({"*"})
    # The person reads, never writes: no action forms.
    assert "Du kan lese saken, men ikke gjøre endringer i den." in body


def test_it_begins_and_ends_by_itself(case, personas):
    styrer = _client(personas["styrer"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    _grant(styrer, case, personas, valid_from=tomorrow.isoformat())
    nina = personas["barnehagelaerer2"]
    assert not policy.cases_visible_to(nina).filter(pk=case.pk).exists()  # not yet
    grant = AccessGrant.objects.get(case=case)
    AccessGrant.objects.filter(pk=grant.pk).update(valid_from=timezone.localdate() - timedelta(days=14))
    assert policy.cases_visible_to(nina).filter(pk=case.pk).exists()  # in its period
    AccessGrant.objects.filter(pk=grant.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    assert not policy.cases_visible_to(nina).filter(pk=case.pk).exists()  # over, with no job
    assert _client(nina).get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).status_code == 404


def test_the_leader_ends_it_early_from_tilgangskontroll(case, personas):
    styrer = _client(personas["styrer"])
    _grant(styrer, case, personas)
    grant = AccessGrant.objects.get(case=case)
    review = styrer.get(reverse("tilgangskontroll")).content.decode()
    assert REASON in review and "Nina Holm" in review and "Gjelder nå" in review
    received = _client(personas["barnehagelaerer2"]).get(reverse("tilgangskontroll")).content.decode()
    assert "Tidsavgrenset tilgang du har fått" in received
    assert reverse("cases:case_detail", kwargs={"case_id": case.pk}) in received
    response = styrer.post(
        reverse("case-access-grant-end", kwargs={"case_id": case.pk, "grant_id": grant.pk}),
        {"tilbake": "tilgangskontroll"},
    )
    assert response["Location"] == reverse("tilgangskontroll")
    grant.refresh_from_db()
    assert grant.ended_at is not None and grant.ended_by == personas["styrer"]
    assert not policy.cases_visible_to(personas["barnehagelaerer2"]).filter(pk=case.pk).exists()
    assert Entry.objects.filter(case=case, data__event="access_grant_ended").exists()
    assert [
        e.detail["action"] for e in SecurityEvent.objects.filter(kind=SecurityEventKind.ACCESS_GRANT).order_by("pk")
    ] == [
        "granted",
        "ended",
    ]
    assert "Avsluttet" in styrer.get(reverse("tilgangskontroll")).content.decode()


def test_only_the_owning_units_leader_gives_and_only_inside_the_service(case, personas):
    from bti.models import Unit

    for key in ("barnehagelaerer", "rektor", "ppt", "kommuneadmin"):
        client = _client(personas[key])
        assert client.get(reverse("case-access-grants", kwargs={"case_id": case.pk})).status_code == 404, key
        assert _grant(client, case, personas).status_code == 404, key
    styrer = _client(personas["styrer"])
    ppt = personas["ppt"]
    other_service = _grant(styrer, case, personas, person=f"{ppt.pk}:{Unit.objects.get(name='PPT Eksempel').pk}")
    body = other_service.content.decode()
    assert other_service.status_code == 400
    assert "Andre tjenester får opplysninger med samtykke" in body or "Velg et gyldig valg" in body
    too_long = _grant(styrer, case, personas, valid_until=(timezone.localdate() + timedelta(days=120)).isoformat())
    assert too_long.status_code == 400 and "høyst 90 dager" in too_long.content.decode()
    past = _grant(styrer, case, personas, valid_from=(timezone.localdate() - timedelta(days=3)).isoformat())
    assert past.status_code == 400 and "kan ikke begynne før i dag" in past.content.decode()
    no_reason = _grant(styrer, case, personas, reason=" ")
    assert no_reason.status_code == 400 and "Begrunnelsen vises for familien" in no_reason.content.decode()
    assert 'value="' in no_reason.content.decode()
    assert not AccessGrant.objects.exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.ACCESS_GRANT).exists()


def test_a_second_grant_in_the_same_period_is_refused(case, personas):
    styrer = _client(personas["styrer"])
    _grant(styrer, case, personas)
    again = _grant(styrer, case, personas)
    assert again.status_code == 400 and "har allerede tilgang i perioden" in again.content.decode()
    assert AccessGrant.objects.count() == 1


def test_grants_over_the_api(case, personas):
    from bti.models import Unit

    styrer = _client(personas["styrer"])
    nina = personas["barnehagelaerer2"]
    today = timezone.localdate()
    created = styrer.post(
        reverse("api-tilganger", kwargs={"case_id": case.pk}),
        {
            "user_id": nina.pk,
            "unit_id": Unit.objects.get(name="Solsikken barnehage").pk,
            "valid_from": today.isoformat(),
            "valid_until": (today + timedelta(days=5)).isoformat(),
            "reason": REASON,
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "current"
    listing = styrer.get(reverse("api-tilganger", kwargs={"case_id": case.pk})).json()["results"]
    assert [g["reason"] for g in listing] == [REASON]
    assert _client(nina).get(reverse("api-tilganger", kwargs={"case_id": case.pk})).status_code == 404
    review = styrer.get(reverse("api-tilgangskontroll")).json()
    assert review["grants"][0]["user"] == "Nina Holm"
    ended = styrer.post(reverse("api-tilgang-avslutt", kwargs={"case_id": case.pk, "grant_id": created.json()["id"]}))
    assert ended.json()["status"] == "ended"
    again = styrer.post(reverse("api-tilgang-avslutt", kwargs={"case_id": case.pk, "grant_id": created.json()["id"]}))
    assert again.status_code == 400 and "allerede avsluttet" in str(again.json())
