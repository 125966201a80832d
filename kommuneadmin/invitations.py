"""Invitations by e-mail: a one-time link to choose a password.

The token is Django's password-reset token with its own salt: it is tied to the user's
password hash and last login, so it stops working once used (a password set, or a login),
and after ``PASSWORD_RESET_TIMEOUT`` (three days by default). The e-mail names the
kommune and the link, nothing else.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from bti.models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "kommuneadmin.invitations.InvitationTokenGenerator"


tokens = InvitationTokenGenerator()


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("invitation-accept", kwargs={"uidb64": uid, "token": tokens.make_token(user)})


def invitation_link(user: User) -> str:
    return settings.SITE_URL.rstrip("/") + invitation_path(user)


def user_for_token(uidb64: str, token: str) -> User | None:
    """The invited user if the link is valid (active, of a kommune, not an operator)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True, is_staff=False, kommune__isnull=False).first()
    if user is None or not tokens.check_token(user, token):
        return None
    return user


def send_invitation(user: User) -> None:
    from bti.languages import in_language_of

    with in_language_of(user):  # the kommune's administrative language until they choose one
        _send_invitation(user)


def _send_invitation(user: User) -> None:
    kommune: Any = user.kommune
    send_mail(
        subject=_("Invitasjon til BTI-samhandling"),
        message=_(
            "Du er invitert til BTI-samhandling i %(kommune)s.\n\n"
            "Velg et passord her (lenken virker i tre dager og bare én gang):\n%(link)s\n\n"
            "Første gang du logger inn, setter du opp tofaktor med en autentiseringsapp."
        )
        % {"kommune": kommune.name if kommune else "", "link": invitation_link(user)},
        from_email=None,
        recipient_list=[user.email],
    )
