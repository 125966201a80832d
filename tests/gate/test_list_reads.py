"""List and search reads are in the innsynslogg with their purpose (issue 13 item 6).

Mine saker, Enhetens saker, the API's case and child lists and the search hits write one
innsynslogg row per case shown, in one bulk insert, with a purpose code; the innsyn report
names the purpose. Search is a POST: a GET with ``?q=`` searches nothing and logs nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from bti import gate
from bti.models import AccessLogEntry
from cases import services
from tests.cases.helpers import VALID_FNR, unit

pytestmark = pytest.mark.django_db

MARKER = "Listemerke MRKLIST1"


def _case(personas, name: str = MARKER, fnr: str = VALID_FNR, who: str = "barnehagelaerer"):
    extra: dict[str, Any] = {} if fnr else {"birth_date": date(2019, 5, 17)}
    return services.undring_create(
        actor=personas[who],
        unit_id=unit("Lia barnehage").pk,
        observation="Observasjon MRKLISTOBS",
        child_name=name,
        fnr=fnr,
        **extra,
    )


def _reads(user, **filters):
    return list(AccessLogEntry.objects.filter(user_id=user.pk, **filters).values_list("case_id", "how", "purpose"))


def test_mine_saker_logs_the_cases_shown_with_purpose(personas, login):
    case = _case(personas)
    holder = personas["barnehagelaerer"]
    body = login(holder).get(reverse("cases:my_cases")).content.decode()
    assert MARKER in body
    assert (case.pk, "page", gate.SAKSBEHANDLING) in _reads(holder)


def test_enhetens_saker_logs_the_page_shown_with_purpose(personas, login):
    case = _case(personas)
    leader = personas["styrer"]
    body = login(leader).get(reverse("cases:unit_cases")).content.decode()
    assert MARKER in body
    assert (case.pk, "page", gate.OVERSIKT) in _reads(leader)


def test_a_list_read_is_one_bulk_insert(personas, login, django_assert_num_queries):
    """The number of queries does not grow with the number of cases shown."""
    leader = personas["styrer"]
    client = login(leader)
    _case(personas)
    client.get(reverse("cases:unit_cases"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("cases:unit_cases"))
    for i in range(5):
        _case(personas, name=f"Ekstra Barn{i}", fnr="")
    with CaptureQueriesContext(connection) as six:
        body = client.get(reverse("cases:unit_cases")).content.decode()
    assert "Ekstra Barn4" in body
    assert len(six.captured_queries) == len(one.captured_queries)
    inserts = [q["sql"] for q in six.captured_queries if 'INSERT INTO "bti_accesslogentry"' in q["sql"]]
    assert len(inserts) == 1


def test_the_api_lists_log_their_page(personas, login):
    case = _case(personas)
    holder = personas["barnehagelaerer"]
    client = login(holder)
    cases = client.get(reverse("api-cases")).json()
    assert MARKER in str(cases)
    assert (case.pk, "api", gate.SAKSBEHANDLING) in _reads(holder, obj_type="case")
    children = client.get(reverse("api-children")).json()
    assert MARKER in str(children)
    child_rows = list(
        AccessLogEntry.objects.filter(user_id=holder.pk, obj_type="child").values_list("child_id", "purpose")
    )
    assert (case.child_id, gate.SAKSBEHANDLING) in child_rows


def test_search_is_a_post_and_logs_its_hits_with_purpose(personas, login):
    case = _case(personas)
    leader = personas["styrer"]
    client = login(leader)
    body = client.post(reverse("search"), {"q": "Listemerke"}).content.decode()
    assert MARKER in body
    assert (case.pk, "search", gate.SOK) in _reads(leader)


def test_search_by_get_searches_nothing(personas, login):
    """A name in ``?q=`` is never used: the page shows the empty form, nothing is logged."""
    _case(personas)
    leader = personas["styrer"]
    response = login(leader).get(reverse("search"), {"q": "Listemerke"}, follow=True)
    assert response.redirect_chain == [(reverse("search"), 302)]
    body = response.content.decode()
    assert MARKER not in body
    assert 'method="post"' in body and "Listemerke" not in body
    assert _reads(leader) == []


def test_the_search_form_posts_with_csrf(personas, login):
    body = login(personas["styrer"]).get(reverse("search")).content.decode()
    assert 'method="post"' in body and 'hx-post="/sok/"' in body and "csrfmiddlewaretoken" in body
    assert "hx-get" not in body.split('role="search"')[0].rsplit("<form", 1)[-1]


def test_search_hits_are_in_the_innsyn_report_with_their_purpose(personas, login):
    case = _case(personas)
    leader = personas["styrer"]
    login(leader).post(reverse("search"), {"q": "Listemerke"})
    from consent.selectors import innsyn_package

    reads = innsyn_package(case)["reads"]
    searched = [r for r in reads if r["name"] == leader.full_name and r["how"] == "Søk"]
    assert searched and searched[0]["purpose"] == "Søk"
    assert all(r["purpose"] for r in reads)


def test_the_innsyn_page_shows_the_purpose_column(personas, login):
    case = _case(personas)
    holder = personas["barnehagelaerer"]
    client = login(holder)
    client.get(reverse("cases:my_cases"))
    body = client.get(reverse("innsyn", kwargs={"case_id": case.pk})).content.decode()
    assert '<th scope="col">Formål</th>' in body and "<td>Saksbehandling</td>" in body


def test_an_unknown_purpose_is_an_error(personas):
    with pytest.raises(ValueError):
        gate.log_list(personas["styrer"], [], "nysgjerrighet")
