"""Forms of the survey pages: the round (period, invited units) and the answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bti.limits import BoundedForm
from bti.models import Service, Unit
from undersokelse import questions
from undersokelse.services import invited_unit_ids


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ``{field: message}`` errors next to the form's fields."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        target = name if name in form.fields else field_name(name) if field_name(name) in form.fields else None
        form.add_error(target, errors)


def field_name(question_key: str) -> str:
    return "q_" + question_key.replace(".", "__")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class RoundForm(BoundedForm):
    title = forms.CharField(
        label=_("Navn på runden"), max_length=150, help_text=_("For eksempel «Før innføring 2027».")
    )
    opens_on = forms.DateField(
        label=_("Åpner"), widget=DateInput(), error_messages={"invalid": _("Skriv en gyldig dato (dd.mm.åååå).")}
    )
    closes_on = forms.DateField(
        label=_("Stenger"), widget=DateInput(), error_messages={"invalid": _("Skriv en gyldig dato (dd.mm.åååå).")}
    )
    services = forms.TypedMultipleChoiceField(
        label=_("Inviter hele tjenester"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Alle enheter i tjenesten blir invitert."),
    )
    units = forms.TypedMultipleChoiceField(
        label=_("Eller velg enkeltenheter"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, kommune_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kommune_id = kommune_id
        self.fields["services"].choices = [  # type: ignore[attr-defined]
            (s.pk, s.name) for s in Service.objects.filter(kommune_id=kommune_id).order_by("name")
        ]
        self.fields["units"].choices = [  # type: ignore[attr-defined]
            (u.pk, f"{u.name} ({u.service.name})")
            for u in Unit.objects.filter(kommune_id=kommune_id, is_active=True)
            .select_related("service")
            .order_by("name")
        ]
        for name in self.fields:
            self.fields[name].widget.attrs.setdefault("class", "ds-input")
        for name in ("services", "units"):
            self.fields[name].widget.attrs["class"] = "ds-input"

    def unit_ids(self) -> list[int]:
        return invited_unit_ids(
            kommune_id=self.kommune_id,
            unit_ids=list(self.cleaned_data.get("units") or []),
            service_ids=list(self.cleaned_data.get("services") or []),
        )


class AnswerForm(BoundedForm):
    """All questions of the set; scores as radio buttons, «vet ikke» included."""

    unit = forms.TypedChoiceField(label=_("Jeg svarer for"), coerce=int, required=False, widget=forms.RadioSelect)
    confirmed = forms.BooleanField(
        label=_("Jeg har lest merknaden og vil sende svaret slik det står (fødselsnumre fjernes)."), required=False
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
        if len(units) < 2:
            del self.fields["unit"]
        for theme in questions.THEMES:
            for q in theme.questions:
                if q.kind == questions.TEXT:
                    self.fields[field_name(q.key)] = forms.CharField(
                        label=q.text,
                        required=False,
                        max_length=2000,
                        widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input", "data-survey-text": "1"}),
                        help_text=_("Ikke skriv navn eller andre opplysninger som kan vise hvem du eller andre er."),
                    )
                else:
                    self.fields[field_name(q.key)] = forms.TypedChoiceField(
                        label=q.text,
                        required=False,
                        coerce=int,
                        choices=[*questions.SCALES[q.kind], questions.DONT_KNOW],
                        widget=forms.RadioSelect(attrs={"class": "ds-input"}),
                    )

    def themes(self) -> list[dict[str, Any]]:
        return [{"theme": t, "fields": [self[field_name(q.key)] for q in t.questions]} for t in questions.THEMES]

    def scores(self) -> dict[str, Any]:
        return {q: self.data.get(field_name(q)) for q in questions.SCORED_KEYS}

    def texts(self) -> dict[str, Any]:
        return {q: self.data.get(field_name(q)) for q in questions.TEXT_KEYS}
