"""Read views for all staff, the PDF, uploaded tools served through an access check, level names."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from handlingsveileder import services


@pytest.mark.django_db
def test_it_lists_and_shows_guides_to_all_staff_of_the_kommune(personas, barnehage_guide, login):
    for who in ["barnehagelaerer", "kontaktlaerer", "ppt", "kommunalsjef"]:
        client = login(personas[who])
        assert "Handlingsveileder – Barnehage" in client.get(reverse("hv-list")).content.decode()
        body = client.get(reverse("hv-guide", kwargs={"guide_id": barnehage_guide.pk})).content.decode()
        assert "Konkretisering" in body and "<svg" in body and 'role="img"' in body and "<desc" in body
        assert "Lag utkast" not in body
    assert (
        "Lag nytt utkast fra gjeldende versjon"
        in login(personas["fagadmin"])
        .get(reverse("hv-guide", kwargs={"guide_id": barnehage_guide.pk}))
        .content.decode()
    )
    outsider = login(personas["utenforstaaende"])
    assert outsider.get(reverse("hv-guide", kwargs={"guide_id": barnehage_guide.pk})).status_code == 404
    assert "Barnehage" not in outsider.get(reverse("hv-list")).content.decode()


@pytest.mark.django_db
def test_it_hides_drafts_from_people_who_may_not_edit(personas, barnehage_guide, login):
    draft = services.draft_create(actor=personas["fagadmin"], guide_id=barnehage_guide.pk)
    url = reverse("hv-version", kwargs={"version_id": draft.pk})
    assert login(personas["fagadmin"]).get(url).status_code == 200
    assert login(personas["barnehagelaerer"]).get(url).status_code == 404


@pytest.mark.django_db
def test_it_prints_the_guide_as_pdf(personas, barnehage_guide, login):
    response = login(personas["barnehagelaerer"]).get(reverse("hv-guide-pdf", kwargs={"guide_id": barnehage_guide.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_it_validates_uploaded_tools_and_serves_them_only_through_the_access_check(personas, barnehage_guide, login):
    draft = services.draft_create(actor=personas["fagadmin"], guide_id=barnehage_guide.pk)
    step = draft.steps.get(level=0, position=1)
    with pytest.raises(ValidationError) as exc:
        services.tool_add(
            actor=personas["fagadmin"],
            step_id=step.pk,
            title="Skript",
            upload=SimpleUploadedFile("x.html", b"<script>"),
        )
    assert "Filtypen er ikke tillatt" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.tool_add(
            actor=personas["fagadmin"], step_id=step.pk, title="Falsk", upload=SimpleUploadedFile("x.pdf", b"MZ\x90")
        )
    assert "stemmer ikke" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.tool_add(
            actor=personas["fagadmin"],
            step_id=step.pk,
            title="Stor",
            upload=SimpleUploadedFile("x.pdf", b"%PDF" + b"0" * services.TOOL_MAX_BYTES),
        )
    tool = services.tool_add(
        actor=personas["fagadmin"],
        step_id=step.pk,
        title="Rutine",
        upload=SimpleUploadedFile("rutine.pdf", b"%PDF-1.4 test"),
    )
    url = reverse("hv-tool-file", kwargs={"tool_id": tool.pk})
    assert login(personas["barnehagelaerer"]).get(url).status_code == 404  # still a draft
    services.version_publish(actor=personas["fagadmin"], version_id=draft.pk, note="Med rutine")
    response = login(personas["barnehagelaerer"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(personas["utenforstaaende"]).get(url).status_code == 404


@pytest.mark.django_db
def test_it_lets_system_administrators_rename_the_levels(personas, barnehage_guide, login):
    url = reverse("hv-levels")
    assert login(personas["fagadmin"]).get(url).status_code == 403
    client = login(personas["sysadmin"])
    data = {"level_0": "Nivå A", "level_1": "Nivå B", "level_2": "Nivå C", "level_3": "<b>Samskape</b>"}
    assert client.post(url, data).status_code == 302
    body = (
        login(personas["barnehagelaerer"])
        .get(reverse("hv-guide", kwargs={"guide_id": barnehage_guide.pk}))
        .content.decode()
    )
    assert "Nivå B" in body and "Samskape" in body and "<b>Samskape" not in body
    assert login(personas["sysadmin"]).post(url, {**data, "level_2": " "}).status_code == 400


@pytest.mark.django_db
def test_it_sets_up_every_kommune_idempotently(personas):
    from io import StringIO

    from django.core.management import call_command

    from handlingsveileder.models import GuideVersion, Handlingsveileder

    before = (Handlingsveileder.objects.count(), GuideVersion.objects.count())
    out = StringIO()
    call_command("handlingsveileder_setup", stdout=out)
    assert "Eksempel kommune: 7 handlingsveiledere" in out.getvalue()
    assert (Handlingsveileder.objects.count(), GuideVersion.objects.count()) == before


@pytest.mark.django_db
def test_it_describes_the_diagram_in_text_and_marks_the_case(personas, barnehage_guide):
    from handlingsveileder import selectors
    from tests.cases.helpers import undring

    case = undring(personas)
    version = services.attach_guide(case=case).version
    first = version.steps.get(level=0, position=1)
    services.step_complete(actor=personas["barnehagelaerer"], case_id=case.pk, step_id=first.pk)
    panel = selectors.case_step_panel(personas["barnehagelaerer"], case)
    desc = panel["diagram"]["desc"]
    assert "1. Undring (fullført)" in desc and "2. Konkretisering (saken er her)" in desc
    assert "Nivå 3 – utvidet samarbeid: 1. Oppstart og vurdering" in desc
    beslutning = next(r for r in panel["steps"] if r["step"].title == "Beslutning")
    assert beslutning["due"] is not None  # 14 days from when the case came to nivå 0


@pytest.mark.django_db
def test_it_lets_system_administrators_grant_edit_rights_in_the_admin(personas, barnehage_guide, login):
    client = login(personas["sysadmin"])
    assert client.get(reverse("admin:handlingsveileder_handlingsveileder_changelist")).status_code == 200
    url = reverse("admin:handlingsveileder_handlingsveileder_permissions", args=[barnehage_guide.pk])
    assert "Tor Moe" in client.get(url).content.decode() or client.get(url).status_code == 200
    assert login(personas["fagadmin"]).get(url).status_code == 302
