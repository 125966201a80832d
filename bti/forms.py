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


def label_written_pairs(form: forms.BaseForm, names: list[str]) -> None:
    """Label the kommune's texts that can be written twice (ADR 0030, issue 18 item 4):
    ``name`` is «… – tekst på bokmål», ``name_nn`` right after it «… – tekst på nynorsk
    (valgfri)». Both keep the form's own field label first, so errors still name the field."""
    from django.utils.translation import gettext

    order = list(form.fields)
    for name in names:
        nb, nn = form.fields[name], form.fields[f"{name}_nn"]
        base = nb.label
        nb.label = gettext("%(field)s – tekst på bokmål") % {"field": base}
        nn.label = gettext("%(field)s – tekst på nynorsk (valgfri)") % {"field": base}
        if name == names[0] and not nb.help_text:  # said once, at the first pair
            nb.help_text = gettext("Står det bare én tekst, vises den til alle slik den er skrevet.")
            nb.widget.attrs.setdefault("aria-describedby", f"{str(form.auto_id) % form.add_prefix(name)}_hjelp")
        order.remove(f"{name}_nn")
        order.insert(order.index(name) + 1, f"{name}_nn")
    form.order_fields(order)
