"""Cases follow a version: the step panel, completing and skipping trinn, moving to a newer version."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from cases.models import Case
from handlingsveileder import selectors, services
from handlingsveileder.models import CaseGuide, Step, StepProgress
from stafettlogg.models import Entry
from tests.cases.helpers import undring


def _publish_own(personas, guide, *, title="Undringen oppstår", tool=True):
    draft = services.draft_create(actor=personas["fagadmin"], guide_id=guide.pk)
    step = draft.steps.get(level=0, position=1)
    services.step_save(
        actor=personas["fagadmin"],
        version_id=draft.pk,
        step_id=step.pk,
        title=title,
        deadline_days=14,
        checklist="Skrevet ned\nDatert",
    )
    if tool:
        services.tool_add(
            actor=personas["fagadmin"], step_id=step.pk, title="Tegn og signaler", url="https://eksempel.no/tegn"
        )
    return services.version_publish(actor=personas["fagadmin"], version_id=draft.pk, note="Egen versjon")


@pytest.mark.django_db
def test_it_records_the_version_a_new_case_follows(personas, barnehage_guide):
    case = undring(personas)
    link = services.attach_guide(case=case)
    # handlingsveileder_setup gave barnehage the basis template as its version 1.
    assert link.version.guide == barnehage_guide and link.version.number == 1
    own = _publish_own(personas, barnehage_guide)
    later = undring(personas)
    assert services.attach_guide(case=later).version == own
    assert services.attach_guide(case=case).version == link.version  # open cases keep theirs


@pytest.mark.django_db
def test_it_shows_the_current_levels_trinn_with_tool_and_deadline(personas, barnehage_guide, login):
    _publish_own(personas, barnehage_guide)
    case = undring(personas)
    client = login(personas["barnehagelaerer"])
    body = client.get(reverse("hv-case-steps", kwargs={"case_id": case.pk})).content.decode()
    assert "Undringen oppstår" in body and "Tegn og signaler" in body and "14 dager" in body
    assert "Saken er her" in body and "<svg" in body and "<h1" in body
    partial = client.get(reverse("hv-case-steps", kwargs={"case_id": case.pk}), HTTP_HX_REQUEST="true").content.decode()
    assert "Undringen oppstår" in partial and "<h1" not in partial and "<html" not in partial


@pytest.mark.django_db
def test_it_writes_completing_and_skipping_to_the_stafettlogg(personas, barnehage_guide):
    _publish_own(personas, barnehage_guide)
    case = undring(personas)
    version = services.attach_guide(case=case).version
    first, second = version.steps.filter(level=0).order_by("position")[:2]
    services.step_checklist_save(actor=personas["barnehagelaerer"], case_id=case.pk, step_id=first.pk, checked=["0"])
    services.step_complete(actor=personas["barnehagelaerer"], case_id=case.pk, step_id=first.pk, checked=["0", "1"])
    with pytest.raises(ValidationError) as exc:
        services.step_skip(actor=personas["barnehagelaerer"], case_id=case.pk, step_id=second.pk, reason=" ")
    assert "reason" in exc.value.message_dict
    services.step_skip(actor=personas["barnehagelaerer"], case_id=case.pk, step_id=second.pk, reason="Allerede konkret")
    texts = list(Entry.objects.filter(case=case).order_by("seq").values_list("text", flat=True))
    assert any("Trinn fullført: Undringen oppstår" in t for t in texts)
    assert any("Trinn hoppet over: Konkretisering" in t and "Allerede konkret" in t for t in texts)
    progress = {p.step_id: p for p in StepProgress.objects.filter(case=case)}
    assert progress[first.pk].status == "done" and progress[first.pk].checked == [0, 1]
    panel = selectors.case_step_panel(personas["barnehagelaerer"], case)
    assert [r["is_current"] for r in panel["steps"]] == [False, False, True, False]


@pytest.mark.django_db
def test_it_refuses_step_changes_from_people_outside_the_case(personas, barnehage_guide, login):
    case = undring(personas)
    step = services.attach_guide(case=case).version.steps.get(level=0, position=1)
    for who in ["kontaktlaerer", "barnehagelaerer2", "fagadmin", "utenforstaaende", "kommunalsjef"]:
        with pytest.raises(Http404):
            services.step_complete(actor=personas[who], case_id=case.pk, step_id=step.pk)
        assert login(personas[who]).get(reverse("hv-case-steps", kwargs={"case_id": case.pk})).status_code == 404
    assert not StepProgress.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_it_refuses_a_trinn_from_another_version_or_level(personas, barnehage_guide, skole_guide):
    case = undring(personas)
    version = services.attach_guide(case=case).version
    foreign = Step.objects.exclude(version=version).filter(level=0)[0]
    other_level = version.steps.get(level=1, position=1)
    for step in [foreign, other_level]:
        with pytest.raises(ValidationError):
            services.step_complete(actor=personas["barnehagelaerer"], case_id=case.pk, step_id=step.pk)


@pytest.mark.django_db
def test_it_completes_and_skips_through_the_page_with_and_without_htmx(personas, barnehage_guide, login):
    case = undring(personas)
    version = services.attach_guide(case=case).version
    first, second = version.steps.filter(level=0).order_by("position")[:2]
    client = login(personas["barnehagelaerer"])
    url = reverse("hv-case-step", kwargs={"case_id": case.pk, "step_id": first.pk})
    assert client.post(url, {"action": "done", "checked": ["0"]}).status_code == 302
    url2 = reverse("hv-case-step", kwargs={"case_id": case.pk, "step_id": second.pk})
    bad = client.post(url2, {"action": "skip", "reason": ""})
    assert bad.status_code == 400 and "påkrevd" in bad.content.decode() and "<h1" in bad.content.decode()
    bad = client.post(url2, {"action": "skip", "reason": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "påkrevd" in bad.content.decode() and "<h1" not in bad.content.decode()
    ok = client.post(url2, {"action": "skip", "reason": "Ikke aktuelt"}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and "Hoppet over" in ok.content.decode() and "<html" not in ok.content.decode()


@pytest.mark.django_db
def test_it_keeps_open_cases_on_their_version_until_the_stafettholder_moves_them(personas, barnehage_guide):
    case = undring(personas)
    old = services.attach_guide(case=case).version
    first = old.steps.get(level=0, position=1)
    services.step_complete(actor=personas["barnehagelaerer"], case_id=case.pk, step_id=first.pk)
    new = _publish_own(personas, barnehage_guide, title="Ny undring")
    panel = selectors.case_step_panel(personas["barnehagelaerer"], case)
    assert panel["version"] == old and panel["newer_version"] == new
    with pytest.raises(Http404):
        services.case_move_to_version(actor=personas["kontaktlaerer"], case_id=case.pk, version_id=new.pk)
    services.case_move_to_version(actor=personas["barnehagelaerer"], case_id=case.pk, version_id=new.pk)
    assert CaseGuide.objects.get(case=case).version == new
    assert Entry.objects.filter(case=case, data__handlingsveileder__event="version_moved").exists()
    panel = selectors.case_step_panel(personas["barnehagelaerer"], case)
    assert panel["newer_version"] is None
    assert panel["steps"][0]["status"] == "done"  # progress follows the trinn by key
    assert panel["steps"][0]["step"].title == "Ny undring"


def _big_version(personas, guide, n):
    draft = services.draft_create(actor=personas["fagadmin"], guide_id=guide.pk)
    for i in range(n - 4):
        step = services.step_save(
            actor=personas["fagadmin"], version_id=draft.pk, level=0, title=f"T{i}", checklist="a\nb"
        )
        services.tool_add(actor=personas["fagadmin"], step_id=step.pk, title=f"V{i}", url=f"https://e.no/{i}")
    return services.version_publish(actor=personas["fagadmin"], version_id=draft.pk, note="Stor")


@pytest.mark.django_db
@pytest.mark.parametrize("steps", [4, 50])
def test_it_pins_the_query_count_of_the_step_panel(personas, barnehage_guide, django_assert_num_queries, steps):
    version = _big_version(personas, barnehage_guide, steps)
    case = undring(personas)
    services.attach_guide(case=case)
    for step in version.steps.filter(level=0).order_by("position")[: steps // 2]:
        services.step_complete(actor=personas["barnehagelaerer"], case_id=case.pk, step_id=step.pk)
    case = Case.objects.select_related("owner_unit__service").get(pk=case.pk)
    with django_assert_num_queries(9):
        panel = selectors.case_step_panel(personas["barnehagelaerer"], case)
    assert len(panel["steps"]) == steps
    html = render_to_string("handlingsveileder/_case_steps.html", {"panel": panel})
    assert html.count('id="sakstrinn-') == steps


@pytest.mark.django_db
def test_it_renders_the_panel_page_with_the_same_queries_for_4_and_50_trinn(personas, barnehage_guide, login):
    counts = []
    client = login(personas["barnehagelaerer"])
    for n in (4, 50):
        GuideVersion = barnehage_guide.versions.model
        GuideVersion.objects.filter(guide=barnehage_guide, status="published").update(status="retired")
        _big_version(personas, barnehage_guide, n)
        case = undring(personas)
        url = reverse("hv-case-steps", kwargs={"case_id": case.pk})
        client.get(url)  # attaches the version on first view
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_it_shows_the_trinn_of_the_level_the_case_is_on_with_the_path_taken(personas, barnehage_guide):
    case = undring(personas, anonymous=False)
    version = services.attach_guide(case=case).version
    for step in version.steps.filter(level=0).order_by("position")[:2]:
        services.step_complete(actor=personas["barnehagelaerer"], case_id=case.pk, step_id=step.pk)
    case = case_services.case_change_level(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_level=1, reason="Videre"
    )
    case = Case.objects.select_related("owner_unit__service").get(pk=case.pk)
    panel = selectors.case_step_panel(personas["barnehagelaerer"], case)
    assert panel["steps"][0]["step"].title == "Oppstart og vurdering"
    # Two trinn ticked by hand, «Beslutning» by the decision itself (issue 17), then nivå 1.
    assert panel["steps"][0]["is_current"] and panel["diagram"]["path_points"].count(",") == 4
