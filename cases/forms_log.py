"""Forms for log entries and the stafettholder handover (parsing only; rules live in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases.forms import DsForm, _text
from stafettlogg.models import EntryKind

NOTE_CHOICES = [
    (EntryKind.NOTAT.value, EntryKind.NOTAT.label),
    (EntryKind.SAMTALE_BARN.value, EntryKind.SAMTALE_BARN.label),
    (EntryKind.SAMTALE_FORESATTE.value, EntryKind.SAMTALE_FORESATTE.label),
    (EntryKind.KONKRETISERING.value, EntryKind.KONKRETISERING.label),
]


class NoteForm(DsForm):
    kind = forms.ChoiceField(label=_("Type"), choices=NOTE_CHOICES, initial=EntryKind.NOTAT.value)
    text = _text(_("Tekst"), message=_("Skriv hva som skal loggføres."), rows=4)
    category = forms.ChoiceField(
        label=_("Opplysningskategori"),
        required=False,
        help_text=_(
            "Velg «Helseopplysninger» for opplysninger om helse: da leser bare de med samtykke til "
            "helseopplysninger det, i tillegg til saken egen enhet."
        ),
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Som typen tilsier (Stafettlogg)")), *(categories or [])]  # type: ignore[attr-defined]


class KonkretiseringForm(DsForm):
    """Konkretisering on nivå 0: a note of the kind «konkretisering» (kind fixed)."""

    kind = forms.CharField(widget=forms.HiddenInput, initial=EntryKind.KONKRETISERING.value)
    text = _text(
        _("Observasjoner"),
        help_text=_("Skriv ned det du har sett og hørt, med dato og situasjon, som spørsmål – ikke konklusjoner."),
        message=_("Skriv hva som skal loggføres."),
        rows=5,
    )


class CorrectForm(DsForm):
    text = _text(_("Korrigert tekst"), message=_("Skriv den korrigerte teksten."), rows=4)
    reason = _text(_("Hvorfor korrigeres loggføringen?"), message=_("Skriv hvorfor loggføringen korrigeres."), rows=2)


class PersonChoice(forms.ChoiceField):
    """A «user:unit» pair. Which pairs are allowed is the service's rule (an active
    case worker of the kommune); the choices shown are only the latest search hits.
    ``cases/includes/field_any.html`` wraps them in ``group_class`` (the htmx target) and
    shows ``empty_text``/``more_text`` under them."""

    group_class = "staff-hits"
    empty_text: Any = ""
    more_text: Any = ""

    def valid_value(self, value: Any) -> bool:
        user_id, sep, unit_id = str(value).partition(":")
        return bool(sep) and user_id.isdigit() and unit_id.isdigit()


class StaffSearchInput(forms.TextInput):
    """The search field of the handover form with its own «Søk» button. Without JavaScript
    the button reloads the form page with the hits (GET); with htmx, typing or the button
    replaces only the list of hits."""

    input_type = "search"

    def __init__(self, *, page_url: str = "", hits_url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.page_url = page_url
        self.hits_url = hits_url

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        live = {
            "hx-get": self.hits_url,
            "hx-trigger": "input changed delay:300ms, search",
            # innerHTML: the hits partial is the list without its wrapper, so the wrapper (the
            # target) stays for the next keystroke (outerHTML removed it: one search per page).
            "hx-target": "next .staff-hits",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            "autocomplete": "off",
        }
        field = super().render(name, value, {**(attrs or {}), **live}, renderer)
        button = format_html(
            '<button type="submit" class="ds-button" data-variant="secondary" formmethod="get" formaction="{}"'
            ' formnovalidate hx-get="{}" hx-include="previous [name={}]" hx-target="next .staff-hits"'
            ' hx-swap="innerHTML">{}</button>',
            self.page_url,
            self.hits_url,
            name,
            _("Søk"),
        )
        return format_html('<div class="search-row">{}{}</div>', field, button)


class ProposeForm(DsForm):
    q = forms.CharField(
        label=_("Finn personen"),
        required=False,
        max_length=100,
        help_text=_("Skriv minst to bokstaver av navnet eller enheten, og velg personen i listen under."),
    )
    to = PersonChoice(
        label=_("Ny stafettholder"),
        widget=forms.RadioSelect,
        help_text=_("Personen må godta før rollen går over. Til da er nåværende stafettholder ansvarlig."),
        error_messages={"required": _("Velg hvem du vil foreslå.")},
    )
    message = _text(_("Melding til personen"), required=False, rows=2)

    def __init__(
        self,
        *args: Any,
        staff: list[tuple[str, str]],
        searched: bool = False,
        more: int = 0,
        page_url: str = "",
        hits_url: str = "",
        **kwargs: Any,
    ) -> None:
        """``staff``: the hits of the search (``searched``: whether there was one);
        ``more``: how many are shown when there were more hits than that."""
        super().__init__(*args, **kwargs)
        to = self.fields["to"]
        assert isinstance(to, PersonChoice)
        to.choices = staff
        if not searched:
            to.empty_text = _("Søk for å se hvem du kan velge.")
        elif not staff:
            to.empty_text = _("Ingen ansatte i kommunen passer med søket.")
        if more:
            to.more_text = _("Viser de %(n)s første treffene. Skriv mer av navnet for å finne personen.") % {"n": more}
        # Keep what DsForm put on the field (class, aria-describedby) on the search widget.
        self.fields["q"].widget = StaffSearchInput(
            page_url=page_url, hits_url=hits_url, attrs=dict(self.fields["q"].widget.attrs)
        )

    def target(self) -> tuple[int, int]:
        user_id, _sep, unit_id = self.cleaned_data["to"].partition(":")
        try:
            return int(user_id), int(unit_id)
        except ValueError:
            raise ValidationError({"to": _("Velg en aktiv ansatt i kommunen.")}) from None


class DeclineForm(DsForm):
    reason = _text(
        _("Hvorfor takker du nei?"),
        message=_("Skriv hvorfor du takker nei, så den som foreslo deg kan finne en annen."),
        rows=2,
    )
