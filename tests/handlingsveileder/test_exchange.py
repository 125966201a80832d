"""Export a version as JSON and import it as a draft in another kommune; bad files get a message."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from handlingsveileder import services
from handlingsveileder.models import Handlingsveileder, VersionStatus


@pytest.fixture
def nabo_guide(personas):
    return Handlingsveileder.objects.get(kommune=personas["utenforstaaende"].kommune, service__name="Skole")


@pytest.fixture
def nabo_admin(personas, nabo_guide):
    user = personas["utenforstaaende"]
    user.is_staff = True
    user.save()
    return user


def _export(personas, guide):
    draft = services.draft_create(actor=personas["fagadmin"], guide_id=guide.pk)
    step = draft.steps.get(level=0, position=1)
    services.step_save(
        actor=personas["fagadmin"], version_id=draft.pk, step_id=step.pk, title="Undring i barnehagen", deadline_days=14
    )
    services.tool_add(
        actor=personas["fagadmin"], step_id=step.pk, title="Samtaleguide", url="https://eksempel.no/guide"
    )
    version = services.version_publish(actor=personas["fagadmin"], version_id=draft.pk, note="Til deling")
    return services.version_export(version)


@pytest.mark.django_db
def test_it_exports_and_imports_a_version_into_another_kommune(personas, barnehage_guide, nabo_guide, nabo_admin):
    data = _export(personas, barnehage_guide)
    assert data["format"] == "bti-handlingsveileder" and data["format_version"] == 1
    draft = services.version_import(actor=nabo_admin, guide_id=nabo_guide.pk, raw=json.dumps(data).encode())
    assert draft.status == VersionStatus.DRAFT and draft.kommune_id == nabo_guide.kommune_id
    step = draft.steps.get(level=0, position=1)
    assert step.title == "Undring i barnehagen" and step.deadline_days == 14
    assert [t.url for t in step.tools.all()][-1] == "https://eksempel.no/guide"
    assert draft.steps.count() == 19


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: "{ikke json", "ikke gyldig JSON"),
        (lambda d: {**d, "format": "noe annet"}, "format"),
        (lambda d: {**d, "levels": "x"}, "levels"),
        (
            lambda d: _set(d, 0, 0, "deadline_days", -3),
            "Nivå 0, trinn 1 (deadline_days): Fristen kan ikke være negativ",
        ),
        (lambda d: _set(d, 1, 1, "position", 1), "samme «position»"),
        (lambda d: _set(d, 0, 0, "tools", [{"title": "x", "url": "javascript:alert(1)"}]), "https://"),
        (lambda d: _set(d, 2, 0, "title", ""), "Nivå 2, trinn 1 (title)"),
        (lambda d: _set(d, 0, 0, "checklist", "ikke en liste"), "checklist"),
    ],
)
def test_it_names_what_is_wrong_in_a_bad_file(personas, barnehage_guide, nabo_guide, nabo_admin, mutate, expected):
    data = _export(personas, barnehage_guide)
    bad = mutate(json.loads(json.dumps(data)))
    raw = bad.encode() if isinstance(bad, str) else json.dumps(bad).encode()
    with pytest.raises(ValidationError) as exc:
        services.version_import(actor=nabo_admin, guide_id=nabo_guide.pk, raw=raw)
    assert expected in " ".join(exc.value.messages), exc.value.messages
    assert not nabo_guide.versions.filter(status="draft").exists()


def _set(data, level, index, field, value):
    data["levels"][level]["steps"][index][field] = value
    return data


@pytest.mark.django_db
def test_it_refuses_an_oversized_file_and_shows_the_reason_on_the_page(personas, barnehage_guide, client):
    client.force_login(personas["fagadmin"], backend="bti.auth_backends.EmailBackend")
    url = reverse("hv-import", kwargs={"guide_id": barnehage_guide.pk})
    big = SimpleUploadedFile("stor.json", b" " * (services.IMPORT_MAX_BYTES + 1), content_type="application/json")
    response = client.post(url, {"file": big})
    assert response.status_code == 400 and "for stor" in response.content.decode()
    broken = SimpleUploadedFile(
        "feil.json", b'{"format": "bti-handlingsveileder", "format_version": 1, "levels": [{"level": 7}]}'
    )
    response = client.post(url, {"file": broken})
    assert response.status_code == 400 and "Nivå nr. 1" in response.content.decode()


@pytest.mark.django_db
def test_it_downloads_the_export_for_staff_of_the_kommune_only(personas, barnehage_guide, login):
    version = services.effective_version(barnehage_guide)
    assert version is not None
    url = reverse("hv-export", kwargs={"version_id": version.pk})
    response = login(personas["barnehagelaerer"]).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["format"] == "bti-handlingsveileder"
    assert login(personas["utenforstaaende"]).get(url).status_code == 404
