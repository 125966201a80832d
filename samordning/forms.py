"""Forms of the samordning pages: they parse; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DsForm, FastSelect
from consent.models import ConsentForm


class _Form(DsForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("version", None)


def _date(label: Any, *, message: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": message, "invalid": _("Skriv en gyldig dato.")},
    )


def _text(label: Any, *, required: bool = True, message: Any = "", help_text: Any = "") -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3})
    widget.attrs.pop("cols", None)
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages={"required": message} if message else None,
    )


class CoordinationForm(_Form):
    service = forms.ChoiceField(
        label=_("Tjenesten som koordinerer"), error_messages={"required": _("Velg tjenesten som koordinerer.")}
    )
    unit = forms.ChoiceField(label=_("Enhet (valgfritt)"), required=False)
    child_view = _text(_("Barnets syn"), message=_("Skriv barnets syn, eller hvorfor det ikke er hentet inn."))
    parents_view = _text(
        _("Foreldrenes syn"), message=_("Skriv foreldrenes syn, eller hvorfor det ikke er hentet inn.")
    )
    decided_by = forms.CharField(
        label=_("Hvem besluttet"),
        max_length=200,
        help_text=_("For eksempel «samarbeidsmøtet» eller lederne for tjenestene."),
        error_messages={"required": _("Skriv hvem som besluttet, for eksempel samarbeidsmøtet.")},
    )
    decided_on = _date(_("Besluttet dato"), message=_("Skriv når det ble besluttet."))
    disagree = forms.BooleanField(
        label=_("Tjenestene var uenige om hvem som skal koordinere"),
        required=False,
        help_text=_("Da bestemmer kommunen. Skriv hva de var uenige om, og kommunens beslutning."),
    )
    disagreement = _text(_("Hva tjenestene var uenige om"), required=False)
    kommune_decision = _text(_("Kommunens beslutning"), required=False)
    kommune_decided_by = forms.CharField(label=_("Hvem i kommunen besluttet"), max_length=200, required=False)

    def __init__(
        self, *args: Any, services: list[tuple[str, str]], units: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Velg tjeneste")), *services]  # type: ignore[attr-defined]
        self.fields["unit"].choices = [("", "–"), *units]  # type: ignore[attr-defined]
        self.initial.setdefault("decided_on", timezone.localdate())


class BarnekoordinatorForm(_Form):
    person = forms.ChoiceField(label=_("Barnekoordinator"), error_messages={"required": _("Velg barnekoordinatoren.")})
    guardians = forms.MultipleChoiceField(
        label=_("Foresatte som samtykket"), required=False, widget=forms.CheckboxSelectMultiple
    )
    by_young_person = forms.BooleanField(label=_("Ungdommen samtykket selv"), required=False)
    consent_form = forms.ChoiceField(
        label=_("Hvordan samtykket ble gitt"), choices=[("", _("Velg")), *ConsentForm.choices]
    )
    consent_note = _text(
        _("Referat av samtykket"),
        required=False,
        help_text=_("Påkrevd for et muntlig samtykke: hva som ble sagt, og av hvem."),
    )
    consented_on = _date(_("Samtykket dato"), message=_("Skriv når samtykket ble gitt."))
    started_on = _date(_("Barnekoordinator fra"), message=_("Skriv når rollen begynner."))

    def __init__(
        self, *args: Any, people: list[tuple[str, str]], guardians: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].widget = FastSelect(attrs={"class": "ds-input"})
        self.fields["person"].choices = [("", _("Velg person")), *people]  # type: ignore[attr-defined]
        self.fields["guardians"].choices = guardians  # type: ignore[attr-defined]
        self.fields["consent_form"].error_messages["required"] = _("Velg hvordan samtykket ble gitt.")
        today = timezone.localdate()
        self.initial.setdefault("consented_on", today)
        self.initial.setdefault("started_on", today)

    def user_and_unit(self) -> tuple[str, str]:
        user_id, _sep, unit_id = str(self.cleaned_data.get("person") or "").partition(":")
        return user_id, unit_id


class EndForm(_Form):
    reason = _text(_("Hvorfor avsluttes rollen"), message=_("Skriv hvorfor rollen avsluttes."))
