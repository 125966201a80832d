"""Issue 18 item 4: what the kommune writes stays theirs, in bokmål and, where it wants, also in
nynorsk. A nynorsk reader sees the nynorsk text where there is one, every other reader the
bokmål text; a text written once is shown as written to all. Never machine-translated."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bti.languages import written
from handlingsveileder import services
from handlingsveileder.models import Handlingsveileder
from tests.samarbeid.test_printing import pdf_text

pytestmark = pytest.mark.django_db

NB = ["NBTITTEL-Q1", "NBSAMMEN-Q2", "NBHVA-Q3", "NBPUNKT-Q4", "NBVERKTOY-Q5"]
NN = ["NNTITTEL-Q1", "NNSAMMEN-Q2", "NNKVA-Q3", "NNPUNKT-Q4", "NNVERKTOY-Q5"]
ONLY = "EINTEKST-Q6"


def reader(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    return client


def _publish_double(personas, guide):
    """The barnehage guide's first trinn in both languages, its second with one text only."""
    admin = personas["fagadmin"]
    draft = services.draft_create(actor=admin, guide_id=guide.pk)
    first = draft.steps.get(level=0, position=1)
    services.step_save(
        actor=admin,
        version_id=draft.pk,
        step_id=first.pk,
        title=NB[0],
        title_nn=NN[0],
        summary=NB[1],
        summary_nn=NN[1],
        what=NB[2],
        what_nn=NN[2],
        checklist=f"{NB[3]}\nAndre punkt",
        checklist_nn=f"{NN[3]}\nAnna punkt",
    )
    services.tool_add(actor=admin, step_id=first.pk, title=NB[4], title_nn=NN[4], url="https://eksempel.no/v")
    second = draft.steps.get(level=0, position=2)
    services.step_save(actor=admin, version_id=draft.pk, step_id=second.pk, title=ONLY)
    return services.version_publish(actor=admin, version_id=draft.pk, note="To målformer")


def test_the_helper_picks_the_readers_language_and_falls_back_to_the_text_as_written():
    both = {"title": "NB-tekst", "title_nn": "NN-tekst"}
    only_nb = {"title": "Berre éin", "title_nn": ""}
    only_nn = {"title": "", "title_nn": "Berre nynorsk"}
    for language, expected in [("nn", "NN-tekst"), ("nb", "NB-tekst"), ("en", "NB-tekst")]:
        with translation.override(language):
            assert written(both, "title") == expected
            assert written(only_nb, "title") == "Berre éin"
            assert written(only_nn, "title") == "Berre nynorsk"


@pytest.mark.parametrize(("language", "shown", "hidden"), [("nn", NN, NB), ("nb", NB, NN), ("en", NB, NN)])
def test_each_reader_sees_the_kommunes_text_in_their_language(personas, barnehage_guide, language, shown, hidden):
    version = _publish_double(personas, barnehage_guide)
    client = reader(personas["barnehagelaerer"], language)
    html = client.get(reverse("hv-version", kwargs={"version_id": version.pk})).content.decode()
    guide_page = client.get(reverse("hv-guide", kwargs={"guide_id": barnehage_guide.pk})).content.decode()
    api = client.get(reverse("api-hv-version", kwargs={"version_id": version.pk})).content.decode()
    pdf = pdf_text(client.get(reverse("hv-guide-pdf", kwargs={"guide_id": barnehage_guide.pk})).content)
    for body in (html, guide_page, api):
        assert all(marker in body for marker in shown), (language, body[:200])
        assert not any(marker in body for marker in hidden)
        assert ONLY in body  # written once: shown as written to every reader
    # The PDF wraps long lines; the title and the checklist point are whole words in it.
    assert shown[0] in pdf and shown[3] in pdf and ONLY in pdf
    assert hidden[0] not in pdf and hidden[3] not in pdf


def test_the_case_step_panel_shows_the_readers_language(personas, barnehage_guide):
    from tests.cases.helpers import undring

    _publish_double(personas, barnehage_guide)
    case = undring(personas)
    url = reverse("hv-case-steps", kwargs={"case_id": case.pk})
    nn_body = reader(personas["barnehagelaerer"], "nn").get(url).content.decode()
    en_body = reader(personas["barnehagelaerer"], "en").get(url).content.decode()
    assert NN[0] in nn_body and NN[3] in nn_body and NB[0] not in nn_body and NB[3] not in nn_body
    assert NB[0] in en_body and NB[3] in en_body and NN[0] not in en_body and NN[3] not in en_body


def test_a_guide_written_once_shows_the_same_text_to_all(personas, barnehage_guide):
    version = _publish_double(personas, barnehage_guide)
    third = version.steps.get(level=0, position=3).title  # the template's trinn, as the kommune has it
    for language in ("nn", "nb", "en"):
        body = (
            reader(personas["kontaktlaerer"], language)
            .get(reverse("hv-version", kwargs={"version_id": version.pk}))
            .content.decode()
        )
        assert ONLY in body and third in body


def test_export_and_import_keep_both_texts(personas, barnehage_guide):
    version = _publish_double(personas, barnehage_guide)
    data = services.version_export(version)
    step = data["levels"][0]["steps"][0]
    assert step["title"] == NB[0] and step["title_nn"] == NN[0] and step["checklist_nn"][0] == NN[3]
    assert step["tools"][-1] == {"title": NB[4], "title_nn": NN[4], "url": "https://eksempel.no/v"}
    nabo = personas["utenforstaaende"]
    nabo.is_staff = True
    nabo.save()
    nabo_guide = Handlingsveileder.objects.get(kommune=nabo.kommune, service__name="Skole")
    draft = services.version_import(actor=nabo, guide_id=nabo_guide.pk, raw=json.dumps(data).encode())
    imported = draft.steps.get(level=0, position=1)
    assert (imported.title, imported.title_nn, imported.summary_nn, imported.what_nn) == (NB[0], NN[0], NN[1], NN[2])
    assert imported.checklist_nn == [NN[3], "Anna punkt"]
    assert imported.tools.get(url="https://eksempel.no/v").title_nn == NN[4]
    again = services.version_export(draft)["levels"][0]["steps"][0]
    assert {k: v for k, v in again.items() if k.endswith("_nn")} == {k: v for k, v in step.items() if k.endswith("_nn")}


def test_an_old_export_without_nynorsk_still_imports(personas, barnehage_guide):
    version = _publish_double(personas, barnehage_guide)
    data = services.version_export(version)
    for level in data["levels"]:
        for step in level["steps"]:
            for key in [k for k in step if k.endswith("_nn")]:
                del step[key]
            for tool in step["tools"]:
                tool.pop("title_nn")
    nabo = personas["utenforstaaende"]
    nabo.is_staff = True
    nabo.save()
    nabo_guide = Handlingsveileder.objects.get(kommune=nabo.kommune, service__name="Skole")
    draft = services.version_import(actor=nabo, guide_id=nabo_guide.pk, raw=json.dumps(data).encode())
    imported = draft.steps.get(level=0, position=1)
    assert imported.title == NB[0] and imported.title_nn == "" and imported.checklist_nn == []


def test_a_nynorsk_checklist_must_match_the_bokmal_one(personas, barnehage_guide):
    admin = personas["fagadmin"]
    draft = services.draft_create(actor=admin, guide_id=barnehage_guide.pk)
    step = draft.steps.get(level=0, position=1)
    with pytest.raises(ValidationError) as exc:
        services.step_save(
            actor=admin, version_id=draft.pk, step_id=step.pk, title="T", checklist="a\nb", checklist_nn="berre eitt"
        )
    assert "checklist_nn" in exc.value.message_dict


def test_the_editor_has_both_fields_and_saves_the_nynorsk_text(personas, barnehage_guide, login):
    admin = personas["fagadmin"]
    draft = services.draft_create(actor=admin, guide_id=barnehage_guide.pk)
    step = draft.steps.get(level=0, position=1)
    client = login(admin)
    url = reverse("hv-step-edit", kwargs={"step_id": step.pk})
    page = client.get(url).content.decode()
    assert "Tittel – tekst på bokmål" in page and "Tittel – tekst på nynorsk (valgfri)" in page
    assert 'name="title_nn"' in page and 'name="checklist_nn"' in page and 'name="tool_title_nn"' in page
    form = {"title": "Undring NB-E1", "title_nn": "Undring NN-E1", "checklist": "a\nb", "checklist_nn": "eitt"}
    form |= {"deadline_from": "level"}
    bad = client.post(url, form)
    assert bad.status_code == 400 and "like mange punkter" in bad.content.decode()
    form["checklist_nn"] = "eitt\nto"
    assert client.post(url, form).status_code == 302
    step.refresh_from_db()
    assert (step.title, step.title_nn, step.checklist_nn) == ("Undring NB-E1", "Undring NN-E1", ["eitt", "to"])
    assert 'value="Undring NN-E1"' in client.get(url).content.decode()
