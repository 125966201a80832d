"""Limits on input (issue 20, item 8): JSON depth and size, text maxima with a message next
to the field, plausible dates, and nothing of 100,000 characters in the append-only log."""

from __future__ import annotations

import importlib
import inspect
import json
import re
from datetime import date, timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from bti import limits
from stafettlogg.models import Entry
from tests.routes import iter_patterns
from tests.sealed import rows_with

DEEP = ("[" * 1000 + "]" * 1000).encode()
MARKER = "LIMITS-MARKER-"


def _url(route: str) -> str:
    """A concrete URL for a route pattern (the middleware answers before any lookup)."""
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(slug|str):\w+>", "x", route)
    return "/" + route.replace("^", "").replace("$", "")


@pytest.mark.django_db
def test_a_1000_deep_json_gets_400_with_a_reason_on_every_post(personas):
    client = Client()
    client.force_login(personas["barnehagelaerer"], backend="bti.auth_backends.EmailBackend")
    anonymous = Client()
    wrong = []
    for name, route, _cb in iter_patterns():
        for who, c in (("staff", client), ("anonymous", anonymous)):
            response = c.post(_url(route), data=DEEP, content_type="application/json")
            if response.status_code != 400 or "nestet for dypt" not in response.json().get("detail", ""):
                wrong.append(f"{name} as {who}: {response.status_code}")
    assert not wrong, wrong


def test_json_depth_counts_brackets_outside_strings_only():
    assert limits.json_depth(b'{"a": [1, {"b": "[[[[[[[[[[[[[[[[[[[[[[[[[[["}]}') == 3
    assert limits.json_depth(b'"\\"[[[["') == 0
    assert limits.json_depth(DEEP) == 1000


@pytest.mark.django_db
def test_an_ordinary_json_post_still_works_and_a_huge_one_gets_400(personas, login):
    client = login(personas["barnehagelaerer"])
    unit = personas["barnehagelaerer"].memberships.first().unit
    body = {"unit": unit.pk, "observation": MARKER + "ok", "source": "ansatt", "anonymous_label": "A.B."}
    created = client.post(reverse("api-cases"), data=json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    huge = json.dumps({**body, "observation": "x" * (limits.JSON_MAX_BYTES + 10)})
    response = client.post(reverse("api-cases"), data=huge, content_type="application/json")
    assert response.status_code == 400
    assert "for stor" in response.json()["detail"]
    assert not rows_with(Entry.objects.all(), "text", contains="xxxxxxxx")


# --- Text maxima ----------------------------------------------------------------------------


def _project_classes(base: type) -> list[type]:
    found: list[type] = []
    for app in ("bti", "cases", "stafettlogg", "consent", "samarbeid", "oversikt", "handlingsveileder"):
        for module_name in ("forms", "serializers", "api", "security.forms"):
            try:
                module = importlib.import_module(f"{app}.{module_name}")
            except ModuleNotFoundError:
                continue
            for _name, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, base) and obj.__module__ == module.__name__:
                    found.append(obj)
    return found


def test_every_form_and_serializer_of_the_project_is_bounded():
    from django.contrib.auth.forms import AuthenticationForm

    forms_without = [
        c.__qualname__
        for c in _project_classes(forms.BaseForm)
        if not issubclass(c, limits.BoundedForm | AuthenticationForm)
    ]
    serializers_without = [
        c.__qualname__
        for c in _project_classes(serializers.BaseSerializer)
        if not issubclass(c, limits.BoundedSerializerMixin)
    ]
    assert not forms_without and not serializers_without, (
        "Base these on bti.limits.BoundedForm / BoundedSerializer / BoundedModelSerializer "
        f"(or run python scripts/issue20_rewrites.py limits): {forms_without + serializers_without}"
    )


def test_a_bounded_form_gives_every_text_a_maximum_and_every_date_a_range():
    class Sample(limits.BoundedForm):
        line = forms.CharField()
        area = forms.CharField(widget=forms.Textarea)
        own = forms.CharField(max_length=50)
        day = forms.DateField()

    form = Sample()
    lengths = {name: getattr(field, "max_length", None) for name, field in form.fields.items()}
    assert lengths == {"line": limits.SHORT_TEXT, "area": limits.TEXT, "own": 50, "day": None}
    assert 'maxlength="5000"' in str(form["area"])
    bad = Sample(data={"line": "x" * 201, "area": "y", "own": "z", "day": "9999-12-31"})
    assert not bad.is_valid()
    assert "høyst 200 tegn, du har skrevet 201" in bad.errors["line"][0]
    assert "år fram i tid" in bad.errors["day"][0]


def test_a_bounded_serializer_gives_every_text_a_maximum():
    class Sample(limits.BoundedSerializer):
        text = serializers.CharField()
        tags = serializers.ListField(child=serializers.CharField())
        day = serializers.DateField()

    s = Sample(data={"text": "x" * (limits.TEXT + 1), "tags": ["y" * (limits.TEXT + 1)], "day": "9999-12-31"})
    assert not s.is_valid()
    assert "høyst 5000 tegn" in str(s.errors["text"][0])
    assert "høyst 5000 tegn" in str(s.errors["tags"])
    assert "år fram i tid" in str(s.errors["day"][0])


@pytest.mark.django_db
def test_a_100000_character_note_is_refused_next_to_the_field_and_the_text_is_kept(personas, login):
    from tests.cases.helpers import case_on_level

    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    text = MARKER + "n" * 100_000
    before = Entry.objects.filter(case=case).count()
    response = client.post(reverse("stafettlogg:note_add", args=[case.pk]), {"kind": "notat", "text": text})
    assert response.status_code in (200, 400)
    body = response.content.decode()
    assert "Teksten er for lang: høyst 5000 tegn" in body
    assert 'id="notat-text_feil"' in body or "_feil" in body
    assert MARKER in body, "what the user wrote must be kept in the form"
    assert Entry.objects.filter(case=case).count() == before


@pytest.mark.django_db
def test_a_100000_character_note_is_refused_by_the_api(personas, login):
    from tests.cases.helpers import case_on_level

    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    for route, body in [
        ("api-case-level", {"to_level": 2, "reason": "r" * 100_000}),
        ("api-cases", {"unit": case.owner_unit_id, "observation": "o" * 100_000, "source": "ansatt"}),
    ]:
        response = client.post(
            reverse(route, args=[case.pk] if route != "api-cases" else []),
            data=json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code == 400, (route, response.status_code)
        assert "høyst 5000 tegn" in json.dumps(response.json(), ensure_ascii=False)
    assert not rows_with(Entry.objects.filter(case=case), "text", contains="rrrrrrrrrr")


@pytest.mark.django_db
def test_the_log_itself_refuses_a_100000_character_entry(personas):
    from stafettlogg.services import entry_append
    from tests.cases.helpers import case_on_level

    case = case_on_level(personas, 1)
    with pytest.raises(ValidationError, match="for lang"), transaction.atomic():
        entry_append(case=case, actor=personas["barnehagelaerer"], kind="notat", text="x" * 100_000)
    with pytest.raises(ValidationError, match="for stor"), transaction.atomic():
        entry_append(case=case, actor=personas["barnehagelaerer"], kind="notat", data={"t": "y" * 100_000})
    assert not Entry.objects.filter(case=case, kind="notat").exists()


@pytest.mark.django_db
def test_the_note_form_shows_its_limit_without_javascript(personas, login):
    from tests.cases.helpers import case_on_level

    case = case_on_level(personas, 1)
    body = login(personas["barnehagelaerer"]).get(reverse("stafettlogg:note_add", args=[case.pk])).content.decode()
    assert "Høyst 5000 tegn." in body
    assert 'data-field="counter"' in body
    assert "js/counter.js" in body


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("termin", "message"),
    [
        ("9999-12-31", "ti måneder fram i tid"),
        (lambda: (timezone.localdate() + timedelta(days=365 * 30)).isoformat(), "ti måneder fram i tid"),
        ("1990-01-01", "ett år tilbake"),
    ],
)
def test_it_refuses_an_implausible_termin_next_to_the_field(termin, message):
    # POST /api/v1/children is gone (no fnr oracle, issue 20); every path that records a
    # termin goes through the service check, which names the field.
    from django.core.exceptions import ValidationError

    from bti.limits import check_child_dates
    from cases.models import Child

    value = date.fromisoformat(termin() if callable(termin) else termin)
    before = Child.objects.count()
    with pytest.raises(ValidationError) as caught:
        check_child_dates(birth_date=None, expected_date=value)
    assert message in caught.value.message_dict["expected_date"][0]
    assert Child.objects.count() == before


@pytest.mark.django_db
def test_it_accepts_a_termin_in_six_months():
    from bti.limits import check_child_dates

    check_child_dates(birth_date=None, expected_date=timezone.localdate() + timedelta(days=180))


@pytest.mark.django_db
def test_it_refuses_a_birth_date_in_the_future_on_the_undring_page(personas, login):
    from cases.models import Case

    client = login(personas["barnehagelaerer"])
    unit = personas["barnehagelaerer"].memberships.first().unit
    before = Case.objects.count()
    response = client.post(
        reverse("cases:undring_new"),
        {
            "unit": unit.pk,
            "source": "ansatt",
            "observation": MARKER + "observasjon",
            "identity": "identifisert",
            "full_name": "Emma Eksempel",
            "birth_date": "9999-12-31",
        },
    )
    assert response.status_code in (200, 400)
    body = response.content.decode()
    assert "Fødselsdatoen kan ikke være fram i tid" in body
    assert MARKER + "observasjon" in body
    assert Case.objects.count() == before


def test_the_service_check_of_a_childs_dates():
    today = timezone.localdate()
    limits.check_child_dates(birth_date=date(today.year - 5, 1, 1), expected_date=None)
    with pytest.raises(ValidationError) as caught:
        limits.check_child_dates(birth_date=today + timedelta(days=1), expected_date=date(9999, 12, 31))
    assert set(caught.value.message_dict) == {"birth_date", "expected_date"}
