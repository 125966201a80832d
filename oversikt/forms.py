from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.limits import BoundedForm
from bti.policy import AggregateScope
from cases.forms import FastSelect
from oversikt import selectors
from oversikt.models import EmailMode

MAX_PERIOD_DAYS = 5 * 366


class OverviewFilterForm(BoundedForm):
    """The leader overview's filters. Only the leader's own units and services can be
    chosen; anything else gets the same message, so nothing about other units leaks."""

    fra = forms.DateField(label=_("Fra dato"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    til = forms.DateField(label=_("Til dato"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tjeneste = forms.TypedChoiceField(label=_("Tjeneste"), required=False, coerce=int, empty_value=None)
    # A large kommune has a thousand units: rendered in Python, not one template per option.
    enhet = forms.TypedChoiceField(label=_("Enhet"), required=False, coerce=int, empty_value=None, widget=FastSelect)
    niva = forms.TypedChoiceField(
        label=_("Nivå"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Alle nivåer")), *[(str(n), _("Nivå %(n)s") % {"n": n}) for n in range(4)]],
    )

    def __init__(self, *args: Any, scope: AggregateScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["tjeneste"].choices = [("", _("Alle tjenester"))] + [  # type: ignore[attr-defined]
            (str(s.pk), s.name) for s in selectors.scope_services(scope)
        ]
        self.fields["enhet"].choices = [("", _("Alle enheter"))] + [  # type: ignore[attr-defined]
            (str(pk), name) for pk, name in selectors.scope_units(scope).values_list("pk", "name")
        ]
        self.fields["tjeneste"].error_messages["invalid_choice"] = _("Velg en tjeneste fra listen.")
        self.fields["enhet"].error_messages["invalid_choice"] = _("Velg en enhet fra listen.")
        self.fields["niva"].error_messages["invalid_choice"] = _("Velg et nivå fra listen.")
        for name in ("fra", "til"):
            self.fields[name].error_messages["invalid"] = _("Skriv en gyldig dato, for eksempel 2026-01-31.")
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "ds-input")
            if isinstance(field, forms.ChoiceField):
                field.widget.attrs["class"] = "ds-input"
            field.widget.attrs.setdefault("id", f"id_{name}")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        start: date | None = data.get("fra")
        end: date | None = data.get("til")
        if "fra" in self.errors or "til" in self.errors:
            return data
        end = end or today
        start = start or (end - timedelta(days=365))
        if end < start:
            self.add_error(
                "til", _("Til-datoen er før fra-datoen. Velg en til-dato etter %(start)s.") % {"start": start}
            )
        elif (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("fra", _("Perioden kan være høyst fem år. Velg en kortere periode."))
        data["fra"], data["til"] = start, end
        return data

    def filters(self) -> selectors.Filters:
        d = self.cleaned_data
        return selectors.Filters(
            start=d["fra"], end=d["til"], service_id=d.get("tjeneste"), unit_id=d.get("enhet"), level=d.get("niva")
        )


class PreferenceForm(BoundedForm):
    email_mode = forms.ChoiceField(
        label=_("E-post om varsler"),
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvordan du vil få e-post om varsler."),
            "invalid_choice": _("Velg et av valgene."),
        },
    )
