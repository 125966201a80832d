"""Forms for log entries and the stafettholder handover (parsing only; rules live in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
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


class ProposeForm(DsForm):
    to = forms.ChoiceField(
        label=_("Ny stafettholder"),
        help_text=_("Personen må godta før rollen går over. Til da er nåværende stafettholder ansvarlig."),
        error_messages={"required": _("Velg hvem du vil foreslå.")},
    )
    message = _text(_("Melding til personen"), required=False, rows=2)

    def __init__(self, *args: Any, staff: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("Velg person")), *staff]  # type: ignore[attr-defined]

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
