"""Search: by name and by fnr, only among visible cases; never a hit that reveals a case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.cases.helpers import VALID_FNR, case_on_level, undring

pytestmark = pytest.mark.django_db


def test_it_finds_a_visible_case_by_name_and_by_fnr(personas, login):
    case = case_on_level(personas, 2)
    client = login(personas["barnehagelaerer"])
    by_name = client.post(reverse("search"), {"q": "emma"}).content.decode()
    assert f"/saker/{case.pk}/" in by_name
    by_fnr = client.post(reverse("search"), {"q": VALID_FNR[:6] + " " + VALID_FNR[6:]}).content.decode()
    assert f"/saker/{case.pk}/" in by_fnr


def test_it_finds_anonymous_cases_by_label(personas, login):
    case = undring(personas)
    body = login(personas["styrer"]).post(reverse("search"), {"q": "A.B."}).content.decode()
    assert f"/saker/{case.pk}/" in body


@pytest.mark.parametrize("who", ["barnehagelaerer2", "ppt", "helsesykepleier", "kommunalsjef", "utenforstaaende"])
def test_it_gives_no_hit_to_people_without_access(personas, login, who):
    case = case_on_level(personas, 2)
    client = login(personas[who])
    for q in ["Emma", VALID_FNR]:
        body = client.post(reverse("search"), {"q": q}).content.decode()
        assert f"/saker/{case.pk}/" not in body
        assert "Ingen saker du har tilgang til" in body


def test_it_explains_bad_queries(personas, login):
    client = login(personas["barnehagelaerer"])
    assert "ikke gyldig" in client.post(reverse("search"), {"q": "01010750161"}).content.decode()
    assert "minst to bokstaver" in client.post(reverse("search"), {"q": "e"}).content.decode()
    assert client.post(reverse("search"), {"q": "x" * 5000}).status_code == 200


def test_it_renders_a_partial_for_htmx(personas, login):
    case_on_level(personas, 2)
    response = login(personas["barnehagelaerer"]).post(reverse("search"), {"q": "Emma"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "Emma Eksempel" in body


def test_it_searches_in_constant_queries(personas, login, django_assert_num_queries):
    client = login(personas["barnehagelaerer"])
    case_on_level(personas, 1)
    client.post(reverse("search"), {"q": "Emma"})
    with django_assert_num_queries(6):
        client.post(reverse("search"), {"q": "Emma"})
    for _ in range(10):
        undring(personas, anonymous=False)
    with django_assert_num_queries(6):
        client.post(reverse("search"), {"q": "Emma"})
