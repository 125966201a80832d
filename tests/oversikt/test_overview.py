"""The leaders' overview: who sees it, small counts suppressed everywhere (page, CSV,
Excel, API), bad filters explained, and no route that reaches a case."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bti.models import Unit
from bti.policy import cases_visible_to
from oversikt import facts
from oversikt.selectors import shown, shown_all
from tests.cases.helpers import undring

pytestmark = pytest.mark.django_db

ROUTES = ["overview", "overview-export-csv", "overview-export-xlsx"]


@pytest.fixture
def three_cases(personas):
    """A unit (Lia barnehage) with three open cases, as the issue asks."""
    cases = [undring(personas) for _ in range(3)]
    facts.refresh_facts(kommune_id=personas["barnehagelaerer"].kommune_id)
    return cases


def test_it_suppresses_counts_below_five():
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]
    # One hidden cell is not enough: the next smallest is hidden too.
    assert shown_all([3, 7, 20]) == ["<5", "<5", 20]


def test_it_shows_the_kommune_leader_suppressed_numbers(personas, login, three_cases):
    body = login(personas["kommunalsjef"]).get(reverse("overview")).content.decode()
    assert "Oversikt for ledere" in body
    assert "&lt;5" in body
    assert not re.search(r"<td>3</td>", body)
    assert "<svg" in body and "<table" in body


def test_it_suppresses_in_csv_excel_and_the_api(personas, login, three_cases):
    client = login(personas["kommunalsjef"])
    csv_text = client.get(reverse("overview-export-csv")).content.decode("utf-8-sig")
    assert "Lia barnehage;<5" in csv_text
    assert "Lia barnehage;3" not in csv_text
    book = load_workbook(io.BytesIO(client.get(reverse("overview-export-xlsx")).content))
    values = {(row[1], row[2]) for row in book.active.iter_rows(values_only=True)}
    assert ("Lia barnehage", "<5") in values and ("Lia barnehage", 3) not in values
    rows = client.get("/api/v1/oversikt/").json()
    assert {"section": "Åpne saker per enhet", "label": "Lia barnehage", "value": "<5"} in rows
    assert all(r["value"] not in (1, 2, 3, 4) for r in rows)


def test_it_lets_no_dashboard_or_export_route_reach_a_case(personas, login, three_cases):
    leader = personas["kommunalsjef"]
    assert not cases_visible_to(leader).exists()
    client = login(leader)
    for name in ROUTES:
        response = client.get(reverse(name))
        assert response.status_code == 200
        content = response.content.decode("utf-8", errors="ignore")
        assert "/saker/" not in content and "A.B." not in content and "trist" not in content
    api = client.get("/api/v1/oversikt/").content.decode()
    assert "A.B." not in api and "/saker/" not in api
    # Filters cannot be turned into a case id either.
    case_id = three_cases[0].pk
    assert client.get(reverse("overview"), {"enhet": case_id, "sak": case_id}).status_code in (200, 400)


def test_it_refuses_the_overview_to_staff_without_a_leader_role(personas, login, three_cases):
    for key in ("barnehagelaerer", "ppt", "utenforstaaende", "fagadmin"):
        client = login(personas[key])
        for name in ROUTES:
            assert client.get(reverse(name)).status_code == 403, (key, name)
        assert client.get("/api/v1/oversikt/").status_code == 403


def test_it_limits_a_unit_leader_to_their_own_unit(personas, login, three_cases):
    client = login(personas["rektor"])  # leads Solberg skole, not Lia barnehage
    body = client.get(reverse("overview")).content.decode()
    assert "Solberg skole" in body and "Lia barnehage" not in body
    response = client.get(reverse("overview"), {"enhet": Unit.objects.get(name="Lia barnehage").pk})
    assert response.status_code == 400
    assert "Velg en enhet fra listen." in response.content.decode()


def test_it_explains_bad_filters_without_leaking(personas, login, three_cases):
    client = login(personas["kommunalsjef"])
    today = timezone.localdate()
    response = client.get(reverse("overview"), {"fra": today, "til": today - timedelta(days=3)})
    assert response.status_code == 400
    assert "Til-datoen er før fra-datoen" in response.content.decode()
    other = Unit.objects.get(name="Fjell skole")
    response = client.get(reverse("overview"), {"enhet": other.pk})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Velg en enhet fra listen." in body and "Fjell skole" not in body
    ten_years = {"fra": today - timedelta(days=3650), "til": today}
    for name in ("overview-export-csv", "overview-export-xlsx"):
        response = client.get(reverse(name), ten_years)
        assert response.status_code == 400
        assert "Perioden kan være høyst fem år" in response.content.decode()
    assert client.get(reverse("overview"), {"fra": "i går"}).status_code == 400
    api = client.get("/api/v1/oversikt/", {"enhet": other.pk})
    assert api.status_code == 400 and "enhet" in api.json()


def test_it_renders_a_partial_for_htmx(personas, login, three_cases):
    client = login(personas["kommunalsjef"])
    partial = client.get(reverse("overview"), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="oversikt-innhold"' in partial and "<html" not in partial


def test_it_runs_the_detection_on_demand_for_leaders_only(personas, login, django_capture_on_commit_callbacks):
    case = undring(personas)
    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(decision_deadline=timezone.localdate() - timedelta(days=1))
    assert login(personas["barnehagelaerer"]).post(reverse("overview-detect")).status_code == 403
    from oversikt.models import Alarm

    assert not Alarm.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the tasks are queued with the request's commit
        response = login(personas["kommunalsjef"]).post(reverse("overview-detect"))
    assert response.status_code == 302
    assert Alarm.objects.count() == 1


def test_it_counts_levels_decisions_and_flows(personas, login):
    from tests.cases.helpers import case_on_level

    for _ in range(5):
        case_on_level(personas, 1)
    facts.refresh_facts(kommune_id=personas["barnehagelaerer"].kommune_id)
    rows = login(personas["kommunalsjef"]).get("/api/v1/oversikt/").json()
    found = {(r["section"], r["label"]): r["value"] for r in rows}
    assert found[("Åpne saker per nivå", "Nivå 1")] == 5
    assert found[("Overganger mellom nivåer", "Nivå 0 → Nivå 1")] == 5
    assert found[("Beslutninger på nivå 0", "Antall beslutninger")] == 5
    assert found[("Beslutninger på nivå 0", "Median dager til beslutning")] == 0


def _open_total_and_updated(body: str) -> tuple[str, str]:
    total = re.search(r"<dt>Åpne saker i alt</dt><dd>([^<]+)</dd>", body)
    updated = re.search(r'Sist oppdatert: <time datetime="([^"]+)"', body)
    assert total and updated, body
    return total.group(1), updated.group(1)


def test_a_write_shows_in_the_overview_with_a_newer_sist_oppdatert(personas, login, django_capture_on_commit_callbacks):
    """Issue 17 item 7: the numbers are rebuilt after the action commits (the entry
    listener queues the rebuild), and the page, the exports and the API say when."""
    kommune_id = personas["barnehagelaerer"].kommune_id
    for _ in range(5):
        undring(personas)
    facts.refresh_facts(kommune_id=kommune_id)
    client = login(personas["kommunalsjef"])
    before_total, before_at = _open_total_and_updated(client.get(reverse("overview")).content.decode())
    assert before_total == "5"

    with django_capture_on_commit_callbacks(execute=True):
        undring(personas)  # a sixth open case, written as the page writes it
    body = client.get(reverse("overview")).content.decode()
    after_total, after_at = _open_total_and_updated(body)
    assert after_total == "6"
    assert after_at > before_at
    assert 'id="graf-niva"' in body or "graf-niva-tittel" in body
    assert re.search(r'<rect class="chart__bar"', body), "the level chart draws the six open cases"

    rows = client.get("/api/v1/oversikt/")
    assert rows.has_header("Last-Modified")
    updated = [r for r in rows.json() if r["label"] == "Sist oppdatert"]
    assert len(updated) == 1 and updated[0]["value"][:16] == after_at[:16]
    csv_text = client.get(reverse("overview-export-csv")).content.decode("utf-8-sig")
    assert "Oppdatert;Sist oppdatert;" + after_at[:16] in csv_text


def test_a_rolled_back_write_queues_no_rebuild(personas, django_capture_on_commit_callbacks):
    from django.db import transaction

    from oversikt.models import FactsVersion

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                undring(personas)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not FactsVersion.objects.filter(kommune_id=personas["barnehagelaerer"].kommune_id).exists()


def test_the_overview_is_in_the_menu_of_the_leaders_only(personas, login):
    link = f'href="{reverse("overview")}"'
    for key in ("kommunalsjef", "styrer"):
        assert link in login(personas[key]).get(reverse("notifications")).content.decode(), key
    for key in ("barnehagelaerer", "ppt"):
        assert link not in login(personas[key]).get(reverse("notifications")).content.decode(), key
