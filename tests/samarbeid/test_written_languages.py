"""Issue 18 item 4 for the tiltak catalogue and the kommune's categories: a bokmål text and an
optional nynorsk text; the nynorsk reader sees the nynorsk one, everybody else the bokmål one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from consent.models import InformationCategory
from samarbeid import services
from tests.cases.helpers import undring

pytestmark = pytest.mark.django_db


def reader(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user, backend="bti.auth_backends.EmailBackend")
    return client


def test_the_catalogue_shows_the_readers_language_on_the_page_and_in_the_api(personas):
    services.catalogue_item_save(
        actor=personas["fagadmin"],
        name="Foreldrekurs NBNAVN-K1",
        description="Kurs NBBESK-K2",
        name_nn="Foreldrekurs NNNAMN-K1",
        description_nn="Kurs NNSKILD-K2",
    )
    services.catalogue_item_save(actor=personas["fagadmin"], name="Ressursteam EIN-K3", description="Berre eitt")
    for language, shown, hidden in [("nn", "NN", "NB"), ("nb", "NB", "NN"), ("en", "NB", "NN")]:
        client = reader(personas["barnehagelaerer"], language)
        page = client.get(reverse("catalogue")).content.decode()
        api = client.get(reverse("api-catalogue")).json()
        item = next(i for i in api if i["name"].startswith("Foreldrekurs"))
        assert f"{shown}NAVN-K1" in page.replace("NNNAMN", "NNNAVN") and "EIN-K3" in page
        assert f"{hidden}NAVN-K1" not in page.replace("NNNAMN", "NNNAVN")
        assert (shown == "NN") == ("NNSKILD-K2" in page) and (shown == "NB") == ("NBBESK-K2" in page)
        # As stored in name/name_nn; in the reader's language in display_*.
        assert item["name"] == "Foreldrekurs NBNAVN-K1" and item["name_nn"] == "Foreldrekurs NNNAMN-K1"
        assert item["display_name"] == ("Foreldrekurs NNNAMN-K1" if shown == "NN" else "Foreldrekurs NBNAVN-K1")


def test_the_catalogue_form_has_both_fields_and_saves_them(personas, login):
    client = login(personas["fagadmin"])
    page = client.get(reverse("catalogue-new")).content.decode()
    assert "Navn – tekst på bokmål" in page and "Beskrivelse – tekst på nynorsk (valgfri)" in page
    response = client.post(
        reverse("catalogue-new"),
        {
            "name": "Tiltak NB-F1",
            "name_nn": "Tiltak NN-F1",
            "kind": "tiltak",
            "description": "Om NB-F2",
            "description_nn": "Om NN-F2",
            "level": "alle",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    from samarbeid.models import CatalogueItem

    item = CatalogueItem.objects.get(name="Tiltak NB-F1")
    assert (item.name_nn, item.description_nn) == ("Tiltak NN-F1", "Om NN-F2")
    edit = client.get(reverse("catalogue-edit", kwargs={"item_id": item.pk})).content.decode()
    assert 'value="Tiltak NN-F1"' in edit and "Om NN-F2" in edit


def test_a_category_name_in_nynorsk_is_shown_to_nynorsk_readers(personas):
    admin = Client()
    admin.force_login(personas["kommuneadmin"], backend="bti.auth_backends.EmailBackend")
    form = admin.get(reverse("ka-category", kwargs={"code": "plan_tiltak"})).content.decode()
    assert "tekst på nynorsk (valgfri)" in form
    response = admin.post(
        reverse("ka-category", kwargs={"code": "plan_tiltak"}),
        {"name": "Plan NBKAT-C1", "name_nn": "Plan NNKAT-C1"},
    )
    assert response.status_code == 302
    row = InformationCategory.objects.get(kommune_id=personas["kommuneadmin"].kommune_id, code="plan_tiltak")
    assert row.name_nn == "Plan NNKAT-C1"
    assert "NNKAT-C1" in admin.get(reverse("ka-categories")).content.decode()
    case = undring(personas)
    url = reverse("samtykke", kwargs={"case_id": case.pk}) + "?registrer=1"
    nn_page = reader(personas["barnehagelaerer"], "nn").get(url).content.decode()
    en_page = reader(personas["barnehagelaerer"], "en").get(url).content.decode()
    assert "NNKAT-C1" in nn_page and "NBKAT-C1" not in nn_page
    assert "NBKAT-C1" in en_page and "NNKAT-C1" not in en_page
    created = admin.post(reverse("ka-categories"), {"name": "Fravær NB-C2", "name_nn": "Fråvær NN-C2"})
    assert created.status_code == 302
    assert InformationCategory.objects.get(name="Fravær NB-C2").name_nn == "Fråvær NN-C2"
