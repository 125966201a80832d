"""Services and units: create, rename, close, merge (issue 16 item 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bti.models import Membership, Service, Unit
from cases.models import Case
from handlingsveileder.models import Handlingsveileder
from stafettlogg.models import Entry
from tests.cases.helpers import undring
from tests.kommuneadmin.helpers import admin_events

pytestmark = pytest.mark.django_db


def test_it_creates_a_service_with_its_guide_and_a_unit(admin, personas):
    response = admin.post(
        reverse("ka-service-new"), {"name": "Fysioterapi for barn", "kind": "fysio_ergo", "category": ""}
    )
    service = Service.objects.get(name="Fysioterapi for barn")
    assert response["Location"] == reverse("ka-unit-new") + f"?tjeneste={service.pk}"
    assert service.category == "hjelpe" and service.kommune_id == personas["kommuneadmin"].kommune_id
    assert Handlingsveileder.objects.filter(service=service).exists()
    form = admin.get(response["Location"]).content.decode()
    assert f'<option value="{service.pk}" selected>' in form
    admin.post(reverse("ka-unit-new"), {"name": "Barnefysio sentrum", "service": service.pk})
    unit = Unit.objects.get(name="Barnefysio sentrum")
    assert unit.kommune_id == service.kommune_id
    listing = admin.get(reverse("ka-services")).content.decode()
    assert "Fysioterapi for barn" in listing and "Barnefysio sentrum" in listing
    assert [e.detail["action"] for e in admin_events()] == ["service_created", "unit_created"]


def test_names_are_unique_in_the_kommune_with_a_message(admin, personas):
    dup = admin.post(
        reverse("ka-unit-new"),
        {"name": "lia BARNEHAGE", "service": Service.objects.get(name="Skole", kommune__number="9901").pk},
    )
    assert dup.status_code == 400 and "har allerede en enhet som heter" in dup.content.decode()
    empty = admin.post(reverse("ka-service-new"), {"name": "  ", "kind": ""})
    assert empty.status_code == 400
    body = empty.content.decode()
    assert "Skriv et navn." in body and "Rett opp dette" in body


def test_it_renames_a_unit_with_before_and_after(admin, personas):
    unit = Unit.objects.get(name="Nordby skole")
    admin.post(
        reverse("ka-unit", kwargs={"unit_id": unit.pk}), {"name": "Nordby barneskole", "service": unit.service_id}
    )
    unit.refresh_from_db()
    assert unit.name == "Nordby barneskole"
    [event] = admin_events("unit_updated")
    assert event.detail["before"]["name"] == "Nordby skole" and event.detail["after"]["name"] == "Nordby barneskole"


def test_a_unit_with_open_cases_is_not_closed(admin, personas):
    undring(personas)
    lia = Unit.objects.get(name="Lia barnehage")
    page = admin.get(reverse("ka-unit-close", kwargs={"unit_id": lia.pk})).content.decode()
    assert "eier åpne saker og kan ikke stenges" in page
    response = admin.post(reverse("ka-unit-close", kwargs={"unit_id": lia.pk}))
    assert response.status_code == 400
    assert "Lia barnehage eier 1 åpne saker" in response.content.decode()
    lia.refresh_from_db()
    assert lia.is_active


def test_closing_a_unit_ends_its_memberships(admin, personas):
    nina = personas["barnehagelaerer2"]
    unit = Unit.objects.get(name="Solsikken barnehage")
    Membership.objects.filter(user=nina, unit=unit).update(valid_from=timezone.localdate() - timedelta(days=30))
    response = admin.post(reverse("ka-unit-close", kwargs={"unit_id": unit.pk}))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert not unit.is_active
    assert Membership.objects.get(user=nina, unit=unit).valid_until == timezone.localdate() - timedelta(days=1)
    [event] = admin_events("unit_closed")
    assert event.detail["memberships_ended"] == 1
    [ended] = admin_events("membership_ended")
    assert ended.detail["before"]["user"] == nina.pk and ended.detail["reason"] == f"unit {unit.pk} closed"
    # A closed unit is a problem for new memberships.
    again = admin.post(
        reverse("ka-membership-new", kwargs={"user_id": nina.pk}),
        {"unit": unit.pk, "role": "ansatt", "valid_from": "2026-01-01"},
    )
    assert again.status_code == 400


def test_merging_moves_cases_with_an_entry_and_people_then_closes_the_unit(admin, personas, login):
    case = undring(personas)
    lia = Unit.objects.get(name="Lia barnehage")
    bakketoppen = Unit.objects.get(name="Bakketoppen barnehage")
    preview = admin.get(reverse("ka-unit-merge", kwargs={"unit_id": lia.pk})).content.decode()
    assert "Samtykker som er gitt til den, gjelder fortsatt bare den" in preview
    response = admin.post(reverse("ka-unit-merge", kwargs={"unit_id": lia.pk}), {"into": bakketoppen.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    lia.refresh_from_db()
    assert case.owner_unit_id == bakketoppen.pk and not lia.is_active
    entry = Entry.objects.filter(case=case).order_by("-seq").first()
    assert entry is not None and entry.data["event"] == "owner_unit_merged"
    assert "Lia barnehage er slått sammen med Bakketoppen barnehage" in entry.text
    kari = personas["barnehagelaerer"]
    assert Membership.objects.filter(user=kari, unit=bakketoppen, role="ansatt").exists()
    assert login(kari).get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).status_code == 200
    [event] = admin_events("unit_merged")
    assert event.detail["cases_moved"] == 1 and event.detail["after"]["merged_into"] == bakketoppen.pk
    assert Case.objects.filter(owner_unit=lia).count() == 0
