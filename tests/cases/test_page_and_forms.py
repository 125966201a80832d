"""Issue 17, items 2 and 5: the case page reads top-down with its first focus on the h1, one
sub-navigation with the same names everywhere, every form's errors at once in a summary, and
a form sent twice (double click, Back + resubmit) saved once."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from bti.models import SubmitKey
from cases.models import Case
from samarbeid.models import Goal
from stafettlogg.models import Entry
from tests.cases.helpers import case_on_level, undring, unit

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def body(response) -> str:
    return response.content.decode()


def nav_of(html: str) -> list[str]:
    """The link texts of the case's sub-navigation."""
    match = re.search(r'<nav class="case-subnav" aria-label="Sakens deler">(.*?)</nav>', html, re.S)
    assert match, "the case page, the plan and the consent page share one sub-navigation"
    return re.findall(r"<a [^>]*>([^<]+)</a>", match.group(1))


def test_the_case_page_reads_top_down_and_focuses_its_heading(personas, login):
    case = case_on_level(personas, 1)
    html = body(login(personas["barnehagelaerer"]).get(reverse("cases:case_detail", kwargs={"case_id": case.pk})))
    order = [
        '<h1 class="ds-heading" data-size="lg" id="sak-tittel" tabindex="-1" data-focus-on-load>',
        'id="handlinger-tittel"',
        f'id="hv-lazy-{case.pk}"',
        'class="case-panel-lazy"',
        'id="foresatte-tittel"',
        'id="logg-tittel"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    # Nothing else asks for focus on a plain load (the trinn panel used to take it).
    assert "data-focus-after-swap" not in html
    assert html.count("data-focus-on-load") == 1


def test_the_trinn_panel_takes_focus_only_after_its_own_form(personas, login):
    case = undring(personas)
    client = login(personas["barnehagelaerer"])
    panel = body(client.get(reverse("hv-case-steps", kwargs={"case_id": case.pk}), **HTMX))
    assert "Trinn på" in panel and "data-focus-after-swap" not in panel


def test_after_an_action_the_heading_takes_focus_and_the_message_is_announced(personas, login):
    case = undring(personas)
    client = login(personas["barnehagelaerer"])
    note = reverse("stafettlogg:note_add", kwargs={"case_id": case.pk})
    response = client.post(
        note,
        {"version": case.version, "kind": "notat", "text": "Markør-wf2-konk: hun gråter ved levering"},
        **HTMX,
    )
    html = body(response)
    assert 'id="sak-tittel" tabindex="-1" data-focus-on-load data-focus-after-swap>' in html
    assert 'role="status"' in html
    assert "Markør-wf2-konk" in html


def test_one_sub_navigation_with_the_same_names_everywhere(personas, login):
    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    pages = {
        "saken": body(client.get(reverse("cases:case_detail", kwargs={"case_id": case.pk}))),
        "plan": body(client.get(reverse("case-plan", kwargs={"case_id": case.pk}))),
        "moter": body(client.get(reverse("case-meetings", kwargs={"case_id": case.pk}))),
        "samtykke": body(client.get(reverse("samtykke", kwargs={"case_id": case.pk}))),
    }
    for name, html in pages.items():
        links = nav_of(html)
        for common in ["Saken", "Plan og tiltak", "Samarbeidsmøter", "Trinn", "Samtykke og involverte", "Stafettlogg"]:
            assert common in links, (name, common)
        for old in ["Møter", "Plan", "Sak", "Utskrift", "Avslutning"]:
            assert old not in links, (name, old)
    assert 'aria-current="page">Plan og tiltak' in pages["plan"]
    assert 'aria-current="page">Samtykke og involverte' in pages["samtykke"]


def test_every_error_of_the_undring_at_once_in_a_summary_with_links(personas, login):
    client = login(personas["barnehagelaerer"])
    response = client.post(
        reverse("cases:undring_new"),
        {
            "unit": "",
            "source": "ansatt",
            "observation": "",
            "identity": "identifisert",
            "full_name": "Markør-wf2-navn",
            "fnr": "01010750161",
        },
    )
    html = body(response)
    assert response.status_code == 400
    summary = re.search(r'<div class="ds-alert error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary and "data-focus-on-load" in html
    assert 'href="#undring-observation"' in summary.group(1) and 'href="#undring-unit"' in summary.group(1)
    assert "Markør-wf2-navn" in html  # nothing typed is lost
    assert "Markør-wf2-navn" not in str(list(Case.objects.values_list("anonymous_label", flat=True)))


def test_a_tiltak_form_lists_its_errors_in_a_summary(personas, login):
    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    response = client.post(reverse("case-goal-new", kwargs={"case_id": case.pk}), {"text": ""})
    html = body(response)
    assert 'class="ds-alert error-summary"' in html and 'href="#id_text"' in html


def undring_data(marker: str, key: str) -> dict:
    return {
        "unit": unit("Lia barnehage").pk,
        "source": "ansatt",
        "observation": f"{marker} kommer uten matpakke. Hva kan ligge bak?",
        "identity": "anonym",
        "anonymous_label": "W.F.",
        "submit_key": key,
    }


def _submit_key(page: str) -> str:
    found = re.search(r'name="submit_key" value="([0-9a-f-]{36})"', page)
    assert found, "the form carries no submit key"
    return found.group(1)


def test_back_and_resubmit_registers_one_undring(personas, login):
    client = login(personas["barnehagelaerer"])
    page = body(client.get(reverse("cases:undring_new")))
    key = _submit_key(page)
    before = Case.objects.count()
    first = client.post(reverse("cases:undring_new"), undring_data("Markør-wf2-idem", key))
    second = client.post(reverse("cases:undring_new"), undring_data("Markør-wf2-idem", key))
    assert Case.objects.count() == before + 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    landed = body(client.get(second["Location"]))
    assert "Skjemaet var allerede sendt" in landed
    # A new form is a new key: a second undring on purpose is registered.
    fresh = body(client.get(reverse("cases:undring_new")))
    assert key not in fresh
    other = _submit_key(fresh)
    client.post(reverse("cases:undring_new"), undring_data("Markør-wf2-idem2", other))
    assert Case.objects.count() == before + 2


def test_a_refused_submit_frees_its_key_for_the_corrected_one(personas, login):
    client = login(personas["barnehagelaerer"])
    key = str(uuid.uuid4())
    refused = client.post(reverse("cases:undring_new"), {**undring_data("Markør-wf2-rett", key), "unit": 999999})
    assert refused.status_code == 400 and key in body(refused)  # the same key comes back in the form
    assert not SubmitKey.objects.filter(key=key).exists()
    assert client.post(reverse("cases:undring_new"), undring_data("Markør-wf2-rett", key)).status_code == 302
    assert SubmitKey.objects.filter(key=key, user=personas["barnehagelaerer"]).exists()


def test_an_action_sent_twice_writes_one_entry(personas, login):
    case = undring(personas)
    client = login(personas["barnehagelaerer"])
    note = reverse("stafettlogg:note_add", kwargs={"case_id": case.pk})
    data = {"version": case.version, "kind": "notat", "text": "Markør-wf2-dobbel", "submit_key": str(uuid.uuid4())}
    before = Entry.objects.filter(case=case).count()
    client.post(note, data, **HTMX)
    again = client.post(note, data, **HTMX)
    assert Entry.objects.filter(case=case).count() == before + 1
    assert "Skjemaet var allerede sendt" in body(again)


def test_a_goal_sent_twice_is_one_goal(personas, login):
    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    data = {"text": "Markør-wf2-mål: sover", "agreed_with": "mor og far", "submit_key": str(uuid.uuid4())}
    url = reverse("case-goal-new", kwargs={"case_id": case.pk})
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Goal.objects.filter(case=case).count() == 1
    plan = body(client.get(reverse("case-plan", kwargs={"case_id": case.pk})))
    assert plan.count("Markør-wf2-mål") == 1 and "Skjemaet var allerede sendt" in plan


def test_the_staff_search_keeps_its_target_for_the_next_keystroke(personas, login):
    case = case_on_level(personas, 1)
    client = login(personas["barnehagelaerer"])
    form = body(client.get(reverse("stafettlogg:handover_propose", kwargs={"case_id": case.pk}), **HTMX))
    assert 'hx-target="next .staff-hits"' in form and 'hx-swap="innerHTML"' in form
    assert 'hx-swap="outerHTML"' not in form.split('class="staff-hits"')[0].rsplit("<input", 1)[-1]
    assert '<div class="staff-hits"' in form
    hits_url = reverse("stafettlogg:handover_candidates", kwargs={"case_id": case.pk})
    for q in ["Ol", "Ola"]:  # the list is replaced on every keystroke, its wrapper stays
        hits = body(client.get(hits_url, {"q": q}, **HTMX))
        assert "Ola Hansen" in hits and 'class="staff-hits"' not in hits


def test_the_tiltak_form_preselects_the_only_goal_and_takes_the_unit_from_the_person(personas, login):
    from samarbeid.models import Measure
    from tests.samarbeid import helpers

    case = case_on_level(personas, 1)
    goal = helpers.goal(personas, case, text="Markør-wf2-eneste-mål")
    client = login(personas["barnehagelaerer"])
    url = reverse("case-measure-new", kwargs={"case_id": case.pk})
    page = body(client.get(url))
    assert f'<option value="{goal.pk}" selected>' in page
    response = client.post(
        url,
        {
            "goal": goal.pk,
            "description": "Markør-wf2-tiltak-enhet",
            "responsible_user": personas["styrer"].pk,
            "start_date": "2026-12-03",
            "evaluation_date": "2027-01-20",
            "submit_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302, body(response)
    measure = Measure.objects.get(case=case)
    assert measure.responsible_unit.name == "Lia barnehage" and measure.responsible_user_id == personas["styrer"].pk
