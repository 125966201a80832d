"""Forms of the consent pages: they parse; the services validate and decide."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from bti.limits import BoundedForm
from bti.submit_keys import OnceForm
from consent.models import ConsentDecision, ConsentForm
from consent.services import CONDITIONS, LAWS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", attrs={"class": "ds-input"}, **kwargs)


def _input() -> dict[str, str]:
    return {"class": "ds-input"}


class FastCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes rendered in Python, grouped (``[(group, [(value, label), …]), …]``) in a
    fieldset each. A large kommune offers a thousand units as recipients; Django's
    per-option templates took ~200 ms for them, this takes a few."""

    fast = True

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        chosen = {str(v) for v in (value or [])}
        base = self.build_attrs(self.attrs, attrs)
        prefix = base.get("id", f"id_{name}")
        css = base.get("class", "")
        parts = []
        n = 0
        for group, options in self.choices:
            rows = []
            for key, label in options:
                box_id = escape(f"{prefix}_{n}")
                n += 1
                checked = " checked" if str(key) in chosen else ""
                rows.append(
                    f'<div class="ds-field choice"><input type="checkbox" name="{escape(name)}" value="{escape(str(key))}"'
                    f' class="{escape(css)}" id="{box_id}"{checked}><label class="ds-label" data-weight="regular"'
                    f' for="{box_id}">{escape(str(label))}</label></div>'
                )
            parts.append(
                '<fieldset class="ds-fieldset choice-subgroup"><legend class="ds-label" data-size="sm">'
                f"{escape(str(group))}</legend>{''.join(rows)}</fieldset>"
            )
        return mark_safe("".join(parts))  # noqa: S308  # nosec B703 B308: every value and label is escaped above


class ConsentRegisterForm(OnceForm, BoundedForm):
    decision = forms.ChoiceField(
        label=_("Avgjørelse"),
        choices=ConsentDecision.choices,
        widget=forms.RadioSelect(attrs=_input()),
        initial=ConsentDecision.GIVEN,
    )
    guardians = forms.MultipleChoiceField(
        label=_("Hvem samtykker (foresatte med foreldreansvar)"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=_input()),
        help_text=_("Bare foresatte med foreldreansvar kan samtykke for barnet."),
    )
    by_young_person = forms.BooleanField(
        label=_("Ungdommen samtykker selv"), required=False, widget=forms.CheckboxInput(attrs=_input())
    )
    units = forms.MultipleChoiceField(
        label=_("Til hvilke tjenester"),
        widget=FastCheckboxes(attrs=_input()),
        required=False,
        help_text=_("Samtykket gis til en tjeneste eller enhet, ikke til en person."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Hvilke opplysninger"), widget=forms.CheckboxSelectMultiple(attrs=_input()), required=False
    )
    purpose = forms.CharField(
        label=_("Formål: hvorfor det deles, og hva opplysningene skal brukes til"),
        widget=forms.Textarea(attrs={"class": "ds-input", "rows": 3}),
        required=False,
    )
    form = forms.ChoiceField(
        label=_("Form"), choices=ConsentForm.choices, widget=forms.RadioSelect(attrs=_input()), required=False
    )
    oral_note = forms.CharField(
        label=_("Referat av muntlig samtykke"),
        widget=forms.Textarea(attrs={"class": "ds-input", "rows": 2}),
        required=False,
    )
    document = forms.FileField(label=_("Skannet samtykkeerklæring (valgfritt)"), required=False)
    child_view = forms.CharField(
        label=_("Barnets syn"),
        widget=forms.Textarea(attrs={"class": "ds-input", "rows": 2}),
        required=False,
    )
    valid_from = forms.DateField(label=_("Gyldig fra"), widget=DateInput(), required=False)
    valid_until = forms.DateField(label=_("Gyldig til"), widget=DateInput(), required=False)
    informed = forms.BooleanField(
        label=_(
            "Den som samtykker er informert om hvorfor, hva som deles og med hvem, at samtykket er frivillig og kan trekkes tilbake"
        ),
        required=False,
        widget=forms.CheckboxInput(attrs=_input()),
    )
    renews = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        guardians: list[tuple[str, str]],
        units: list[tuple[str, list[tuple[str, str]]]],
        categories: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardians"].choices = guardians  # type: ignore[attr-defined]
        self.fields["units"].choices = units  # type: ignore[attr-defined]
        self.fields["categories"].choices = categories  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = today + timedelta(days=365)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == ConsentDecision.GIVEN and not data.get("informed"):
            self.add_error(
                "informed", _("Bekreft at den som samtykker har fått informasjonen (samtykket må være informert).")
            )
        return data


class WithdrawForm(BoundedForm):
    scope = forms.ChoiceField(label=_("Hva trekkes tilbake"), widget=forms.RadioSelect(attrs=_input()))
    withdrawn_by_name = forms.CharField(
        label=_("Hvem trakk samtykket tilbake"),
        max_length=200,
        widget=forms.TextInput(attrs=_input()),
        help_text=_("For eksempel navnet på forelderen, eller «ungdommen selv»."),
    )

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes  # type: ignore[attr-defined]


class MeldingForm(OnceForm, BoundedForm):
    law = forms.ChoiceField(label=_("Hjemmel"), choices=[("", "–"), *LAWS.items()], widget=forms.Select(attrs=_input()))
    condition = forms.ChoiceField(
        label=_("Vilkår som er oppfylt"), choices=CONDITIONS.items(), widget=forms.RadioSelect(attrs=_input())
    )
    violence_or_abuse = forms.BooleanField(
        label=_("Mistanke om vold eller seksuelle overgrep"), required=False, widget=forms.CheckboxInput(attrs=_input())
    )
    description = forms.CharField(
        label=_("Hva meldingen gjelder"), widget=forms.Textarea(attrs={"class": "ds-input", "rows": 4})
    )


class DroftingForm(BoundedForm):
    with_unit = forms.ChoiceField(label=_("Drøftes med"), widget=forms.Select(attrs=_input()))
    text = forms.CharField(
        label=_("Hva skal drøftes"),
        widget=forms.Textarea(attrs={"class": "ds-input", "rows": 5}),
        help_text=_("Navn, fødselsnummer, datoer og adresser fjernes automatisk. Bare alder i år og kjønn tas med."),
    )

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["with_unit"].choices = [("", "–"), *units]  # type: ignore[attr-defined]


class DroftingConfirmForm(BoundedForm):
    """One choice per flagged word: remove it from the summary, or keep it."""

    REMOVE, KEEP = "fjern", "behold"

    def __init__(self, *args: Any, flags: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.flags = flags
        for i, word in enumerate(flags):
            self.fields[f"ord_{i}"] = forms.ChoiceField(
                label=word,
                choices=[
                    (self.REMOVE, _("Fjern ordet")),
                    (self.KEEP, _("Behold: det er ikke et navn eller noe som identifiserer")),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": _("Velg om «%(word)s» skal fjernes eller beholdes.") % {"word": word}},
            )

    def decisions(self) -> tuple[list[str], list[str]]:
        remove = [w for i, w in enumerate(self.flags) if self.cleaned_data.get(f"ord_{i}") == self.REMOVE]
        keep = [w for i, w in enumerate(self.flags) if self.cleaned_data.get(f"ord_{i}") == self.KEEP]
        return remove, keep


class ReviewForm(BoundedForm):
    note = forms.CharField(label=_("Merknad"), max_length=300, required=False, widget=forms.TextInput(attrs=_input()))


class AccessGrantForm(BoundedForm):
    """Time-limited access for one person to one case (consent.grants)."""

    person = forms.ChoiceField(label=_("Person"), error_messages={"required": _("Velg personen som skal få tilgang.")})
    valid_from = forms.DateField(
        label=_("Fra og med"), widget=DateInput(), error_messages={"required": _("Skriv første dag tilgangen gjelder.")}
    )
    valid_until = forms.DateField(
        label=_("Til og med"),
        widget=DateInput(),
        help_text=_("Høyst 90 dager. Tilgangen slutter av seg selv etter siste dag."),
        error_messages={"required": _("Skriv siste dag tilgangen gjelder.")},
    )
    reason = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input"}),
        help_text=_("Hvorfor trenger personen saken? Begrunnelsen står i stafettloggen og vises for familien."),
        error_messages={"required": _("Skriv hvorfor personen trenger tilgang. Begrunnelsen vises for familien.")},
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        from cases.forms import FastSelect

        self.fields["person"].widget = FastSelect(attrs={"class": "ds-input"})
        self.fields["person"].choices = [("", _("Velg person")), *people]  # type: ignore[attr-defined]
        self.fields["reason"].widget.attrs.pop("cols", None)
        for name in self.fields:
            self.fields[name].widget.attrs.setdefault("class", "ds-input")
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_hjelp"
        self.initial.setdefault("valid_from", timezone.localdate())
        self.initial.setdefault("valid_until", timezone.localdate() + timedelta(days=13))

    def user_and_unit(self) -> tuple[str, str]:
        user_id, _sep, unit_id = str(self.cleaned_data.get("person") or "").partition(":")
        return user_id, unit_id


class PersonSearchForm(BoundedForm):
    """Innsyn per person: find the child by fødselsnummer or name (POST: never in a URL)."""

    query = forms.CharField(
        label=_("Fødselsnummer eller navn"),
        max_length=100,
        min_length=2,
        help_text=_("Fødselsnummer (11 siffer) eller minst to bokstaver av navnet."),
    )
