from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from bti.identity import normalise_email


class NormalisedEmailField(forms.EmailField):
    """An e-mail address in its one stored form (``bti.identity.normalise_email``): a
    full-width, padded or upper-case spelling is the same person, and validates as one."""

    def to_python(self, value: Any) -> str:
        return normalise_email(super().to_python(value))


class LoginForm(AuthenticationForm):
    username = NormalisedEmailField(
        label=_("E-post"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "class": "ds-input"}),
    )
    password = forms.CharField(
        label=_("Passord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "ds-input"}),
    )

    error_messages = {
        "invalid_login": _("Feil e-post eller passord. Sjekk at du har skrevet riktig, og prøv igjen."),
        "inactive": _("Kontoen er deaktivert. Kontakt systemadministrator i kommunen."),
    }
