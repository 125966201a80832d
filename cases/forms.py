"""Forms of the case pages: parse and show errors only. Every rule lives in the services;
their ``ValidationError`` dicts land next to the field of the same name (``apply_errors``)."""

from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from bti.errors import ConflictError
from bti.limits import BoundedForm, birth_date_range, unborn_termin_range
from bti.submit_keys import OnceForm
from cases.models import CaseSource, Gender
from cases.services import SHARING_WITH, unborn_errors

CHOICE_WIDGETS = (forms.CheckboxSelectMultiple, forms.RadioSelect)


class FastSelect(forms.Select):
    """A single select rendered in Python. Django renders each <option> through a template,
    which costs tens of milliseconds for a kommune's few hundred staff on every case page."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None}
        # html.escape on each value and label, one join: a thousand options in about a millisecond.
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>{escape(str(label))}</option>'
            for key, label in self.choices
        )
        return mark_safe(  # noqa: S308  # nosec B703 B308: every value and label is escaped above
            format_html('<select name="{}"{}>', name, flatatt(final)) + options + "</select>"
        )


class DsForm(OnceForm, BoundedForm):
    """Designsystemet classes, and help and error texts tied to their field for screen readers."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._style()

    def _style(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            widget.attrs.setdefault("class", "ds-input")
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_hjelp"

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        names = [field] if field else []
        if field is None and isinstance(error, dict):
            names = list(error)
        for name in names:
            if name in self.fields and not isinstance(self.fields[name].widget, forms.HiddenInput):
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                ids = [i for i in attrs.get("aria-describedby", "").split() if not i.endswith("_feil")]
                attrs["aria-describedby"] = " ".join([*ids, f"{self[name].auto_id}_feil"])

    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def apply_errors(self, exc: ValidationError, *, field_map: dict[str, str] | None = None) -> None:
        """Put a service's ``ValidationError`` next to the matching field (else on top)."""
        if isinstance(exc, ConflictError):
            self.add_error(None, exc)
            return
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for key, messages in exc.message_dict.items():
            name = (field_map or {}).get(key, key)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)

    def with_version(self, version: int) -> None:
        """After a conflict: keep what the user typed, but let a resubmit go against the
        version now shown on the page."""
        if self.is_bound:
            data = self.data.copy()  # type: ignore[attr-defined]
            data["version"] = str(version)
            self.data = data


def _text(label: Any, *, help_text: Any = "", required: bool = True, message: Any = "", rows: int = 4) -> Any:
    widget = forms.Textarea(attrs={"rows": rows})
    widget.attrs.pop("cols", None)  # full width (Designsystemet sizes inputs without cols)
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=widget,
        error_messages={"required": message} if message else None,
    )


def _identity_fields() -> dict[str, forms.Field]:
    return {
        "full_name": forms.CharField(label=_("Barnets navn"), max_length=200, required=False),
        "fnr": forms.CharField(
            label=_("Fødselsnummer eller D-nummer"),
            max_length=14,
            required=False,
            help_text=_("11 sifre. La feltet stå tomt hvis du ikke har det, og oppgi fødselsdato."),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        ),
        "birth_date": forms.DateField(
            label=_("Fødselsdato"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            validators=[birth_date_range],
        ),
        "gender": forms.ChoiceField(
            label=_("Kjønn"), required=False, choices=[("", _("Ikke oppgitt")), *Gender.choices]
        ),
    }


class UndringForm(DsForm):
    ANONYMOUS = "anonym"
    IDENTIFIED = "identifisert"
    UNBORN = "ufodt"

    unit = forms.TypedChoiceField(label=_("Enhet"), coerce=int, error_messages={"required": _("Velg enhet.")})
    source = forms.ChoiceField(label=_("Hvem kommer undringen fra?"), choices=CaseSource.choices)
    observation = _text(
        _("Hva har du sett eller hørt?"),
        help_text=_(
            "Skriv det du har observert og spørsmålene det vekker – ikke konklusjoner. "
            "For eksempel: «Hun har kommet uten matpakke fire dager denne uken. Hva kan ligge bak?»"
        ),
        message=_("Beskriv hva du har sett eller hørt."),
        rows=5,
    )
    identity = forms.ChoiceField(
        label=_("Barnet"),
        choices=[
            (ANONYMOUS, _("Anonymt foreløpig")),
            (IDENTIFIED, _("Med navn og fødselsnummer")),
            (UNBORN, _("Ufødt barn (termin)")),
        ],
        initial=ANONYMOUS,
        widget=forms.RadioSelect,
    )
    anonymous_label = forms.CharField(
        label=_("Initialer eller intern referanse"),
        max_length=40,
        required=False,
        help_text=_("Barnet kan være anonymt fram til beslutningen. Skriv ikke navn her."),
    )

    # An unborn child: the termin, and the mother as the person the case concerns.
    expected_date = forms.DateField(
        label=_("Termin"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[unborn_termin_range],
        help_text=_("Datoen barnet er ventet, for eksempel 01.05.2027."),
    )
    mother_name = forms.CharField(
        label=_("Mors navn"),
        max_length=200,
        required=False,
        help_text=_("Mor er den saken gjelder til barnet er født, og den som samtykker for barnet."),
    )
    mother_phone = forms.CharField(label=_("Mors telefon"), max_length=30, required=False)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_identity_fields())
        self._style()
        self.fields["unit"].choices = units  # type: ignore[attr-defined]
        if len(units) == 1:
            self.fields["unit"].initial = units[0][0]

    def clean(self) -> dict[str, Any]:
        """All the unborn child's errors at once, with the service's own check (issue 17)."""
        data = super().clean() or {}
        if data.get("identity") == self.UNBORN:
            for name, message in unborn_errors(data.get("expected_date"), data.get("mother_name") or "").items():
                if name not in self.errors:
                    self.add_error(name, message)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "unit_id": data["unit"],
            "observation": data["observation"],
            "source": data["source"],
        }
        if data["identity"] == self.IDENTIFIED:
            if not (data.get("full_name") or "").strip():
                raise ValidationError({"full_name": _("Skriv barnets navn, eller velg «Anonymt foreløpig».")})
            kwargs |= {
                "child_name": data["full_name"],
                "fnr": data.get("fnr") or "",
                "birth_date": data.get("birth_date"),
                "gender": data.get("gender") or "",
            }
        elif data["identity"] == self.UNBORN:
            kwargs |= {
                "unborn": True,
                "expected_date": data.get("expected_date"),
                "mother_name": data.get("mother_name") or "",
                "mother_phone": data.get("mother_phone") or "",
            }
        else:
            kwargs["anonymous_label"] = data.get("anonymous_label") or ""
        return kwargs


class IdentifyForm(DsForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_identity_fields())
        self.fields["full_name"].required = True
        self.fields["full_name"].error_messages["required"] = _("Skriv barnets navn.")
        self._style()

    def identity_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data.get("full_name") or "",
            "fnr": data.get("fnr") or "",
            "birth_date": data.get("birth_date"),
            "gender": data.get("gender") or "",
        }


class SharingForm(DsForm):
    with_whom = forms.MultipleChoiceField(
        label=_("Hvem har du delt undringen med?"),
        choices=list(SHARING_WITH.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg hvem du har delt undringen med.")},
    )
    other_service = forms.CharField(
        label=_("Tjeneste ved anonym drøfting"),
        max_length=100,
        required=False,
        help_text=_("Fyll ut bare ved anonym drøfting, for eksempel PPT eller helsestasjonen."),
    )
    text = _text(_("Hva kom fram?"), message=_("Skriv kort hva som kom fram."), rows=3)


CLOSE = "avslutt"


class DecisionForm(DsForm):
    """The beslutning on nivå 0: close, or go on to nivå 1, 2 or 3 (identity needed then)."""

    decision = forms.ChoiceField(
        label=_("Beslutning"),
        choices=[
            (CLOSE, _("Avslutt: ikke grunn til å gå videre")),
            ("1", _("Gå videre til nivå 1")),
            ("2", _("Gå videre til nivå 2")),
            ("3", _("Gå videre til nivå 3")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg en beslutning.")},
    )
    reason = _text(_("Begrunnelse"), message=_("Skriv en begrunnelse."), rows=3)
    stafettholder = forms.TypedChoiceField(
        label=_("Stafettholder"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=FastSelect,
        help_text=_("Gjelder nivå 1–3. Står feltet tomt, blir du selv stafettholder."),
    )

    def __init__(self, *args: Any, staff: list[tuple[int, str]], anonymous: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stafettholder"].choices = [("", _("Meg selv")), *staff]  # type: ignore[attr-defined]
        self.anonymous = anonymous
        if anonymous:
            extra = _identity_fields()
            extra["full_name"].help_text = _("Barnet må identifiseres før saken går til nivå 1, 2 eller 3.")
            self.fields.update(extra)
            self._style()

    def identity_kwargs(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not self.anonymous or not ((data.get("full_name") or "").strip() or (data.get("fnr") or "").strip()):
            return None
        return {
            "full_name": data.get("full_name") or "",
            "fnr": data.get("fnr") or "",
            "birth_date": data.get("birth_date"),
            "gender": data.get("gender") or "",
        }


class LevelForm(DsForm):
    to_level = forms.IntegerField(
        label=_("Nytt nivå"), widget=forms.Select, error_messages={"required": _("Velg et nivå.")}
    )
    reason = _text(_("Begrunnelse"), message=_("Skriv en begrunnelse."), rows=3)

    def __init__(self, *args: Any, levels: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_level"].widget.choices = [(lvl, _("Nivå %(n)s") % {"n": lvl}) for lvl in levels]


class ReasonForm(DsForm):
    reason = _text(_("Begrunnelse"), message=_("Skriv en begrunnelse."), rows=3)


class GuardianForm(DsForm):
    full_name = forms.CharField(
        label=_("Navn"), max_length=200, error_messages={"required": _("Skriv navnet til den foresatte.")}
    )
    relation = forms.CharField(
        label=_("Relasjon til barnet"),
        max_length=50,
        help_text=_("For eksempel mor, far, verge eller fosterforelder."),
        error_messages={"required": _("Skriv relasjonen til barnet, for eksempel mor, far eller verge.")},
    )
    has_parental_responsibility = forms.BooleanField(label=_("Har foreldreansvar"), required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)
    address = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    protected_address = forms.BooleanField(
        label=_("Sperret adresse"),
        required=False,
        help_text=_("Adresse og kontaktinformasjon vises da bare for enheten som eier saken."),
    )
