"""Thin forms: they parse; the services validate and explain (bad input next to the field)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bti.forms import label_written_pairs
from bti.limits import BoundedForm
from handlingsveileder.actions import ACTIONS
from handlingsveileder.models import DeadlineFrom


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ``{field: message}`` errors next to the form's fields."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class StepForm(BoundedForm):
    title = forms.CharField(label=_("Tittel"), max_length=400)
    summary = forms.CharField(label=_("Kort beskrivelse"), required=False, max_length=2000)
    what = forms.CharField(label=_("Hva"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    how = forms.CharField(label=_("Hvordan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    who = forms.CharField(label=_("Hvem"), required=False, max_length=1000)
    checklist = forms.CharField(
        label=_("Sjekkliste"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ett punkt per linje."),
    )
    title_nn = forms.CharField(required=False, max_length=400)
    summary_nn = forms.CharField(required=False, max_length=2000)
    what_nn = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    how_nn = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    who_nn = forms.CharField(required=False, max_length=1000)
    checklist_nn = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Like mange punkter som på bokmål, i samme rekkefølge."),
    )
    deadline_days = forms.CharField(
        label=_("Frist (antall dager)"),
        required=False,
        max_length=10,
        help_text=_("La feltet stå tomt hvis trinnet ikke har frist."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    deadline_from = forms.ChoiceField(
        label=_("Fristen regnes"), choices=DeadlineFrom.choices, initial=DeadlineFrom.LEVEL
    )
    completed_by_actions = forms.MultipleChoiceField(
        label=_("Trinnet er fullført når"),
        required=False,
        choices=list(ACTIONS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Trinnet hukes av når en av handlingene er gjort i saken. Uten handling hukes det av for hånd."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        label_written_pairs(self, ["title", "summary", "what", "how", "who", "checklist"])
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")


class ToolForm(BoundedForm):
    tool_title = forms.CharField(label=_("Navn på verktøyet"), max_length=400)
    tool_title_nn = forms.CharField(required=False, max_length=400)
    url = forms.CharField(label=_("Lenke"), required=False, max_length=2000, help_text=_("Må begynne med https://."))
    file = forms.FileField(
        label=_("Eller last opp en fil"), required=False, help_text=_("PDF, Word, bilde eller tekst.")
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        label_written_pairs(self, ["tool_title"])
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")


class PublishForm(BoundedForm):
    note = forms.CharField(
        label=_("Endringsnotat"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input"}),
        help_text=_("Hva er nytt i denne versjonen?"),
    )


class ImportForm(BoundedForm):
    file = forms.FileField(
        label=_("Eksportfil (JSON)"),
        widget=forms.ClearableFileInput(attrs={"class": "ds-input", "accept": ".json,application/json"}),
    )


class SkipForm(BoundedForm):
    reason = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea(attrs={"rows": 2, "class": "ds-input"}))


class LevelLabelsForm(BoundedForm):
    level_0 = forms.CharField(label=_("Nivå 0"), max_length=200)
    level_1 = forms.CharField(label=_("Nivå 1"), max_length=200)
    level_2 = forms.CharField(label=_("Nivå 2"), max_length=200)
    level_3 = forms.CharField(label=_("Nivå 3"), max_length=200)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")
