"""Who the family is (issue 14 items 1 and 8): the test ID-porten, foreldreansvar, the
young person's age, protected address; staff change legal status with a logged reason."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from familie.identity import FamilyReader, family_cases
from familie.models import LegalStatusChange
from stafettlogg.models import Entry
from tests.familie.helpers import families, family_client, staff_client
from tests.sealed import rows_with

pytestmark = pytest.mark.django_db

REASON = "Grunnmarkør-F1: tingrettens dom om foreldreansvar"


def test_the_test_idporten_lists_the_demo_people_in_demo_mode(personas, settings):
    settings.DEMO_MODE = True
    families(personas)
    body = Client().get(reverse("familie-demo-login")).content.decode()
    assert "Test-ID-porten" in body
    assert "Marte Nilsen, mor til Theo (7), har foreldreansvar" in body
    assert "Emma Lund (16)" in body


def test_the_test_idporten_is_not_there_outside_demo_mode(personas, settings):
    fam = families(personas)
    settings.DEMO_MODE = False
    client = Client()
    assert client.get(reverse("familie-demo-login")).status_code == 404
    assert client.post(reverse("familie-demo-login"), {"member": fam.members["marte"].pk}).status_code == 404
    assert "citizen" not in client.session


def test_a_demo_person_is_refused_once_demo_mode_is_off(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    client = family_client(fam, "marte")
    settings.DEMO_MODE = False
    body = client.get(reverse("familie-home")).content.decode()
    assert "Testbrukere kan bare logge inn i demoversjonen." in body
    assert "Theo Nilsen" not in body
    assert client.get(reverse("familie-case", args=[fam.theo.pk])).status_code == 404


def test_a_real_login_never_matches_a_demo_row(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    reader = FamilyReader(pid_index=fam.members["marte"].pid_index, demo=False)
    assert family_cases(reader) == []


def test_the_mother_with_foreldreansvar_sees_her_childs_case(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    body = family_client(fam, "marte").get(reverse("familie-home")).content.decode()
    assert "Theo Nilsen" in body
    assert "Emma Lund" not in body


def test_the_father_without_foreldreansvar_is_refused_with_a_clear_message(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    client = family_client(fam, "jonas")
    response = client.get(reverse("familie-home"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Du er registrert uten foreldreansvar for barnet." in body
    assert "Theo Nilsen" not in body
    assert client.get(reverse("familie-case", args=[fam.theo.pk])).status_code == 404


def test_a_pid_that_matches_no_guardian_gets_a_plain_message(personas, settings):
    settings.DEMO_MODE = True
    families(personas)
    client = Client()
    session = client.session
    session["citizen"] = {"pid_index": "0" * 64, "demo": False}
    session.save()
    body = client.get(reverse("familie-home")).content.decode()
    assert "Vi fant ingen sak der du er registrert." in body


def test_another_familys_case_is_404(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    client = family_client(fam, "marte")
    assert client.get(reverse("familie-case", args=[fam.emma.pk])).status_code == 404
    assert client.get(reverse("familie-case", args=[999999])).status_code == 404


def test_the_16_year_old_reads_her_own_case(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    body = family_client(fam, "emma").get(reverse("familie-home")).content.decode()
    assert "Emma Lund" in body


def test_a_younger_child_does_not_read_alone(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    from cases.models import Child

    assert fam.theo.child is not None
    Child.objects.filter(pk=fam.emma.child_id or 0).update(birth_date=fam.theo.child.birth_date)
    body = family_client(fam, "emma").get(reverse("familie-home")).content.decode()
    assert "Du kan se saken din selv fra du er 16 år." in body
    assert "Emma Lund</a>" not in body


def test_staff_change_foreldreansvar_with_a_logged_reason_and_it_takes_effect(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    marte = family_client(fam, "marte")
    assert marte.get(reverse("familie-case", args=[fam.theo.pk])).status_code == 200
    staff = staff_client(personas["kontaktlaerer"])
    response = staff.post(
        reverse("familie-status", args=[fam.theo.pk]),
        {
            "guardian": fam.guardians["marte"].pk,
            "has_responsibility": "0",
            "basis": "rettsavgjorelse",
            "reason": REASON,
        },
    )
    assert response.status_code == 302
    change = LegalStatusChange.objects.get(guardian=fam.guardians["marte"])
    assert change.reason == REASON and change.had_responsibility and not change.has_responsibility
    assert rows_with(Entry.objects.filter(case=fam.theo), "text", contains=REASON)
    assert marte.get(reverse("familie-case", args=[fam.theo.pk])).status_code == 404
    panel = staff.get(reverse("familie-panel", args=[fam.theo.pk])).content.decode()
    assert REASON in panel


def test_a_status_change_without_a_reason_keeps_the_input_and_says_why(personas, settings):
    fam = families(personas)
    staff = staff_client(personas["kontaktlaerer"])
    response = staff.post(
        reverse("familie-status", args=[fam.theo.pk]),
        {"guardian": fam.guardians["jonas"].pk, "has_responsibility": "1", "basis": "avtale", "reason": ""},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Rett opp dette før du lagrer:" in body and "Skriv en begrunnelse." in body
    assert not LegalStatusChange.objects.exists()


def test_the_same_status_again_is_refused(personas, settings):
    fam = families(personas)
    staff = staff_client(personas["kontaktlaerer"])
    response = staff.post(
        reverse("familie-status", args=[fam.theo.pk]),
        {
            "guardian": fam.guardians["jonas"].pk,
            "has_responsibility": "0",
            "basis": "avtale",
            "reason": "Grunnmarkør-F2",
        },
    )
    assert response.status_code == 400
    assert "Den foresatte har allerede denne statusen." in response.content.decode()


def test_a_protected_address_keeps_that_guardian_out(personas, settings):
    settings.DEMO_MODE = True
    fam = families(personas)
    staff = staff_client(personas["helsesykepleier"])
    response = staff.post(
        reverse("familie-address", args=[fam.emma.pk]),
        {"protected_from": fam.guardians["anders"].pk, "reason": "Sperremarkør-F3: kode 6"},
    )
    assert response.status_code == 302
    assert family_client(fam, "anders").get(reverse("familie-case", args=[fam.emma.pk])).status_code == 404
    assert family_client(fam, "kristin").get(reverse("familie-case", args=[fam.emma.pk])).status_code == 200
    # The log says the address is protected, never from whom or why.
    entry = Entry.objects.filter(case=fam.emma).latest("seq")
    assert entry.text == "Barnets adresse er sperret."
    assert "Anders" not in entry.text and "Sperremarkør-F3" not in entry.text


def test_another_units_staff_cannot_change_the_family(personas, settings):
    fam = families(personas)
    staff = staff_client(personas["barnehagelaerer"])
    response = staff.post(
        reverse("familie-status", args=[fam.theo.pk]),
        {"guardian": fam.guardians["jonas"].pk, "has_responsibility": "1", "basis": "avtale", "reason": "X"},
    )
    assert response.status_code == 404
    assert not LegalStatusChange.objects.exists()
