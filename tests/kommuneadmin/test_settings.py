"""The kommune's settings pages (issue 16 item 1): age rules, follow-up limits,
information categories, ID-providers, and the registry other apps add pages to."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bti import registries
from bti.models import Kommune
from bti.security.models import OidcProvider
from consent.models import AgeRules, InformationCategory
from consent.services import categories_for
from kommuneadmin.models import GroupMapping
from oversikt.models import FollowUpSettings
from tests.kommuneadmin.helpers import admin_events

pytestmark = pytest.mark.django_db

AGES = {"inform_from": 7, "great_weight_from": 12, "consents_alone_from": 15, "health_consents_alone_from": 16}


def test_the_settings_section_lists_every_registered_page(admin, monkeypatch):
    page = registries.SettingsPage("retention", "Oppbevaringsregler (markør)", "Fra en annen app.", "ka-log", 50)
    monkeypatch.setitem(registries._SETTINGS_PAGES, "retention", page)
    body = admin.get(reverse("ka-settings")).content.decode()
    for title in ("Aldersregler", "Oppfølgingsinnstillinger", "Opplysningskategorier", "ID-leverandører"):
        assert title in body
    assert "Oppbevaringsregler (markør)" in body and reverse("ka-log") in body


def test_it_changes_the_age_rules_with_before_and_after(admin, personas):
    kommune_id = personas["kommuneadmin"].kommune_id
    response = admin.post(reverse("ka-age-rules"), AGES)
    assert response.status_code == 302
    rules = AgeRules.for_kommune(kommune_id)
    assert rules.consents_alone_from == 15
    [event] = admin_events("age_rules_updated")
    assert event.detail["before"]["consents_alone_from"] == 16 and event.detail["after"]["consents_alone_from"] == 15
    assert 'value="15"' in admin.get(reverse("ka-age-rules")).content.decode()


def test_age_rules_outside_the_law_are_refused_next_to_the_field(admin, personas):
    response = admin.post(
        reverse("ka-age-rules"),
        {"inform_from": "9", "great_weight_from": "5", "consents_alone_from": "13", "health_consents_alone_from": "14"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Barnet skal høres fra 7 år" in body
    assert "Velg en alder fra 15 til 18 år." in body
    assert "Helserettslig myndighetsalder er 16 år" in body
    assert 'value="13"' in body
    text = admin.post(reverse("ka-age-rules"), {**AGES, "consents_alone_from": "seksten"})
    assert text.status_code == 400 and "Skriv en alder i hele år." in text.content.decode()
    assert not AgeRules.objects.filter(kommune_id=personas["kommuneadmin"].kommune_id).exists()
    assert not admin_events()


def _followup(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"decision_deadline_days": 14}
    for level in range(4):
        data.update({f"inactivity_days_{level}": 30, f"handover_days_{level}": 7, f"leader_grace_days_{level}": 3})
    data.update(overrides)
    return data


def test_it_sets_the_follow_up_limits_per_level(admin, personas):
    kommune_id = personas["kommuneadmin"].kommune_id
    response = admin.post(reverse("ka-followup"), _followup(decision_deadline_days=21, inactivity_days_2=45))
    assert response.status_code == 302
    assert Kommune.objects.get(pk=kommune_id).decision_deadline_days == 21
    assert FollowUpSettings.objects.get(kommune_id=kommune_id, level=2).inactivity_days == 45
    [event] = admin_events("followup_updated")
    assert event.detail["before"]["levels"]["2"]["inactivity_days"] == 30
    assert event.detail["after"]["levels"]["2"]["inactivity_days"] == 45
    bad = admin.post(reverse("ka-followup"), _followup(inactivity_days_1=0, decision_deadline_days=""))
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Skriv et antall dager fra 1 til 365." in body and "Skriv et antall dager." in body


def test_it_sets_the_kommunes_administrative_language(admin, personas, client):
    """The målvedtak: the settings page lists it, saving it logs the change, a staff member
    without a choice of their own then sees nynorsk, and a bad code gets a message."""
    kommune_id = personas["kommuneadmin"].kommune_id
    index = admin.get(reverse("ka-settings")).content.decode()
    assert reverse("ka-language") in index and "Administrasjonsspråk" in index
    form = admin.get(reverse("ka-language")).content.decode()
    assert 'value="nn"' in form and "Norsk nynorsk" in form and "English" in form
    response = admin.post(reverse("ka-language"), {"language": "nn"})
    assert response.status_code == 302
    assert Kommune.objects.get(pk=kommune_id).language == "nn"
    [event] = admin_events("kommune_language_updated")
    assert event.detail["before"] == {"language": "nb"} and event.detail["after"] == {"language": "nn"}
    admin.post(reverse("ka-language"), {"language": "nn"})  # unchanged: no second log entry
    assert len(admin_events("kommune_language_updated")) == 1
    from bti.models import User

    staff = User.objects.get(pk=personas["barnehagelaerer"].pk)  # fresh: its kommune as saved now
    assert staff.language == "" and staff.kommune_id == kommune_id
    client.force_login(staff, backend="bti.auth_backends.EmailBackend")
    home = client.get(reverse("home")).content.decode()
    assert '<html lang="nn"' in home and "Mi side" in home
    bad = admin.post(reverse("ka-language"), {"language": "xx"})
    assert bad.status_code == 400
    assert "Velg et av språkene i listen." in bad.content.decode()
    assert Kommune.objects.get(pk=kommune_id).language == "nn"


def test_it_adds_and_renames_information_categories(admin, personas):
    kommune_id = personas["kommuneadmin"].kommune_id
    response = admin.post(reverse("ka-categories"), {"name": "Skolefravær", "is_health": ""})
    assert response.status_code == 302
    category = InformationCategory.objects.get(kommune_id=kommune_id, name="Skolefravær")
    assert category.code == "skolefravaer"
    assert "Skolefravær" in [c.name for c in categories_for(kommune_id)]
    dup = admin.post(reverse("ka-categories"), {"name": "Stafettlogg"})
    assert dup.status_code == 400 and "for likt en av standardkategoriene" in dup.content.decode()
    # A default category gets the kommune's own name; its code stays.
    admin.post(reverse("ka-category", kwargs={"code": "plan_tiltak"}), {"name": "Plan, mål og tiltak"})
    names = {c.code: c.name for c in categories_for(kommune_id)}
    assert names["plan_tiltak"] == "Plan, mål og tiltak"
    assert {c.code: c.name for c in categories_for(personas["utenforstaaende"].kommune_id)}[
        "plan_tiltak"
    ] == "Plan og tiltak"
    assert admin.get(reverse("ka-category", kwargs={"code": "barnevern"})).status_code == 404
    assert [e.detail["action"] for e in admin_events()] == ["category_created", "category_updated"]


PROVIDER = {
    "slug": "entra-eksempel",
    "name": "Logg inn med Microsoft",
    "kind": "staff",
    "issuer": "https://login.microsoftonline.com/eksempel/v2.0",
    "client_id": "abc",
    "client_secret_env": "OIDC_SECRET_EKSEMPEL",
    "required_acr": "",
    "scopes": "openid profile email",
    "is_active": "on",
}


def test_it_adds_an_id_provider_and_a_group_mapping(admin, personas):
    response = admin.post(reverse("ka-provider-new"), PROVIDER)
    provider = OidcProvider.objects.get(slug="entra-eksempel")
    assert response["Location"] == reverse("ka-provider", kwargs={"provider_id": provider.pk})
    assert provider.kommune_id == personas["kommuneadmin"].kommune_id
    from bti.models import Unit

    lia = Unit.objects.get(name="Lia barnehage")
    admin.post(
        reverse("ka-mapping-new", kwargs={"provider_id": provider.pk}),
        {"group_id": "0f1e-lia", "label": "Lia ansatte", "unit": lia.pk, "role": "ansatt", "creates_users": "on"},
    )
    mapping = GroupMapping.objects.get(provider=provider)
    assert mapping.unit == lia and mapping.creates_users
    both = admin.post(
        reverse("ka-mapping-new", kwargs={"provider_id": provider.pk}),
        {"group_id": "x", "unit": lia.pk, "role": "ansatt", "kommune_role": "analytiker"},
    )
    assert both.status_code == 400 and "ikke begge" in both.content.decode()
    page = admin.get(reverse("ka-provider", kwargs={"provider_id": provider.pk})).content.decode()
    assert "Lia ansatte" in page
    admin.post(reverse("ka-mapping-remove", kwargs={"mapping_id": mapping.pk}))
    assert not GroupMapping.objects.filter(pk=mapping.pk).exists()
    assert [e.detail["action"] for e in admin_events()] == [
        "provider_created",
        "group_mapping_added",
        "group_mapping_removed",
    ]


def test_a_provider_can_never_name_another_secret_than_an_oidc_one(admin, settings):
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "oidc_secret_x", "OIDC_SECRET_"):
        response = admin.post(reverse("ka-provider-new"), {**PROVIDER, "client_secret_env": name})
        assert response.status_code == 400, name
        assert "Navnet må begynne med OIDC_SECRET_" in response.content.decode()
    settings.HTTPS = True
    plain = admin.post(reverse("ka-provider-new"), {**PROVIDER, "issuer": "http://login.example"})
    assert plain.status_code == 400 and "Leverandøren må bruke https." in plain.content.decode()
    assert not OidcProvider.objects.exists()
