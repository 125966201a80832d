from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
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
