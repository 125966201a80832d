from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bti.limits import BoundedForm


class CodeForm(BoundedForm):
    code = forms.CharField(
        label=_("Engangskode"),
        help_text=_("Sekssifret kode fra autentiseringsappen, eller en av gjenopprettingskodene dine."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"class": "ds-input", "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


class PasswordConfirmForm(BoundedForm):
    password = forms.CharField(
        label=_("Passord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "ds-input", "autocomplete": "current-password"}),
    )
