"""Entra ID group claims mapped to memberships at login (issue 16 item 2), against the
local OpenID Connect provider of the test suite."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bti.models import KommuneRole, Membership, Unit, User
from bti.security.models import SecurityEvent, SecurityEventKind
from kommuneadmin.models import GroupMapping, SyncedAccess
from tests.bti.test_oidc import run_flow
from tests.cases.helpers import undring
from tests.kommuneadmin.helpers import admin_events

pytestmark = pytest.mark.django_db

LIA_GROUP = "7c1d0e4a-lia-ansatte"
KOORDINATOR_GROUP = "a9f3-bti-koordinatorer"


@pytest.fixture
def mappings(oidc_providers, personas):
    provider = oidc_providers["staff"]
    lia = Unit.objects.get(name="Lia barnehage")
    common = {"kommune": provider.kommune, "provider": provider, "created_by": personas["kommuneadmin"]}
    return {
        "lia": GroupMapping.objects.create(group_id=LIA_GROUP, unit=lia, role="ansatt", creates_users=True, **common),
        "koordinator": GroupMapping.objects.create(
            group_id=KOORDINATOR_GROUP, kommune_role="bti_koordinator", **common
        ),
        "server": oidc_providers["server"],
    }


def test_a_group_member_without_a_user_gets_one_with_the_membership(mappings, personas, client):
    case = undring(personas)
    mappings["server"].claims = {
        "oid": "oid-ny",
        "email": "Nils.Ny@Eksempel.Kommune.no",
        "name": "Nils Ny",
        "groups": [LIA_GROUP, "en-annen-gruppe"],
        "amr": ["pwd", "mfa"],
    }
    response = run_flow(client, "entra-eksempel")
    assert response.status_code == 302
    nils = User.objects.get(email="nils.ny@eksempel.kommune.no")
    assert nils.full_name == "Nils Ny" and nils.kommune == personas["kommuneadmin"].kommune
    assert not nils.has_usable_password()
    assert client.session["_auth_user_id"] == str(nils.pk)
    assert Membership.objects.filter(user=nils, unit__name="Lia barnehage", role="ansatt").exists()
    assert client.get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).status_code == 200
    assert [e.detail["action"] for e in admin_events()] == ["user_created_at_login", "membership_added"]
    assert admin_events("membership_added")[0].detail["source"] == "entra"


def test_nobody_is_created_without_a_group_that_allows_it(mappings, personas, client):
    mappings["server"].claims = {"oid": "oid-x", "email": "ukjent@eksempel.kommune.no", "groups": [KOORDINATOR_GROUP]}
    response = run_flow(client, "entra-eksempel")
    assert response.status_code == 403 and "ingen brukerkonto" in response.content.decode()
    assert not User.objects.filter(email="ukjent@eksempel.kommune.no").exists()
    outsider = {"oid": "oid-jon", "email": personas["utenforstaaende"].email, "groups": [LIA_GROUP]}
    mappings["server"].claims = outsider
    assert run_flow(Client(), "entra-eksempel").status_code == 403
    assert not Membership.objects.filter(user=personas["utenforstaaende"], unit__name="Lia barnehage").exists()


def test_memberships_follow_the_groups_and_leave_the_others_alone(mappings, personas, client):
    ola = personas["kontaktlaerer"]
    server = mappings["server"]
    server.claims = {"oid": "oid-ola", "email": ola.email, "groups": [LIA_GROUP, KOORDINATOR_GROUP]}
    run_flow(client, "entra-eksempel")
    assert Membership.objects.filter(user=ola, unit__name="Lia barnehage").exists()
    assert KommuneRole.objects.filter(user=ola, role="bti_koordinator").exists()
    assert SyncedAccess.objects.filter(user=ola).count() == 2
    client.logout()
    server.claims = {"oid": "oid-ola", "groups": []}
    run_flow(client, "entra-eksempel")
    assert not Membership.objects.filter(user=ola, unit__name="Lia barnehage").exists()  # began today: removed
    assert not KommuneRole.objects.filter(user=ola, role="bti_koordinator").exists()
    assert Membership.objects.filter(user=ola, unit__name="Solberg skole").exists()  # given by hand: stays
    actions = [e.detail["action"] for e in admin_events()]
    assert actions == ["membership_added", "kommune_role_added", "membership_removed", "kommune_role_removed"]
    assert all(e.detail.get("source") == "entra" for e in admin_events())


def test_a_membership_given_by_hand_is_never_taken_by_a_login(mappings, personas, client):
    kari = personas["barnehagelaerer"]  # ansatt in Lia barnehage, given by hand
    server = mappings["server"]
    server.claims = {"oid": "oid-kari", "email": kari.email, "groups": [LIA_GROUP]}
    run_flow(client, "entra-eksempel")
    assert not SyncedAccess.objects.filter(user=kari).exists()
    client.logout()
    server.claims = {"oid": "oid-kari", "groups": []}
    run_flow(client, "entra-eksempel")
    assert Membership.objects.filter(user=kari, unit__name="Lia barnehage").exists()


def test_a_groups_overage_claim_changes_nothing(mappings, personas, client):
    ola = personas["kontaktlaerer"]
    mappings["server"].claims = {
        "oid": "oid-ola",
        "email": ola.email,
        "_claim_names": {"groups": "src1"},
        "_claim_sources": {"src1": {"endpoint": "https://graph.microsoft.com/v1.0/users/x/getMemberObjects"}},
    }
    assert run_flow(client, "entra-eksempel").status_code == 302
    assert not Membership.objects.filter(user=ola, unit__name="Lia barnehage").exists()
    [event] = admin_events("group_sync_skipped")
    assert event.detail["reason"] == "groups overage claim"


def test_the_system_operator_never_logs_in_through_a_kommune_provider(mappings, personas, client):
    mappings["server"].claims = {"oid": "oid-admin", "email": personas["sysadmin"].email, "groups": [LIA_GROUP]}
    response = run_flow(client, "entra-eksempel")
    assert response.status_code == 403
    assert "Systemadministratorer logger inn med passord og tofaktor" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.OIDC_REFUSED, detail__reason="system operator via a kommune provider"
    ).exists()
