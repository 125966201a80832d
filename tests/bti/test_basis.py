"""One valid-basis rule (issue 13 item 3): registered by the consent app with the core,
asked by the policy, the services and the overview alike; failing loudly without it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from bti import basis, policy
from samarbeid import services as plan_services
from tests.consent.helpers import give_consent, identified_case, unit

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_without_a_registered_rule_every_question_fails_loudly(monkeypatch):
    monkeypatch.setattr(basis, "_RULE", [])
    with pytest.raises(ImproperlyConfigured, match=r"ConsentConfig\.ready"):
        basis.has_basis(unit_ids=[1], case_id=1)
    with pytest.raises(ImproperlyConfigured):
        basis.kommune_categories(1)


def test_the_policy_and_the_services_ask_the_same_rule(personas, monkeypatch):
    case, guardian = identified_case(personas)
    ppt = unit("PPT Eksempel")
    give_consent(personas, case, guardian, categories=("stafettlogg",))
    assert policy.readable_categories(personas["ppt"], case) == frozenset({"stafettlogg"})
    assert plan_services.consent_required_for_transfer(case, ppt) is False
    # Swap the rule: both answers follow it.
    real = basis._RULE[0]
    none = basis.BasisRule(
        case_ids=lambda units, day: real.case_ids([], day),
        categories=lambda units, case_id, day: frozenset(),
        kommune_categories=real.kommune_categories,
        unit_ids=lambda case_id, day: real.unit_ids(0, day),
        categories_by_case=lambda units, day: {},
    )
    monkeypatch.setattr(basis, "_RULE", [none])
    monkeypatch.setattr(policy, "_compiled", {})  # the visibility SQL is compiled once per process
    assert policy.readable_categories(personas["ppt"], case) == frozenset()
    assert plan_services.consent_required_for_transfer(case, ppt) is True
    assert not policy.cases_visible_to(personas["ppt"]).filter(pk=case.pk).exists()


def test_a_later_refusal_overrides_an_older_consent_for_that_unit_and_category(personas):
    case, guardian = identified_case(personas)
    ppt = unit("PPT Eksempel")
    give_consent(personas, case, guardian, categories=("stafettlogg", "plan_tiltak"))
    assert basis.basis_categories(unit_ids=[ppt.pk], case_id=case.pk) == {"stafettlogg", "plan_tiltak"}
    give_consent(personas, case, guardian, categories=("plan_tiltak",), decision="refused")
    assert basis.basis_categories(unit_ids=[ppt.pk], case_id=case.pk) == {"stafettlogg"}
    assert basis.has_basis(unit_ids=[ppt.pk], case_id=case.pk, category="stafettlogg")
    assert not basis.has_basis(unit_ids=[ppt.pk], case_id=case.pk, category="plan_tiltak")


def test_period_and_legal_basis(personas):
    case, guardian = identified_case(personas)
    ppt = unit("PPT Eksempel")
    today = timezone.localdate()
    give_consent(personas, case, guardian, valid_from=today + timedelta(days=2), valid_until=today + timedelta(days=9))
    assert not basis.has_basis(unit_ids=[ppt.pk], case_id=case.pk)
    assert basis.has_basis(unit_ids=[ppt.pk], case_id=case.pk, day=today + timedelta(days=3))
    assert not basis.has_basis(unit_ids=[ppt.pk], case_id=case.pk, day=today + timedelta(days=10))


def test_the_rule_is_written_once():
    """«Given, in its period, not withdrawn» is spelled out only in consent/basis.py."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/")) or "/migrations/" in rel or rel == "consent/basis.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "consent__decision=ConsentDecision.GIVEN" in text or "consent__valid_from__lte" in text:
            offenders.append(rel)
    assert offenders == [], f"use bti.basis (the one valid-basis rule) instead: {offenders}"
