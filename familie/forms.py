"""Forms of the family portal and of the staff's family panel: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DsForm
from familie.models import HoldReason, LegalStatusBasis


class _Form(DsForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("version", None)


def _textarea(label: Any, *, required: bool = True, max_length: int = 2000) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3})
    widget.attrs.pop("cols", None)
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=widget,
        error_messages={"required": _("Skriv en begrunnelse.")},
    )


class GuardianStatusForm(_Form):
    guardian = forms.ChoiceField(label=_("Foresatt"), error_messages={"required": _("Velg en foresatt.")})
    has_responsibility = forms.ChoiceField(
        label=_("Foreldreansvar"),
        choices=[("1", _("Har foreldreansvar")), ("0", _("Har ikke foreldreansvar"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg om den foresatte har foreldreansvar.")},
    )
    basis = forms.ChoiceField(
        label=_("Grunnlag"), choices=LegalStatusBasis.choices, error_messages={"required": _("Velg grunnlaget.")}
    )
    reason = _textarea(_("Begrunnelse"))

    def __init__(self, *args: Any, guardians: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].choices = guardians  # type: ignore[attr-defined]


class AddressProtectForm(_Form):
    protected_from = forms.ChoiceField(label=_("Sperret for"), required=False)
    reason = _textarea(_("Begrunnelse"))

    def __init__(self, *args: Any, guardians: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["protected_from"].choices = [("", _("Ingen bestemt foresatt")), *guardians]  # type: ignore[attr-defined]


class HoldForm(_Form):
    entry = forms.ChoiceField(label=_("Oppføring"), error_messages={"required": _("Velg en oppføring.")})
    reason = forms.ChoiceField(
        label=_("Hvorfor familien ikke skal se den"),
        choices=HoldReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvorfor familien ikke skal se oppføringen.")},
    )
    note = _textarea(_("Merknad"), required=False)

    def __init__(self, *args: Any, entries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = entries  # type: ignore[attr-defined]


class MemberForm(_Form):
    guardian = forms.ChoiceField(label=_("Hvem"), required=False)
    pid = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        max_length=11,
        error_messages={"required": _("Skriv et fødselsnummer eller D-nummer med 11 siffer.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, guardians: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].choices = [("", _("Barnet selv")), *guardians]  # type: ignore[attr-defined]


class DemoLoginForm(_Form):
    member = forms.ChoiceField(
        label=_("Velg en testperson"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvem du vil logge inn som.")},
    )

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = members  # type: ignore[attr-defined]


class ConsentForm(_Form):
    decision = forms.ChoiceField(
        label=_("Hva svarer du?"),
        choices=[("given", _("Ja, jeg samtykker")), ("refused", _("Nei, jeg samtykker ikke"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg ja eller nei.")},
    )
    unit = forms.ChoiceField(label=_("Hvem skal få opplysningene"), error_messages={"required": _("Velg en tjeneste.")})
    categories = forms.MultipleChoiceField(
        label=_("Hvilke opplysninger"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg hvilke opplysninger svaret gjelder.")},
    )
    purpose = forms.CharField(
        label=_("Hva skal opplysningene brukes til"),
        max_length=500,
        error_messages={"required": _("Skriv hva opplysningene skal brukes til.")},
    )
    valid_until = forms.DateField(
        label=_("Samtykket gjelder til"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv en gyldig dato.")},
    )
    child_view = _textarea(_("Hva sier barnet?"), required=False, max_length=2000)

    def __init__(
        self, *args: Any, units: list[tuple[str, str]], categories: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Velg tjeneste")), *units]  # type: ignore[attr-defined]
        self.fields["categories"].choices = categories  # type: ignore[attr-defined]


class QuestionForm(_Form):
    question = _textarea(_("Hva vil du spørre om?"), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].error_messages["required"] = _("Skriv spørsmålet ditt.")


class AnswerForm(_Form):
    answer = _textarea(_("Svar"), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].error_messages["required"] = _("Skriv svaret.")


class ConcernForm(_Form):
    child = forms.ChoiceField(
        label=_("Hvilket barn gjelder det"), error_messages={"required": _("Velg barnet det gjelder.")}
    )
    unit = forms.ChoiceField(
        label=_("Hvem vil du kontakte"),
        error_messages={"required": _("Velg barnehagen, skolen eller tjenesten du vil kontakte.")},
    )
    observation = _textarea(_("Hva lurer du på, eller hva er du bekymret for?"), max_length=5000)

    def __init__(
        self, *args: Any, children: list[tuple[str, str]], units: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = children  # type: ignore[attr-defined]
        self.fields["unit"].choices = [("", _("Velg")), *units]  # type: ignore[attr-defined]
        self.fields["observation"].error_messages["required"] = _("Skriv hva du lurer på eller er bekymret for.")


class MessageForm(_Form):
    """A message in the case's thread. The text box has no ``maxlength``: a text that is too
    long stays in the box with the error next to it, nothing is cut off or lost."""

    text = _textarea(_("Melding"), max_length=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs["rows"] = 5
        field.error_messages["required"] = _("Skriv meldingen.")
        field.error_messages["max_length"] = _(
            "Meldingen er på %(show_value)s tegn. Den kan ha høyst %(limit_value)s tegn. Korte den ned og send igjen."
        )


class StaffMessageForm(MessageForm):
    member = forms.ChoiceField(label=_("Til"), error_messages={"required": _("Velg hvem i familien du skriver til.")})

    field_order = ["member", "text"]

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = members  # type: ignore[attr-defined]
        self.order_fields(self.field_order)


class ReadGrantForm(_Form):
    member = forms.ChoiceField(label=_("Barnet"), error_messages={"required": _("Velg barnet.")})
    granted = forms.ChoiceField(
        label=_("Lesetilgang"),
        choices=[("1", _("Gi lesetilgang")), ("0", _("Ta bort lesetilgangen"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg om barnet skal ha lesetilgang.")},
    )
    reason = _textarea(_("Begrunnelse"))

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = members  # type: ignore[attr-defined]


class RenewForm(_Form):
    valid_until = forms.DateField(
        label=_("Nytt samtykke gjelder til"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Skriv når samtykket skal gjelde til."), "invalid": _("Skriv en gyldig dato.")},
    )
