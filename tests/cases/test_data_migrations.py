"""The data migrations of issue 20 (run as functions on rows shaped as before them)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from cases import services
from cases.models import Case, Guardian
from consent.models import AnonymDrofting
from tests.cases.helpers import undring, unit

pytestmark = pytest.mark.django_db
EDITOR = SimpleNamespace(connection=connection)


def test_cases_0003_keeps_each_case_name_and_gives_guardians_their_childs_first_case(personas):
    first = undring(personas, anonymous=False)
    second = undring(personas, anonymous=False, who="barnehagelaerer2", unit_name="Solsikken barnehage")
    guardian = services.guardian_add(
        actor=personas["barnehagelaerer"],
        case_id=first.pk,
        full_name="Mor",
        relation="mor",
        has_parental_responsibility=True,
    )
    Case.objects.filter(pk__in=[first.pk, second.pk]).update(child_name="")
    Guardian.objects.filter(pk=guardian.pk).update(registered_in=None)
    importlib.import_module("cases.migrations.0003_case_child_name_guardian_registered_in").fill(apps, EDITOR)
    assert set(Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("child_name", flat=True)) == {
        "Emma Eksempel"
    }
    assert Guardian.objects.get(pk=guardian.pk).registered_in_id == first.pk


def test_consent_0003_counts_earlier_droftinger_as_shared(personas):
    case = undring(personas)
    drofting = AnonymDrofting.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        with_unit=unit("PPT Eksempel"),
        summary="x",
        created_by=personas["barnehagelaerer"],
    )
    importlib.import_module("consent.migrations.0003_drofting_flags_confirmation").shared_before(apps, EDITOR)
    drofting.refresh_from_db()
    assert drofting.confirmed_at == drofting.created_at and drofting.confirmed_by == personas["barnehagelaerer"]
