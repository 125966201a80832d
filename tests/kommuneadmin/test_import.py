"""Import of units and staff from an HR/AD export (issue 16 item 2 and «Bad input»)."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bti.models import Kommune, Membership, Service, Unit, User
from kommuneadmin.models import ImportStatus, StaffImport
from tests.kommuneadmin.helpers import admin_events

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "kommuneadmin-import-eksempel.csv"


def upload(client: Client, content: str | bytes, *, name: str = "ansatte.csv", invite: bool = False) -> Any:
    raw = content.encode() if isinstance(content, str) else content
    data: dict[str, object] = {"file": SimpleUploadedFile(name, raw, content_type="text/csv")}
    if invite:
        data["send_invitations"] = "on"
    return client.post(reverse("ka-import"), data)


@pytest.fixture
def fjordvik(personas) -> Client:
    """A new kommune set up by the system operator: the kommune and its first administrator."""
    out = StringIO()
    call_command(
        "create_kommune",
        number="9903",
        name="Fjordvik kommune",
        admin_email="Mona.Fjell@Fjordvik.Kommune.no",
        admin_name="Mona Fjell",
        no_email=True,
        stdout=out,
    )
    assert "Invitasjonslenke" in out.getvalue()
    mona = User.objects.get(email="mona.fjell@fjordvik.kommune.no")
    mona.is_demo = True  # no second factor in these tests (demo mode)
    mona.save()
    client = Client()
    client.force_login(mona, backend="bti.auth_backends.EmailBackend")
    return client


def test_the_example_file_sets_up_a_new_kommune_and_is_idempotent(fjordvik, django_capture_on_commit_callbacks):
    kommune = Kommune.objects.get(number="9903")
    response = upload(fjordvik, EXAMPLE.read_bytes(), invite=True)
    staff_import = StaffImport.objects.get(kommune=kommune)
    assert response["Location"] == reverse("ka-import-preview", kwargs={"import_id": staff_import.pk})
    preview = fjordvik.get(response["Location"]).content.decode()
    assert "Nye tjenester (4)" in preview and "Nye enheter (6)" in preview
    assert "Nye personer (11)" in preview and "Nye tilknytninger (12)" in preview
    assert (
        "Rad 8: lene.haugen@fjordvik.kommune.no blir ansatt i Fjordvik skole fra 01.08.2024 til 31.07.2027" in preview
    )
    assert not Unit.objects.filter(kommune=kommune).exists()  # nothing is written by the preview
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', preview).group(1)  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        applied = fjordvik.post(reverse("ka-import-apply", kwargs={"import_id": staff_import.pk}), {"digest": digest})
    assert applied.status_code == 302
    assert Service.objects.filter(kommune=kommune).count() == 4
    assert Unit.objects.filter(kommune=kommune).count() == 6
    lene = User.objects.get(email="lene.haugen@fjordvik.kommune.no")
    assert lene.full_name == "Lene Haugen" and lene.title == "Spesialpedagog" and lene.kommune == kommune
    assert Membership.objects.filter(user=lene).count() == 2
    assert Membership.objects.get(user__email="ingrid.bakken@fjordvik.kommune.no").role == "leder"
    assert len(mail.outbox) == 11 and all("Fjordvik kommune" in m.body for m in mail.outbox)
    staff_import.refresh_from_db()
    assert staff_import.status == ImportStatus.APPLIED and staff_import.content == ""
    [event] = admin_events("import_applied")
    assert event.detail["after"]["membership"] == 12 and len(event.detail["changes"]) == 33
    assert event.kommune_id == kommune.pk

    again = upload(fjordvik, EXAMPLE.read_bytes())
    body = fjordvik.get(again["Location"]).content.decode()
    assert "Ingen endringer: kommunen er allerede slik filen sier." in body
    assert "12 rader er allerede slik filen sier" in body
    assert "Importer</button>" not in body
    twice = fjordvik.post(reverse("ka-import-apply", kwargs={"import_id": staff_import.pk}), {"digest": digest})
    assert twice.status_code == 400 and "allerede tatt i bruk" in twice.content.decode()
    assert Membership.objects.filter(kommune=kommune).count() == 12


def test_unknown_columns_are_named_and_nothing_is_read(fjordvik):
    response = upload(fjordvik, "E-post;Navn;Enhet;Lønnstrinn;Avd\nx@fjordvik.kommune.no;X;Enhet A;42;B\n")
    body = fjordvik.get(response["Location"]).content.decode()
    assert "Ukjente kolonner: «Lønnstrinn», «Avd»" in body
    assert "Kjente kolonner er E-post, Navn" in body
    assert "Importer</button>" not in body


def test_every_problem_row_is_named_and_nothing_is_half_imported(fjordvik, personas):
    call_command_ok = upload(
        fjordvik,
        "E-post;Navn;Tjeneste;Tjenestetype;Enhet;Rolle;Fra;Til\n"
        "anne@fjordvik.kommune.no;Anne Ny;Skole;skole;Ny skole;ansatt;01.08.2026;\n"
        "anne@fjordvik.kommune.no;Anne Annen;Skole;skole;Ny skole;leder;01.08.2026;\n"
        "anne@fjordvik.kommune.no;Anne Ny;Skole;skole;Ny skole;ansatt;01.08.2026;\n"
        "bo@fjordvik.kommune.no;Bo Dato;Skole;skole;Ny skole;ansatt;01.08.2026;01.07.2026\n"
        "ikke-epost;Feil Adresse;Skole;skole;Ny skole;ansatt;;\n"
        "cecilie@fjordvik.kommune.no;Cecilie Rolle;Skole;skole;Ny skole;sjef;;\n"
        "dag@fjordvik.kommune.no;Dag Tjeneste;Kulturskole;;Kulturskolen;ansatt;;\n"
        "kari.nordmann@eksempel.kommune.no;Kari Nordmann;Skole;skole;Ny skole;ansatt;;\n"
        "erik@fjordvik.kommune.no;Erik Dato;Skole;skole;Ny skole;ansatt;32.13.2026;\n"
        "frida@fjordvik.kommune.no;Frida Fin;Skole;skole;Ny skole;ansatt;;\n",
    )
    staff_import = StaffImport.objects.get(kommune__number="9903")
    body = fjordvik.get(call_command_ok["Location"]).content.decode()
    expected = [
        ("3", "Samme e-post som rad 2, men med et annet navn"),
        ("4", "Samme person, enhet og rolle som rad 2."),
        ("5", "Tilknytningen slutter (01.07.2026) før den begynner (01.08.2026)."),
        ("6", "«ikke-epost» er ikke en gyldig e-postadresse."),
        ("7", "Ukjent rolle «sjef»."),
        ("8", "Tjenesten «Kulturskole» finnes ikke: oppgi tjenestetypen"),
        ("9", "E-postadressen er i bruk utenfor kommunen og kan ikke brukes her."),
        ("10", "«32.13.2026» er ikke en dato"),
    ]
    for row, message in expected:
        assert re.search(rf"<tr><td>{row}</td><td>[^<]*</td><td>{re.escape(message)}", body), (row, message)
    assert "8 problemer må rettes" in body
    assert "Importer</button>" not in body
    refused = fjordvik.post(reverse("ka-import-apply", kwargs={"import_id": staff_import.pk}), {"digest": "x"})
    assert refused.status_code == 400 and "Filen har rader med feil" in refused.content.decode()
    assert not Unit.objects.filter(kommune__number="9903").exists()
    assert not User.objects.filter(email__in=["anne@fjordvik.kommune.no", "frida@fjordvik.kommune.no"]).exists()
    assert "Lia barnehage" not in body  # nothing about the other kommune's person


def test_a_unit_that_no_longer_exists_is_a_problem_row(admin, personas):
    solsikken = Unit.objects.get(name="Solsikken barnehage")
    solsikken.is_active = False
    solsikken.save()
    response = upload(admin, "E-post;Navn;Enhet\nny.person@eksempel.kommune.no;Ny Person;Solsikken barnehage\n")
    body = admin.get(response["Location"]).content.decode()
    assert "Enheten «Solsikken barnehage» er stengt. Bruk enheten som har tatt over." in body


def test_it_refuses_to_apply_when_the_kommune_changed_after_the_preview(admin, personas):
    response = upload(admin, "E-post;Navn;Enhet;Rolle\nny.person@eksempel.kommune.no;Ny Person;Lia barnehage;ansatt\n")
    preview = admin.get(response["Location"]).content.decode()
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', preview).group(1)  # type: ignore[union-attr]
    User.objects.create_user("ny.person@eksempel.kommune.no", full_name="Ny Person", kommune=personas["styrer"].kommune)
    staff_import = StaffImport.objects.get(file_name="ansatte.csv")
    refused = admin.post(reverse("ka-import-apply", kwargs={"import_id": staff_import.pk}), {"digest": digest})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Noe er endret siden forhåndsvisningen" in text
    assert "Nye tilknytninger (1)" in text and "Nye personer (" not in text  # the new preview
    assert not Membership.objects.filter(user__email="ny.person@eksempel.kommune.no").exists()


def test_it_reads_windows_1252_with_commas_and_ad_column_names(admin, personas):
    content = (
        "mail,givenName,sn,title,department,Role\noystein.as@eksempel.kommune.no,Øystein,Ås,Lærer,Nordby skole,leder\n"
    )
    response = upload(admin, content.encode("cp1252"))
    body = admin.get(response["Location"]).content.decode()
    assert "Ny person Øystein Ås &lt;oystein.as@eksempel.kommune.no&gt;" in body
    assert "oystein.as@eksempel.kommune.no blir leder i Nordby skole" in body


def test_dates_of_an_existing_membership_are_updated_and_nothing_else(admin, personas):
    upload(
        admin,
        "E-post;Navn;Stilling;Enhet;Rolle;Fra;Til\nola.hansen@eksempel.kommune.no;Ola Hansen;Kontaktlærer;Solberg skole;ansatt;;31.07.2030\n",
    )
    staff_import = StaffImport.objects.get(file_name="ansatte.csv")
    preview = admin.get(reverse("ka-import-preview", kwargs={"import_id": staff_import.pk})).content.decode()
    assert "Endrede datoer på tilknytninger (1)" in preview and "Nye tilknytninger (" not in preview
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', preview).group(1)  # type: ignore[union-attr]
    admin.post(reverse("ka-import-apply", kwargs={"import_id": staff_import.pk}), {"digest": digest})
    membership = Membership.objects.get(user=personas["kontaktlaerer"], unit__name="Solberg skole")
    assert str(membership.valid_until) == "2030-07-31"


def test_a_spreadsheet_or_an_empty_file_gets_a_message(admin):
    excel = upload(admin, b"PK\x03\x04\x00\x00binary", name="ansatte.xlsx")
    assert excel.status_code == 400
    assert "Lagre som CSV" in excel.content.decode()
    empty = upload(admin, "E-post;Navn;Enhet\n")
    body = admin.get(empty["Location"]).content.decode()
    assert "Filen har ingen rader under overskriften." in body


def test_the_example_file_can_be_downloaded(admin):
    response = admin.get(reverse("ka-import-example"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content == EXAMPLE.read_bytes()


def test_the_import_benchmark_runs_and_leaves_nothing_behind(personas):
    out = StringIO()
    call_command("bench_import", rows=30, stdout=out)
    assert "preview_new" in out.getvalue() and "apply" in out.getvalue()
    assert not Kommune.objects.filter(number="9990").exists()
