"""The system operator's part of setting up a kommune: the kommune and its first
administrator. Everything else the kommune does itself on /kommune/ (issue 16).

    manage.py create_kommune --number 9903 --name "Fjordvik kommune" \\
        --admin-email mona.fjell@fjordvik.kommune.no --admin-name "Mona Fjell"

Idempotent: run again, it changes nothing and prints the invitation link again while the
administrator has not chosen a password yet.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from bti.identity import normalise_email
from bti.models import Kommune, KommuneRole, KommuneRoleKind, User
from bti.security import audit
from bti.security.models import SecurityEventKind
from kommuneadmin import invitations
from kommuneadmin.services.staff import email_taken


class Command(BaseCommand):
    help = "Oppretter en kommune og dens første kommuneadministrator (systemadministratorens del av oppsettet)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--number", required=True, help="Kommunenummeret (fire sifre).")
        parser.add_argument("--name", required=True, help="Kommunens navn, for eksempel «Fjordvik kommune».")
        parser.add_argument("--admin-email", required=True, help="E-postadressen til den første administratoren.")
        parser.add_argument("--admin-name", required=True, help="Navnet til den første administratoren.")
        parser.add_argument(
            "--no-email", action="store_true", help="Send ikke invitasjonen på e-post (bare skriv lenken)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        number = str(options["number"]).strip()
        if not (len(number) == 4 and number.isdigit()):
            raise CommandError("Kommunenummeret har fire sifre.")
        address = normalise_email(options["admin_email"])
        try:
            validate_email(address)
        except ValidationError:
            raise CommandError(f"Ugyldig e-postadresse: {options['admin_email']}") from None
        with transaction.atomic():
            kommune, created = Kommune.objects.get_or_create(number=number, defaults={"name": options["name"].strip()})
            user = email_taken(address)
            if user is not None and user.kommune_id != kommune.pk:
                raise CommandError("E-postadressen er i bruk i en annen kommune.")
            if user is None:
                user = User(email=address, full_name=options["admin_name"].strip(), kommune=kommune)
                user.set_unusable_password()
                user.save()
            _role, role_created = KommuneRole.objects.get_or_create(
                kommune=kommune, user=user, role=KommuneRoleKind.ADMINISTRATOR
            )
            if created or role_created:
                audit.record(
                    SecurityEventKind.ADMIN_CHANGE,
                    user=user,
                    detail={
                        "action": "kommune_created" if created else "administrator_added",
                        "object": "kommune",
                        "id": kommune.pk,
                        "before": None,
                        "after": {"name": kommune.name, "number": kommune.number, "administrator": user.pk},
                        "by": "system operator (manage.py create_kommune)",
                    },
                )
        self.stdout.write(self.style.SUCCESS(f"{kommune} – administrator {user.full_name} <{user.email}>"))
        if user.has_usable_password() or user.last_login is not None:
            self.stdout.write("Administratoren har allerede valgt passord.")
            return
        if not options["no_email"]:
            invitations.send_invitation(user)
            self.stdout.write(f"Invitasjon sendt til {user.email}.")
        self.stdout.write(f"Invitasjonslenke (virker i tre dager, én gang): {invitations.invitation_link(user)}")
