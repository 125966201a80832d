"""Who reaches the administration, and that it never reaches past its own kommune
(issue 16 item 1 and «Bad input»: an administrator trying another kommune's ids)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bti.models import KommuneRole, Membership, Unit, User
from bti.security.models import OidcKind, OidcProvider
from kommuneadmin.models import GroupMapping, StaffImport
from tests.bti.security_helpers import real_user
from tests.kommuneadmin.helpers import NABO_MARKER, admin_events, nabo

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "ka-home",
    "ka-services",
    "ka-staff",
    "ka-import",
    "ka-settings",
    "ka-categories",
    "ka-providers",
    "ka-log",
]


def test_only_the_kommunes_administrator_gets_in(personas):
    for key in (
        "barnehagelaerer",
        "styrer",
        "kommunalsjef",
        "bti_koordinator",
        "fagadmin",
        "sysadmin",
        "utenforstaaende",
    ):
        client = Client()
        client.force_login(personas[key], backend="bti.auth_backends.EmailBackend")
        for name in LIST_PAGES:
            assert client.get(reverse(name)).status_code == 403, f"{name} as {key}"
    anonymous = Client().get(reverse("ka-home"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_a_kommune_administrator_never_reaches_the_django_admin(admin):
    response = admin.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert admin.get("/admin/bti/user/").status_code == 302


def test_the_pages_need_a_recent_second_factor(personas):
    mari = real_user(personas, "kommuneadmin")
    client = Client()
    client.force_login(mari, backend="bti.auth_backends.EmailBackend")
    session = client.session
    session["mfa_at"] = 0  # verified long ago
    session.save()
    for name in ("ka-home", "ka-staff", "ka-age-rules"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("security-step-up")), name


def test_eksempels_administrator_sees_nothing_of_nabo(admin, personas):
    n = nabo(personas)
    OidcProvider.objects.create(
        kommune=n["kommune"],
        slug="entra-nabo",
        name=f"{NABO_MARKER} innlogging",
        kind=OidcKind.STAFF,
        issuer="https://login.example/nabo",
        client_id="nabo",
        client_secret_env="OIDC_SECRET_NABO",
    )
    for name in LIST_PAGES:
        body = admin.get(reverse(name)).content.decode()
        assert NABO_MARKER not in body, name
        assert "Fjell skole" not in body and "Jon Fjell" not in body, name
    search = admin.get(reverse("ka-staff"), {"q": "Nabo"}).content.decode()
    assert NABO_MARKER not in search


def test_forged_ids_of_another_kommune_are_404_and_change_nothing(admin, personas):
    n = nabo(personas)
    provider = OidcProvider.objects.create(
        kommune=n["kommune"], slug="entra-nabo", name="Nabo", kind=OidcKind.STAFF, issuer="https://x.example",
        client_id="c", client_secret_env="OIDC_SECRET_NABO",
    )  # fmt: skip
    mapping = GroupMapping.objects.create(
        kommune=n["kommune"], provider=provider, group_id="g", unit=n["unit"], role="ansatt", created_by=n["admin"]
    )
    staff_import = StaffImport.objects.create(
        kommune=n["kommune"], uploaded_by=n["admin"], digest="x", content="E-post"
    )
    gets = [
        ("ka-service", {"service_id": n["service"].pk}),
        ("ka-unit", {"unit_id": n["unit"].pk}),
        ("ka-unit-close", {"unit_id": n["unit"].pk}),
        ("ka-unit-merge", {"unit_id": n["unit"].pk}),
        ("ka-person", {"user_id": n["person"].pk}),
        ("ka-person", {"user_id": n["admin"].pk}),
        ("ka-membership-new", {"user_id": n["person"].pk}),
        ("ka-membership", {"membership_id": n["membership"].pk}),
        ("ka-provider", {"provider_id": provider.pk}),
        ("ka-import-preview", {"import_id": staff_import.pk}),
        # The system operator is never one of the kommune's people.
        ("ka-person", {"user_id": personas["sysadmin"].pk}),
    ]
    for name, kwargs in gets:
        response = admin.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 404, f"{name} {kwargs}"
        assert NABO_MARKER not in response.content.decode()
    posts = [
        ("ka-service", {"service_id": n["service"].pk}, {"name": "Kapret", "kind": "skole"}),
        ("ka-unit", {"unit_id": n["unit"].pk}, {"name": "Kapret", "service": n["service"].pk}),
        ("ka-unit-close", {"unit_id": n["unit"].pk}, {}),
        ("ka-unit-reopen", {"unit_id": n["unit"].pk}, {}),
        ("ka-unit-merge", {"unit_id": n["unit"].pk}, {"into": Unit.objects.get(name="Lia barnehage").pk}),
        ("ka-person", {"user_id": n["person"].pk}, {"full_name": "Kapret", "email": "k@x.no"}),
        ("ka-person-status", {"user_id": n["person"].pk}, {"active": "0"}),
        ("ka-person-invite", {"user_id": n["person"].pk}, {}),
        (
            "ka-membership-new",
            {"user_id": n["person"].pk},
            {"unit": n["unit"].pk, "role": "leder", "valid_from": "2026-01-01"},
        ),
        (
            "ka-membership",
            {"membership_id": n["membership"].pk},
            {"valid_from": "2020-01-01", "valid_until": "2020-01-02"},
        ),
        ("ka-membership-end", {"membership_id": n["membership"].pk}, {}),
        ("ka-role-add", {"user_id": n["person"].pk}, {"role": "administrator"}),
        ("ka-role-remove", {"role_id": n["role"].pk}, {}),
        ("ka-provider", {"provider_id": provider.pk}, {"name": "Kapret"}),
        ("ka-mapping-new", {"provider_id": provider.pk}, {"group_id": "g2", "unit": n["unit"].pk, "role": "ansatt"}),
        ("ka-mapping-remove", {"mapping_id": mapping.pk}, {}),
        ("ka-import-apply", {"import_id": staff_import.pk}, {"digest": "x"}),
    ]
    for name, kwargs, data in posts:
        response = admin.post(reverse(name, kwargs=kwargs), data)
        assert response.status_code == 404, f"POST {name} {kwargs}: {response.status_code}"
    n["unit"].refresh_from_db()
    n["person"].refresh_from_db()
    assert n["unit"].name == f"{NABO_MARKER} enhet" and n["unit"].is_active
    assert n["person"].is_active and n["person"].full_name == f"Nora {NABO_MARKER}"
    assert Membership.objects.get(pk=n["membership"].pk).valid_until is None
    assert KommuneRole.objects.filter(pk=n["role"].pk).exists()
    assert GroupMapping.objects.filter(pk=mapping.pk).exists()
    assert not admin_events()


def test_another_kommunes_unit_in_a_form_is_refused_next_to_the_field(admin, personas):
    n = nabo(personas)
    kari = personas["barnehagelaerer"]
    response = admin.post(
        reverse("ka-membership-new", kwargs={"user_id": kari.pk}),
        {"unit": n["unit"].pk, "role": "leder", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user=kari, unit=n["unit"]).exists()
    merge = admin.post(
        reverse("ka-unit-merge", kwargs={"unit_id": Unit.objects.get(name="Bakketoppen barnehage").pk}),
        {"into": n["unit"].pk},
    )
    assert merge.status_code == 400
    assert Unit.objects.get(name="Bakketoppen barnehage").is_active
    assert not User.objects.filter(full_name="Kapret").exists()


def test_the_security_log_shows_the_kommunes_own_events_full_and_as_an_htmx_partial(admin, personas):
    from kommuneadmin.services import staff as staff_services

    n = nabo(personas)
    staff_services.staff_update(
        actor=n["admin"],
        user_id=n["person"].pk,
        full_name=f"Nora {NABO_MARKER} Endret",
        title="",
        email="nora.nabo@nabo.kommune.no",
    )
    staff_services.staff_update(
        actor=personas["kommuneadmin"], user_id=personas["kontaktlaerer"].pk, full_name="Ola Loggmarkør Hansen",
        title="Lærer", email=personas["kontaktlaerer"].email,
    )  # fmt: skip
    full = admin.get(reverse("ka-log")).content.decode()
    assert "Ola Loggmarkør Hansen" in full and "user_updated" in full and "<h1" in full
    assert NABO_MARKER not in full
    partial = admin.get(reverse("ka-log"), {"kind": "admin_change"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1" not in partial and 'id="logg"' in partial and "Ola Loggmarkør Hansen" in partial
    logins = admin.get(reverse("ka-log"), {"kind": "login"}).content.decode()
    assert "Ola Loggmarkør Hansen" not in logins


def test_min_side_links_to_the_administration_and_the_koordinator_page_for_their_people(admin, personas):
    assert reverse("ka-home") in admin.get(reverse("home")).content.decode()
    for key, shown, hidden in (
        ("bti_koordinator", reverse("koordinator"), reverse("ka-home")),
        ("barnehagelaerer", None, reverse("ka-home")),
    ):
        client = Client()
        client.force_login(personas[key], backend="bti.auth_backends.EmailBackend")
        body = client.get(reverse("home")).content.decode()
        assert hidden not in body, key
        if shown:
            assert shown in body and "BTI i kommunen" in body
