from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from arkiv.models import Disposal
from kommuneadmin.forms import AdminForm


class RetentionForm(AdminForm):
    """The bounds of the law are checked by ``arkiv.services.validate`` (per service)."""

    service = forms.ChoiceField(label=_("Gjelder"), required=False)
    case_years = forms.IntegerField(
        label=_("Saken beholdes (år etter at den er avsluttet)"),
        help_text=_("Deretter avleveres den til arkivet eller slettes, etter valget under."),
    )
    disposal = forms.ChoiceField(label=_("Når tiden er ute"), choices=Disposal.choices)
    innsynslogg_years = forms.IntegerField(label=_("Innsynsloggen beholdes (år)"))
    security_log_years = forms.IntegerField(label=_("Sikkerhetsloggen beholdes (år)"))

    def __init__(self, *args: Any, services: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        assert isinstance(service, forms.ChoiceField)
        service.choices = [("", _("Hele kommunen (standard)"))] + [(str(s.pk), s.name) for s in services]
        for name in ("case_years", "innsynslogg_years", "security_log_years"):
            field = self.fields[name]
            field.error_messages.update(
                {"required": _("Skriv et antall hele år."), "invalid": _("Skriv et antall hele år.")}
            )
            field.widget.attrs["inputmode"] = "numeric"
        self.fields["disposal"].error_messages.update(
            {"required": _("Velg bevares eller kasseres."), "invalid_choice": _("Velg bevares eller kasseres.")}
        )
        self.fields["service"].error_messages["invalid_choice"] = _("Tjenesten finnes ikke i kommunen.")
