"""The administration over the API: the same services, rules and scoping as the pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bti.models import KommuneRole, Membership, Unit, User
from consent.models import AgeRules
from tests.bti.security_helpers import real_user
from tests.kommuneadmin.helpers import NABO_MARKER, admin_events, nabo

pytestmark = pytest.mark.django_db


def test_it_invites_gives_a_membership_and_ends_it(admin, personas):
    created = admin.post(
        reverse("api-ka-staff"), {"email": "Api.Person@eksempel.kommune.no", "full_name": "Api Person", "send": False},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201
    person = created.json()
    assert person["email"] == "api.person@eksempel.kommune.no" and person["memberships"] == []
    lia = Unit.objects.get(name="Lia barnehage")
    membership = admin.post(
        reverse("api-ka-memberships", kwargs={"user_id": person["id"]}),
        {"unit_id": lia.pk, "role": "leder", "valid_from": "2026-01-01"},
        content_type="application/json",
    )
    assert membership.status_code == 201 and membership.json()["unit"] == "Lia barnehage"
    bad = admin.patch(
        reverse("api-ka-membership", kwargs={"membership_id": membership.json()["id"]}),
        {"valid_from": "2026-01-01", "valid_until": "2025-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "Sluttdatoen kan ikke være før startdatoen" in str(bad.json())
    ended = admin.delete(reverse("api-ka-membership", kwargs={"membership_id": membership.json()["id"]}))
    assert ended.json() == {"outcome": "ended"}
    detail = admin.get(reverse("api-ka-person", kwargs={"user_id": person["id"]})).json()
    assert detail["memberships"][0]["valid_until"] is not None
    assert [e.detail["action"] for e in admin_events()] == ["user_invited", "membership_added", "membership_ended"]


def test_the_api_lists_only_the_kommunes_people_and_404s_the_others(admin, personas):
    n = nabo(personas)
    listing = admin.get(reverse("api-ka-staff")).json()["results"]
    names = {p["full_name"] for p in listing}
    assert "Kari Nordmann" in names and f"Nora {NABO_MARKER}" not in names and "Sigrid Admin" not in names
    assert admin.get(reverse("api-ka-person", kwargs={"user_id": n["person"].pk})).status_code == 404
    forged = admin.post(
        reverse("api-ka-memberships", kwargs={"user_id": personas["barnehagelaerer"].pk}),
        {"unit_id": n["unit"].pk, "role": "leder", "valid_from": "2026-01-01"},
        content_type="application/json",
    )
    assert forged.status_code == 400 and "Velg en enhet i kommunen" in str(forged.json())
    assert admin.delete(reverse("api-ka-membership", kwargs={"membership_id": n["membership"].pk})).status_code == 404
    assert admin.delete(reverse("api-ka-role", kwargs={"role_id": n["role"].pk})).status_code == 404
    assert NABO_MARKER not in admin.get(reverse("api-ka-units")).content.decode()
    assert Membership.objects.get(pk=n["membership"].pk).valid_until is None
    assert KommuneRole.objects.filter(pk=n["role"].pk).exists()


def test_others_are_refused_and_a_session_needs_a_recent_second_factor(personas, login):
    client = login(personas["kommunalsjef"])
    assert client.get(reverse("api-ka-staff")).status_code == 403
    mari = real_user(personas, "kommuneadmin")
    stale = Client()
    stale.force_login(mari, backend="bti.auth_backends.EmailBackend")
    session = stale.session
    session["mfa_at"] = 0
    session.save()
    response = stale.get(reverse("api-ka-staff"))
    assert response.status_code == 403


def test_import_preview_and_apply_over_the_api(admin, personas):
    csv = "E-post;Navn;Enhet;Rolle\napi.ny@eksempel.kommune.no;Api Ny;Nordby skole;ansatt\nfeil;Feil;Nordby skole;ansatt\n"
    preview = admin.post(reverse("api-ka-import"), {"file": SimpleUploadedFile("a.csv", csv.encode())})
    assert preview.status_code == 201
    body = preview.json()
    assert body["problems"] == [{"row": 3, "column": "E-post", "message": "«feil» er ikke en gyldig e-postadresse."}]
    refused = admin.post(
        reverse("api-ka-import-apply", kwargs={"import_id": body["id"]}), {"digest": body["digest"]},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 400
    good = admin.post(
        reverse("api-ka-import"),
        {"file": SimpleUploadedFile("b.csv", csv.splitlines(True)[0].encode() + csv.splitlines(True)[1].encode())},
    )
    plan = good.json()
    assert plan["summary"]["user"] == 1 and plan["summary"]["membership"] == 1
    applied = admin.post(
        reverse("api-ka-import-apply", kwargs={"import_id": plan["id"]}), {"digest": plan["digest"]},
        content_type="application/json",
    )  # fmt: skip
    assert applied.status_code == 200
    assert User.objects.filter(email="api.ny@eksempel.kommune.no", memberships__unit__name="Nordby skole").exists()


def test_age_rules_over_the_api(admin, personas):
    rules = {"inform_from": 7, "great_weight_from": 12, "consents_alone_from": 15, "health_consents_alone_from": 16}
    response = admin.put(reverse("api-ka-age-rules"), rules, content_type="application/json")
    assert response.status_code == 200 and response.json()["consents_alone_from"] == 15
    assert AgeRules.for_kommune(personas["kommuneadmin"].kommune_id).consents_alone_from == 15
    bad = admin.put(
        reverse("api-ka-age-rules"), {**rules, "health_consents_alone_from": 12}, content_type="application/json"
    )
    assert bad.status_code == 400 and "Helserettslig myndighetsalder er 16 år" in str(bad.json())


def test_the_administrator_sets_the_kommunes_language_over_the_api(admin, personas):
    from bti.models import Kommune

    url = reverse("api-ka-language")
    kommune = Kommune.objects.get(pk=personas["barnehagelaerer"].kommune_id)
    assert admin.get(url).json() == {"language": kommune.language}
    changed = admin.put(url, {"language": "nn"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json() == {"language": "nn"}
    kommune.refresh_from_db()
    assert kommune.language == "nn"
    bad = admin.put(url, {"language": "xx"}, content_type="application/json")
    assert bad.status_code == 400 and "Velg et av språkene i listen" in str(bad.json())
    kommune.refresh_from_db()
    assert kommune.language == "nn"  # nothing saved is lost
    assert [e.detail["action"] for e in admin_events()] == ["kommune_language_updated"]
