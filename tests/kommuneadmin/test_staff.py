"""The kommune's people: invite, edit, deactivate, memberships and kommune roles (issue 16 item 1)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bti import policy
from bti.models import KommuneRole, Membership, Unit, User
from bti.security.models import UserSession
from cases.models import Case
from tests.cases.helpers import undring
from tests.kommuneadmin.helpers import admin_events

pytestmark = pytest.mark.django_db


def test_it_invites_a_person_who_chooses_a_password_and_logs_in(admin, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("ka-staff-new"),
            {
                "full_name": "Ida Inviteresen",
                "email": "  Ida.Inviteresen@Eksempel.Kommune.NO ",
                "title": "Lærer",
                "send": "on",
            },
        )
    user = User.objects.get(full_name="Ida Inviteresen")
    assert response.status_code == 302 and response["Location"] == reverse("ka-person", kwargs={"user_id": user.pk})
    assert user.email == "ida.inviteresen@eksempel.kommune.no"  # bti.identity.normalise_email
    assert user.kommune_id == personas["kommuneadmin"].kommune_id
    assert not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["ida.inviteresen@eksempel.kommune.no"]
    assert "Eksempel kommune" in message.body
    path = re.search(r"https?://[^/]+(/invitasjon/\S+/)", str(message.body)).group(1)  # type: ignore[union-attr]
    [event] = admin_events("user_invited")
    assert event.user_id == personas["kommuneadmin"].pk
    assert event.detail["after"]["email"] == "ida.inviteresen@eksempel.kommune.no"

    page = Client().get(path)
    assert page.status_code == 200 and "Velkommen, Ida Inviteresen" in page.content.decode()
    short = Client().post(path, {"password1": "kort", "password2": "kort"})
    assert short.status_code == 400
    assert "Rett opp dette før du lagrer" in short.content.decode()
    done = Client().post(path, {"password1": "Fjordvik-passord-2026", "password2": "Fjordvik-passord-2026"})
    assert done.status_code == 302 and done["Location"] == reverse("login")
    user.refresh_from_db()
    assert user.check_password("Fjordvik-passord-2026")
    again = Client().get(path)
    assert again.status_code == 400 and "Lenken virker ikke" in again.content.decode()
    assert admin_events("invitation_accepted")


def test_it_refuses_a_duplicate_and_another_kommunes_email_next_to_the_field(admin, personas):
    taken = admin.post(
        reverse("ka-staff-new"), {"full_name": "Kari Igjen", "email": "KARI.NORDMANN@eksempel.kommune.no"}
    )
    body = taken.content.decode()
    assert taken.status_code == 400
    assert "Kari Nordmann har allerede denne e-postadressen" in body
    assert 'aria-invalid="true"' in body and "Rett opp dette" in body
    assert 'value="Kari Igjen"' in body  # what was typed stays
    outside = admin.post(reverse("ka-staff-new"), {"full_name": "Jon Fjell", "email": "jon.fjell@nabo.kommune.no"})
    assert outside.status_code == 400
    assert "i bruk utenfor kommunen" in outside.content.decode()
    assert "Fjell skole" not in outside.content.decode()
    bad = admin.post(reverse("ka-staff-new"), {"full_name": "Ugyldig", "email": "ikke-en-adresse"})
    assert bad.status_code == 400 and "er ikke en gyldig e-postadresse" in bad.content.decode()
    assert not User.objects.filter(full_name__in=["Kari Igjen", "Ugyldig"]).exists()
    assert not mail.outbox


def test_a_new_membership_opens_the_units_cases_on_the_next_request(admin, personas, login):
    case = undring(personas)
    newcomer = User.objects.create_user(
        "vikar.vik@eksempel.kommune.no", full_name="Vikar Vik", kommune=personas["styrer"].kommune, is_demo=True
    )
    assert not policy.cases_visible_to(newcomer).filter(pk=case.pk).exists()
    lia = Unit.objects.get(name="Lia barnehage")
    today = timezone.localdate()
    response = admin.post(
        reverse("ka-membership-new", kwargs={"user_id": newcomer.pk}),
        {"unit": lia.pk, "role": "ansatt", "valid_from": today.isoformat(), "valid_until": ""},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, unit=lia)
    worker = login(newcomer)
    assert worker.get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).status_code == 200
    [event] = admin_events("membership_added")
    assert event.detail["after"] == {
        "user": newcomer.pk,
        "unit": lia.pk,
        "unit_name": "Lia barnehage",
        "role": "ansatt",
        "valid_from": today.isoformat(),
        "valid_until": None,
    }

    admin.post(reverse("ka-membership-end", kwargs={"membership_id": membership.pk}))
    assert not Membership.objects.filter(pk=membership.pk).exists()  # began today: removed, never took effect
    assert worker.get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).status_code in (302, 404)
    [removed] = admin_events("membership_removed")
    assert removed.detail["before"]["unit_name"] == "Lia barnehage" and removed.detail["after"] is None


def test_ending_an_older_membership_keeps_it_as_history_and_logs_out_a_person_left_without_one(admin, personas, login):
    kari = personas["barnehagelaerer"]
    membership = Membership.objects.get(user=kari, unit__name="Lia barnehage")
    membership.valid_from = timezone.localdate() - timedelta(days=300)
    membership.save()
    client = login(kari)
    assert UserSession.objects.filter(user=kari, ended_at__isnull=True).exists()
    response = admin.post(reverse("ka-membership-end", kwargs={"membership_id": membership.pk}))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.valid_until == timezone.localdate() - timedelta(days=1)
    assert not UserSession.objects.filter(user=kari, ended_at__isnull=True).exists()
    assert client.get(reverse("cases:my_cases")).status_code == 302  # logged out
    [event] = admin_events("membership_ended")
    assert event.detail["before"]["valid_until"] is None
    assert event.detail["after"]["valid_until"] == membership.valid_until.isoformat()


def test_a_membership_ending_before_it_starts_is_refused_with_the_dates_kept(admin, personas):
    ola = personas["kontaktlaerer"]
    response = admin.post(
        reverse("ka-membership-new", kwargs={"user_id": ola.pk}),
        {
            "unit": Unit.objects.get(name="Nordby skole").pk,
            "role": "ansatt",
            "valid_from": "2026-08-01",
            "valid_until": "2026-07-01",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Sluttdatoen kan ikke være før startdatoen" in body
    assert 'value="2026-08-01"' in body and 'value="2026-07-01"' in body
    assert not Membership.objects.filter(user=ola, unit__name="Nordby skole").exists()
    assert not admin_events("membership_added")


# Within the plausible range (bti.limits: at most ten years ahead).
UNTIL = f"{date.today().year + 2}-07-31"


def test_it_edits_membership_dates_with_before_and_after(admin, personas):
    membership = Membership.objects.get(user=personas["kontaktlaerer"], unit__name="Solberg skole")
    before = membership.valid_from
    response = admin.post(
        reverse("ka-membership", kwargs={"membership_id": membership.pk}),
        {"valid_from": before.isoformat(), "valid_until": UNTIL},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    [event] = admin_events("membership_updated")
    assert event.detail["before"]["valid_until"] is None and event.detail["after"]["valid_until"] == UNTIL


def test_a_fagadministrator_membership_gives_and_takes_the_guide_edit_right(admin, personas):
    from handlingsveileder.models import Handlingsveileder
    from handlingsveileder.rules import may_edit

    hanne = personas["helsesykepleier"]
    guide = Handlingsveileder.objects.get(kommune=hanne.kommune, service__name="Helsestasjon og skolehelsetjeneste")
    assert not may_edit(hanne, guide)
    admin.post(
        reverse("ka-membership-new", kwargs={"user_id": hanne.pk}),
        {"unit": Unit.objects.get(name="Helsestasjonen").pk, "role": "fagadministrator", "valid_from": "2020-01-01"},
    )
    hanne = User.objects.get(pk=hanne.pk)  # a fresh permission cache
    assert may_edit(hanne, guide)
    membership = Membership.objects.get(user=hanne, role="fagadministrator")
    admin.post(reverse("ka-membership-end", kwargs={"membership_id": membership.pk}))
    assert not may_edit(User.objects.get(pk=hanne.pk), guide)


def test_deactivating_ends_every_session_and_the_login(admin, personas, login):
    ola = personas["kontaktlaerer"]
    client = login(ola)
    response = admin.post(reverse("ka-person-status", kwargs={"user_id": ola.pk}), {"active": "0"})
    assert response.status_code == 302
    ola.refresh_from_db()
    assert not ola.is_active
    assert client.get(reverse("home")).status_code == 302
    assert Client().post(reverse("login"), {"username": ola.email, "password": "test-passord-123"}).status_code == 200
    [event] = admin_events("user_deactivated")
    assert event.detail["before"]["is_active"] is True and event.detail["after"]["is_active"] is False
    admin.post(reverse("ka-person-status", kwargs={"user_id": ola.pk}), {"active": "1"})
    ola.refresh_from_db()
    assert ola.is_active


def test_an_administrator_cannot_deactivate_themself_or_remove_the_last_administrator(admin, personas):
    mari = personas["kommuneadmin"]
    response = admin.post(reverse("ka-person-status", kwargs={"user_id": mari.pk}), {"active": "0"}, follow=True)
    assert "Du kan ikke deaktivere deg selv" in response.content.decode()
    role = KommuneRole.objects.get(user=mari, role="administrator")
    response = admin.post(reverse("ka-role-remove", kwargs={"role_id": role.pk}), follow=True)
    assert "minst én aktiv kommuneadministrator" in response.content.decode()
    assert KommuneRole.objects.filter(pk=role.pk).exists()
    # With a second administrator, the first may step down.
    admin.post(reverse("ka-role-add", kwargs={"user_id": personas["styrer"].pk}), {"role": "administrator"})
    response = admin.post(reverse("ka-role-remove", kwargs={"role_id": role.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not KommuneRole.objects.filter(pk=role.pk).exists()
    # Left without any role or membership, she is logged out everywhere (bti.security.sessions).
    assert admin.get(reverse("ka-home"))["Location"].startswith(reverse("login"))
    assert policy.administered_kommune_id(mari) is None


def test_roles_are_given_and_taken_with_security_events(admin, personas):
    lise = personas["styrer"]
    response = admin.post(reverse("ka-role-add", kwargs={"user_id": lise.pk}), {"role": "bti_koordinator"})
    assert response.status_code == 302
    role = KommuneRole.objects.get(user=lise, role="bti_koordinator")
    again = admin.post(reverse("ka-role-add", kwargs={"user_id": lise.pk}), {"role": "bti_koordinator"})
    assert again.status_code == 400 and "har allerede rollen BTI-koordinator" in again.content.decode()
    admin.post(reverse("ka-role-remove", kwargs={"role_id": role.pk}))
    assert [e.detail["action"] for e in admin_events()] == ["kommune_role_added", "kommune_role_removed"]
    assert admin_events()[1].detail["before"] == {"user": lise.pk, "role": "bti_koordinator"}


def test_the_staff_list_searches_and_serves_an_htmx_partial(admin, personas):
    full = admin.get(reverse("ka-staff"), {"q": "Solberg"})
    body = full.content.decode()
    assert full.status_code == 200 and "<h1" in body
    assert "Eva Solberg" in body and "Ola Hansen" in body  # name, and unit name
    assert "Kari Nordmann" not in body
    assert "Sigrid Admin" not in admin.get(reverse("ka-staff")).content.decode()  # never the system operator
    partial = admin.get(reverse("ka-staff"), {"q": "Kari"}, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<h1" not in text and 'id="ansattliste"' in text and "Kari Nordmann" in text
    assert "Jon Fjell" not in admin.get(reverse("ka-staff"), {"q": "Jon"}).content.decode()


def test_editing_a_person_keeps_the_email_normalised_and_unique(admin, personas):
    ola = personas["kontaktlaerer"]
    taken = admin.post(
        reverse("ka-person", kwargs={"user_id": ola.pk}),
        {"full_name": "Ola Hansen", "email": "Eva.Solberg@eksempel.kommune.no", "title": "Lærer"},
    )
    assert taken.status_code == 400 and "E-postadressen er allerede i bruk" in taken.content.decode()
    ok = admin.post(
        reverse("ka-person", kwargs={"user_id": ola.pk}),
        {"full_name": "Ola Hansen", "email": "OLA.Hansen@eksempel.kommune.no ", "title": "Kontaktlærer 5B"},
    )
    assert ok.status_code == 302
    ola.refresh_from_db()
    assert ola.title == "Kontaktlærer 5B" and ola.email == "ola.hansen@eksempel.kommune.no"
    [event] = admin_events("user_updated")
    assert event.detail["before"]["title"] == "Kontaktlærer" and event.detail["after"]["title"] == "Kontaktlærer 5B"


def test_cases_stay_closed_to_the_administrator(admin, personas):
    case = undring(personas)
    assert admin.get(reverse("cases:case_detail", kwargs={"case_id": case.pk})).status_code == 404
    assert not policy.cases_visible_to(personas["kommuneadmin"]).exists()
    assert Case.objects.filter(pk=case.pk).exists()
