"""Retention rules per kommune and per service (issue 15 item 1): defaults with their
sources, changed by the kommune's administrator behind step-up, refused below the law."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from arkiv import rules
from arkiv.models import RetentionRule
from bti.models import Service, ServiceKind
from tests.kommuneadmin.helpers import NABO_MARKER, admin_events, nabo

pytestmark = pytest.mark.django_db

GOOD = {"service": "", "case_years": "7", "disposal": "kasseres", "innsynslogg_years": "6", "security_log_years": "3"}


def _service(personas, kind):
    return Service.objects.filter(kommune_id=personas["kommuneadmin"].kommune_id, kind=kind).first()


def test_the_page_lists_the_defaults_with_their_sources(admin):
    body = admin.get(reverse("arkiv-retention")).content.decode()
    assert "<h1" in body and body.count("<h1") == 1
    assert "Oppbevaringsregler" in body
    assert "Riksarkivarens forskrift § 7-29" in body
    assert "Helsestasjon" in body
    # The settings section links to the page through the registry.
    assert reverse("arkiv-retention") in admin.get(reverse("ka-settings")).content.decode()


def test_the_built_in_defaults_follow_the_law(personas):
    health = rules.default_for(ServiceKind.HELSESTASJON)
    assert (health.case_years, health.disposal) == (10, "bevares")
    school = rules.default_for(ServiceKind.SKOLE)
    assert (school.case_years, school.disposal, school.innsynslogg_years) == (5, "kasseres", 5)


def test_the_administrator_sets_the_kommune_default_with_before_and_after(admin, personas):
    response = admin.post(reverse("arkiv-retention"), GOOD)
    assert response.status_code == 302
    kid = personas["kommuneadmin"].kommune_id
    rule = RetentionRule.objects.get(kommune_id=kid, service__isnull=True)
    assert (rule.case_years, rule.innsynslogg_years, rule.security_log_years) == (7, 6, 3)
    [event] = admin_events("retention_rule_set")
    assert event.detail["before"] is None and event.detail["after"]["case_years"] == 7
    body = admin.get(reverse("arkiv-retention")).content.decode()
    assert "Oppbevaringsregelen er lagret." in body
    assert "kommunens egen" in body
    # A school follows the kommune's rule; helsestasjon keeps its law (10 years, bevares).
    by_kind = {s.kind: r for s, r in rules.effective_rules(kid)}
    assert by_kind[ServiceKind.SKOLE].case_years == 7 and by_kind[ServiceKind.SKOLE].origin == "kommune"
    assert (by_kind[ServiceKind.HELSESTASJON].case_years, by_kind[ServiceKind.HELSESTASJON].disposal) == (
        10,
        "bevares",
    )
    # Saving the same values again is no change: no second event.
    admin.post(reverse("arkiv-retention"), GOOD)
    assert len(admin_events("retention_rule_set")) == 1


def test_a_rule_shorter_than_the_law_is_refused_next_to_the_field(admin, personas):
    health = _service(personas, ServiceKind.HELSESTASJON)
    response = admin.post(
        reverse("arkiv-retention"),
        {**GOOD, "service": str(health.pk), "case_years": "3", "disposal": "kasseres", "innsynslogg_years": "1"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Kortere enn loven tillater: minst 10 år" in body
    assert "Kortere enn loven tillater: minst 2 år" in body
    assert "skal bevares" in body and "kan ikke kasseres" in body
    assert "Rett opp dette før du lagrer:" in body
    assert 'value="3"' in body  # what was typed stays
    assert not RetentionRule.objects.exists()
    assert not admin_events()


def test_bad_input_gets_a_message_not_a_500(admin):
    for data, marker in (
        ({**GOOD, "case_years": "sju"}, "Skriv et antall hele år."),
        ({**GOOD, "case_years": "0"}, "Kortere enn loven tillater: minst 1 år"),
        ({**GOOD, "case_years": "100000"}, "Skriv et antall år fra 1 til 100."),
        ({**GOOD, "disposal": "brennes"}, "Velg bevares eller kasseres."),
        ({**GOOD, "service": "999999"}, "Tjenesten finnes ikke i kommunen."),
        ({**GOOD, "security_log_years": ""}, "Skriv et antall hele år."),
    ):
        response = admin.post(reverse("arkiv-retention"), data)
        assert response.status_code == 400, data
        assert marker in response.content.decode(), data
    assert not RetentionRule.objects.exists()


def test_a_service_rule_and_its_removal(admin, personas):
    school = _service(personas, ServiceKind.SKOLE)
    response = admin.post(reverse("arkiv-retention"), {**GOOD, "service": str(school.pk), "case_years": "12"})
    assert response.status_code == 302
    assert rules.rule_for_service(school).case_years == 12
    assert rules.rule_for_service(school).origin == "tjeneste"
    body = admin.get(reverse("arkiv-retention")).content.decode()
    assert "tjenestens egen" in body and f"Fjern regelen for {school.name}" in body
    admin.post(reverse("arkiv-retention-remove", kwargs={"service_id": school.pk}))
    assert rules.rule_for_service(school).origin == "standard"
    assert len(admin_events("retention_rule_removed")) == 1
    again = admin.post(reverse("arkiv-retention-remove", kwargs={"service_id": school.pk}), follow=True)
    assert "Tjenesten har ingen egen regel." in again.content.decode()


def test_another_kommunes_service_is_no_such_service(admin, personas):
    other = nabo(personas)
    response = admin.post(reverse("arkiv-retention"), {**GOOD, "service": str(other["service"].pk)})
    body = response.content.decode()
    assert response.status_code == 400 and "Tjenesten finnes ikke i kommunen." in body
    assert NABO_MARKER not in body
    gone = admin.post(reverse("arkiv-retention-remove", kwargs={"service_id": other["service"].pk}), follow=True)
    assert "Tjenesten finnes ikke i kommunen." in gone.content.decode()
    assert not RetentionRule.objects.exists()
    api = admin.get(reverse("api-arkiv-retention-service", kwargs={"service_id": other["service"].pk}))
    assert api.status_code == 404


def test_only_the_administrator_and_only_after_step_up(personas):
    for key in ("kommunalsjef", "barnehagelaerer", "bti_koordinator"):
        client = Client()
        client.force_login(personas[key], backend="bti.auth_backends.EmailBackend")
        response = client.get(reverse("arkiv-retention"))
        assert response.status_code == 403, key
        assert "Riksarkivarens forskrift" not in response.content.decode()
    stale = Client()
    stale.force_login(personas["kommuneadmin"], backend="bti.auth_backends.EmailBackend")
    session = stale.session
    session["auth_at"] = session["mfa_at"] = time.time() - 3600
    session.save()
    response = stale.get(reverse("arkiv-retention"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("security-step-up"))
    api = stale.put(reverse("api-arkiv-retention"), {**GOOD, "service_id": None}, content_type="application/json")
    assert api.status_code == 403 and "Bekreft innloggingen" in api.json()["detail"]
    assert not RetentionRule.objects.exists()


def test_the_api_reads_and_changes_the_rules(admin, personas):
    body = admin.get(reverse("api-arkiv-retention")).json()
    assert body["default"]["case_years"] == 5 and body["default"]["origin"] == "standard"
    kinds = {row["service"]: row for row in body["services"]}
    assert any(row["disposal"] == "bevares" for row in kinds.values())
    data = {
        "service_id": None,
        "case_years": 8,
        "disposal": "kasseres",
        "innsynslogg_years": 5,
        "security_log_years": 2,
    }
    changed = admin.put(reverse("api-arkiv-retention"), data, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["default"]["case_years"] == 8
    health = _service(personas, ServiceKind.HELSESTASJON)
    bad = admin.put(
        reverse("api-arkiv-retention"),
        {**data, "service_id": health.pk, "case_years": 2},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "Kortere enn loven tillater" in str(bad.json())
    school = _service(personas, ServiceKind.SKOLE)
    admin.put(reverse("api-arkiv-retention"), {**data, "service_id": school.pk}, content_type="application/json")
    one = admin.get(reverse("api-arkiv-retention-service", kwargs={"service_id": school.pk})).json()
    assert one["origin"] == "tjeneste" and one["case_years"] == 8
    assert admin.delete(reverse("api-arkiv-retention-service", kwargs={"service_id": school.pk})).status_code == 204
    assert rules.rule_for_service(school).origin == "kommune"  # the kommune's default of 8 years again


def _due(closed_on, service):
    due = rules.due_for(closed_on, service)
    assert due is not None, "a closed case has a date"
    return due


def test_the_end_of_retention_follows_the_rule_in_force(admin, personas):
    from datetime import date

    school = _service(personas, ServiceKind.SKOLE)
    health = _service(personas, ServiceKind.HELSESTASJON)
    assert rules.due_for(None, school) is None  # an open case: the time has not started
    due = _due(date(2020, 2, 29), school)
    assert (due.on, due.disposal) == (date(2025, 2, 28), "kasseres")
    admin.post(reverse("arkiv-retention"), {**GOOD, "service": str(school.pk), "case_years": "12"})
    assert _due(date(2020, 3, 1), school).on == date(2032, 3, 1)
    kept = _due(date(2020, 3, 1), health)
    assert (kept.on, kept.disposal) == (date(2030, 3, 1), "bevares")
