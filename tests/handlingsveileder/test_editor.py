"""The fagadministrator's editor: draft, edit, reorder, remove, tools, diff, publish; who may and who may not."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from handlingsveileder import services
from handlingsveileder.models import GuideVersion, Step, VersionStatus


def _draft(personas, guide):
    return services.draft_create(actor=personas["fagadmin"], guide_id=guide.pk)


def _first(version, level=0):
    return version.steps.filter(level=level).order_by("position").first()


@pytest.mark.django_db
def test_it_copies_the_kommune_default_into_a_new_draft(personas, barnehage_guide):
    draft = _draft(personas, barnehage_guide)
    assert draft.status == VersionStatus.DRAFT and draft.guide == barnehage_guide
    titles = list(draft.steps.filter(level=0).order_by("position").values_list("title", flat=True))
    assert titles == ["Undring", "Konkretisering", "Deling", "Beslutning"]
    assert draft.steps.filter(level=2).count() == 5
    assert services.draft_create(actor=personas["fagadmin"], guide_id=barnehage_guide.pk) == draft


@pytest.mark.django_db
def test_it_lets_the_fagadministrator_rename_reorder_and_remove_trinn(personas, barnehage_guide):
    draft = _draft(personas, barnehage_guide)
    first = _first(draft)
    services.step_save(
        actor=personas["fagadmin"], version_id=draft.pk, step_id=first.pk, title="Undring oppstår", deadline_days="14"
    )
    first.refresh_from_db()
    assert first.title == "Undring oppstår" and first.deadline_days == 14
    services.step_move(actor=personas["fagadmin"], step_id=first.pk, direction="down")
    order = list(draft.steps.filter(level=0).order_by("position").values_list("title", flat=True))
    assert order[:2] == ["Konkretisering", "Undring oppstår"]
    services.step_move(actor=personas["fagadmin"], step_id=first.pk, direction="up")
    services.step_move(actor=personas["fagadmin"], step_id=first.pk, direction="up")  # already first: no change
    assert _first(draft).pk == first.pk
    services.step_remove(actor=personas["fagadmin"], step_id=first.pk)
    assert list(draft.steps.filter(level=0).order_by("position").values_list("position", flat=True)) == [1, 2, 3]
    new = services.step_save(actor=personas["fagadmin"], version_id=draft.pk, level=0, title="Observasjon")
    assert new.position == 4


@pytest.mark.django_db
def test_it_refuses_a_negative_deadline_with_a_message(personas, barnehage_guide):
    draft = _draft(personas, barnehage_guide)
    with pytest.raises(ValidationError) as exc:
        services.step_save(actor=personas["fagadmin"], version_id=draft.pk, level=0, title="X", deadline_days="-3")
    assert "negativ" in exc.value.message_dict["deadline_days"][0]


@pytest.mark.django_db
def test_it_keeps_text_as_typed_and_escapes_it_on_the_page(personas, barnehage_guide, client):
    # Issue 17 item 5: text in angle brackets is kept, never stripped, and escaped on output.
    draft = _draft(personas, barnehage_guide)
    step = services.step_save(
        actor=personas["fagadmin"],
        version_id=draft.pk,
        level=0,
        title="<script>alert(1)</script><b>Samtale</b>",
        how="<img src=x onerror=alert(1)>Snakk med foreldrene",
    )
    assert step.title == "<script>alert(1)</script><b>Samtale</b>"
    assert step.how == "<img src=x onerror=alert(1)>Snakk med foreldrene"
    client.force_login(personas["fagadmin"], backend="bti.auth_backends.EmailBackend")
    page = client.get(reverse("hv-edit", kwargs={"version_id": draft.pk})).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;Samtale&lt;/b&gt;" in page
    assert "<script>alert(1)" not in page and "<img src=x" not in page


@pytest.mark.django_db
def test_it_refuses_javascript_urls_for_tools(personas, barnehage_guide):
    draft = _draft(personas, barnehage_guide)
    step = _first(draft)
    for bad in ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,hei", "ftp://x.no/a"]:
        with pytest.raises(ValidationError) as exc:
            services.tool_add(actor=personas["fagadmin"], step_id=step.pk, title="Skjema", url=bad)
        assert "https://" in exc.value.message_dict["url"][0]
    tool = services.tool_add(
        actor=personas["fagadmin"], step_id=step.pk, title="Skjema", url="https://eksempel.no/skjema.pdf"
    )
    assert tool.url == "https://eksempel.no/skjema.pdf"


@pytest.mark.django_db
def test_it_refuses_publishing_an_empty_level(personas, barnehage_guide):
    draft = _draft(personas, barnehage_guide)
    for step in list(draft.steps.filter(level=3)):
        services.step_remove(actor=personas["fagadmin"], step_id=step.pk)
    with pytest.raises(ValidationError) as exc:
        services.version_publish(actor=personas["fagadmin"], version_id=draft.pk, note="Ny")
    assert "ingen trinn" in str(exc.value)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT and draft.steps.count() == 14


@pytest.mark.django_db
def test_it_refuses_two_trinn_on_the_same_position(personas, barnehage_guide):
    draft = _draft(personas, barnehage_guide)
    from django.db import IntegrityError, transaction

    a, b = draft.steps.filter(level=1).order_by("position")[:2]
    with pytest.raises(IntegrityError), transaction.atomic():
        Step.objects.filter(pk=b.pk).update(position=a.position)
        Step.objects.filter(pk=a.pk).update(title=a.title)  # forces nothing; the deferred check fires at commit
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.django_db
def test_it_publishes_with_a_note_and_retires_the_previous_version(personas, barnehage_guide):
    first = _draft(personas, barnehage_guide)
    services.version_publish(actor=personas["fagadmin"], version_id=first.pk, note="Første egne versjon")
    second = _draft(personas, barnehage_guide)
    with pytest.raises(ValidationError):
        services.version_publish(actor=personas["fagadmin"], version_id=second.pk, note="  ")
    services.version_publish(actor=personas["fagadmin"], version_id=second.pk, note="Andre")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == VersionStatus.RETIRED and second.status == VersionStatus.PUBLISHED
    assert second.number == 3 and second.note == "Andre"  # version 1 is the basis template


@pytest.mark.django_db
def test_it_lets_only_the_services_fagadministrator_and_system_admins_edit(personas, barnehage_guide, skole_fagadmin):
    with pytest.raises(PermissionDenied):
        services.draft_create(actor=skole_fagadmin, guide_id=barnehage_guide.pk)
    for who in ["barnehagelaerer", "styrer", "kontaktlaerer", "kommunalsjef", "utenforstaaende"]:
        with pytest.raises(PermissionDenied):
            services.draft_create(actor=personas[who], guide_id=barnehage_guide.pk)
    draft = services.draft_create(actor=personas["sysadmin"], guide_id=barnehage_guide.pk)
    with pytest.raises(PermissionDenied):
        services.step_save(actor=skole_fagadmin, version_id=draft.pk, step_id=_first(draft).pk, title="Min")
    assert services.draft_create(actor=personas["fagadmin"], guide_id=barnehage_guide.pk) == draft


@pytest.mark.django_db
def test_it_shows_the_editor_pages_to_the_fagadministrator_only(personas, barnehage_guide, skole_fagadmin, client):
    draft = _draft(personas, barnehage_guide)
    step = _first(draft)
    urls = [
        reverse("hv-edit", kwargs={"version_id": draft.pk}),
        reverse("hv-step-edit", kwargs={"step_id": step.pk}),
        reverse("hv-step-new", kwargs={"version_id": draft.pk}) + "?niva=2",
        reverse("hv-diff", kwargs={"version_id": draft.pk}),
        reverse("hv-publish", kwargs={"version_id": draft.pk}),
        reverse("hv-import", kwargs={"guide_id": barnehage_guide.pk}),
    ]
    client.force_login(personas["fagadmin"], backend="bti.auth_backends.EmailBackend")
    for url in urls:
        assert client.get(url).status_code == 200, url
    for user in [skole_fagadmin, personas["barnehagelaerer"], personas["utenforstaaende"]]:
        client.force_login(user, backend="bti.auth_backends.EmailBackend")
        for url in urls:
            assert client.get(url).status_code in (403, 404), (url, user)
        response = client.post(reverse("hv-step-edit", kwargs={"step_id": step.pk}), {"title": "Hacket"})
        assert response.status_code in (403, 404)
    step.refresh_from_db()
    assert step.title == "Undring"


@pytest.mark.django_db
def test_it_edits_reorders_and_publishes_through_the_browser_forms(personas, barnehage_guide, client):
    client.force_login(personas["fagadmin"], backend="bti.auth_backends.EmailBackend")
    response = client.post(reverse("hv-draft-create", kwargs={"guide_id": barnehage_guide.pk}))
    draft = GuideVersion.objects.get(guide=barnehage_guide, status=VersionStatus.DRAFT)
    assert response.status_code == 302
    step = _first(draft)
    bad = client.post(
        reverse("hv-step-edit", kwargs={"step_id": step.pk}),
        {"title": "Undring", "deadline_days": "-3", "deadline_from": "level"},
    )
    assert bad.status_code == 400
    assert "Fristen kan ikke være negativ" in bad.content.decode()
    ok = client.post(
        reverse("hv-step-edit", kwargs={"step_id": step.pk}),
        {"title": "Undringen oppstår", "deadline_days": "14", "deadline_from": "level", "checklist": "A\nB"},
    )
    assert ok.status_code == 302
    client.post(reverse("hv-step-move", kwargs={"step_id": step.pk}), {"direction": "down"})
    step.refresh_from_db()
    assert step.position == 2
    diff = client.get(reverse("hv-diff", kwargs={"version_id": draft.pk})).content.decode()
    assert "Undringen oppstår" in diff and "Flyttet fra plass 1 til plass 2" in diff
    tool = client.post(
        reverse("hv-tool-add", kwargs={"step_id": step.pk}), {"tool_title": "X", "url": "javascript:alert(1)"}
    )
    assert tool.status_code == 400 and "https://" in tool.content.decode()
    missing = client.post(reverse("hv-publish", kwargs={"version_id": draft.pk}), {"note": ""})
    assert missing.status_code == 400
    published = client.post(reverse("hv-publish", kwargs={"version_id": draft.pk}), {"note": "Tilpasset barnehagen"})
    assert published.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    page = client.get(reverse("hv-guide", kwargs={"guide_id": barnehage_guide.pk})).content.decode()
    assert "Undringen oppstår" in page and "Tilpasset barnehagen" in page


def _checked(html: str) -> set[str]:
    import re

    boxes = re.findall(r'<input[^>]*name="completed_by_actions"[^>]*>', html)
    return {re.search(r'value="([^"]+)"', box).group(1) for box in boxes if " checked" in box}  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_step_editor_shows_and_saves_the_actions_that_fulfil_a_trinn(personas, barnehage_guide, client):
    # Issue 17 item 1: the editor names which action kinds tick the trinn; text kept as typed.
    draft = _draft(personas, barnehage_guide)
    step = draft.steps.get(level=0, title="Konkretisering")
    assert step.completed_by_actions == ["konkretisering"]
    client.force_login(personas["fagadmin"], backend="bti.auth_backends.EmailBackend")
    url = reverse("hv-step-edit", kwargs={"step_id": step.pk})
    page = client.get(url).content.decode()
    assert "Trinnet er fullført når" in page and "et mål er lagt inn i planen" in page
    assert _checked(page) == {"konkretisering"}
    title = "Deling <med> leder MRKHV1"
    unknown = client.post(url, {"title": title, "deadline_from": "level", "completed_by_actions": ["ukjent"]})
    assert unknown.status_code == 400
    step.refresh_from_db()
    assert step.completed_by_actions == ["konkretisering"] and step.title == "Konkretisering"
    response = client.post(url, {"title": title, "deadline_from": "level", "completed_by_actions": ["deling", "mal"]})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.title == title
    assert step.completed_by_actions == ["deling", "mal"]
    page = client.get(url).content.decode()
    assert _checked(page) == {"deling", "mal"}
    assert "Deling &lt;med&gt; leder MRKHV1" in page and title not in page
    # No box ticked: the trinn is ticked by hand only.
    assert client.post(url, {"title": title, "deadline_from": "level"}).status_code == 302
    step.refresh_from_db()
    assert step.completed_by_actions == []
    # A service caller that does not name the actions keeps them.
    services.step_save(actor=personas["fagadmin"], version_id=draft.pk, step_id=step.pk, title="Deling MRKHV2")
    step.refresh_from_db()
    assert step.completed_by_actions == []
