"""Forms of the administration pages: parse and show errors only. The rules live in the
services; their ``ValidationError`` lands next to the field of the same name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bti.forms import label_written_pairs
from bti.models import KommuneRoleKind, MembershipRole, ServiceCategory, ServiceKind, Unit
from bti.security.models import OidcKind, SecurityEventKind
from cases.forms import DsForm
from kommuneadmin.models import GROUP_KOMMUNE_ROLES


class AdminForm(DsForm):
    """``DsForm`` without the case version field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("version", None)


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv en gyldig dato."), "required": _("Skriv en dato.")},
    )


def unit_choices(units: list[Unit] | Any, *, blank: Any = None) -> list[tuple[str, str]]:
    choices = [(str(u.pk), f"{u.name} ({u.service.name})") for u in units]
    return [("", str(blank)), *choices] if blank is not None else choices


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=_("Søk etter navn, e-post eller enhet"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Vis"),
        required=False,
        choices=[("", _("Alle")), ("aktive", _("Aktive")), ("deaktiverte", _("Deaktiverte"))],
    )


class InviteForm(AdminForm):
    full_name = forms.CharField(
        label=_("Navn"), max_length=150, error_messages={"required": _("Skriv personens navn.")}
    )
    email = forms.CharField(
        label=_("E-post"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Skriv e-postadressen.")},
    )
    title = forms.CharField(label=_("Stilling"), max_length=100, required=False)
    send = forms.BooleanField(
        label=_("Send invitasjon på e-post nå"),
        required=False,
        initial=True,
        help_text=_("Lenken lar personen velge passord. Bruker kommunen Entra ID, trengs ingen invitasjon."),
    )


class PersonForm(AdminForm):
    full_name = forms.CharField(
        label=_("Navn"), max_length=150, error_messages={"required": _("Skriv personens navn.")}
    )
    email = forms.CharField(
        label=_("E-post"),
        max_length=254,
        widget=forms.EmailInput(),
        error_messages={"required": _("Skriv e-postadressen.")},
    )
    title = forms.CharField(label=_("Stilling"), max_length=100, required=False)


class MembershipForm(AdminForm):
    unit = forms.ChoiceField(label=_("Enhet"), error_messages={"required": _("Velg en enhet.")})
    role = forms.ChoiceField(label=_("Rolle i enheten"), choices=MembershipRole.choices)
    valid_from = _date(_("Fra og med"))
    valid_until = _date(
        _("Til og med"), required=False, help_text=_("La stå tom når tilknytningen ikke har en sluttdato.")
    )

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Velg enhet")), *units]  # type: ignore[attr-defined]


class MembershipDatesForm(AdminForm):
    valid_from = _date(_("Fra og med"))
    valid_until = _date(
        _("Til og med"), required=False, help_text=_("La stå tom når tilknytningen ikke har en sluttdato.")
    )


class KommuneRoleForm(AdminForm):
    role = forms.ChoiceField(label=_("Rolle i kommunen"), choices=[("", _("Velg rolle")), *KommuneRoleKind.choices])


class ServiceForm(AdminForm):
    name = forms.CharField(
        label=_("Navn på tjenesten"), max_length=100, error_messages={"required": _("Skriv et navn.")}
    )
    kind = forms.ChoiceField(label=_("Type tjeneste"), choices=[("", _("Velg type")), *ServiceKind.choices])
    category = forms.ChoiceField(
        label=_("Kategori"),
        required=False,
        choices=[("", _("Standard for typen")), *ServiceCategory.choices],
        help_text=_("Basistjenester møter alle barn; hjelpetjenester kommer inn ved behov."),
    )


class UnitForm(AdminForm):
    name = forms.CharField(label=_("Navn på enheten"), max_length=150, error_messages={"required": _("Skriv et navn.")})
    service = forms.ChoiceField(
        label=_("Tjeneste"), error_messages={"required": _("Velg tjenesten enheten hører til.")}
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Velg tjeneste")), *services]  # type: ignore[attr-defined]


class MergeForm(AdminForm):
    into = forms.ChoiceField(label=_("Slå sammen med"), error_messages={"required": _("Velg enheten som tar over.")})

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [("", _("Velg enhet")), *units]  # type: ignore[attr-defined]


class ImportForm(AdminForm):
    file = forms.FileField(
        label=_("CSV-fil med enheter og ansatte"),
        help_text=_("Semikolon- eller kommaseparert, UTF-8 eller Windows-1252, høyst 5 MB."),
        error_messages={"required": _("Velg en fil."), "empty": _("Filen er tom.")},
    )
    send_invitations = forms.BooleanField(
        label=_("Send invitasjon på e-post til nye personer"), required=False, initial=True
    )


class ApplyForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)


class KommuneLanguageForm(AdminForm):
    language = forms.ChoiceField(
        label=_("Administrasjonsspråk"),
        widget=forms.RadioSelect,
        help_text=_(
            "Målvedtaket: språket de ansatte ser når de ikke har valgt selv, og språket i kommunens PDF-er og e-poster."
        ),
        error_messages={"required": _("Velg et språk."), "invalid_choice": _("Velg et av språkene i listen.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from bti.models import Language

        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = Language.choices


class AgeRulesForm(AdminForm):
    inform_from = forms.IntegerField(
        label=_("Barnet informeres og sier sin mening fra (år)"), min_value=0, max_value=18
    )
    great_weight_from = forms.IntegerField(label=_("Stor vekt på barnets mening fra (år)"), min_value=0, max_value=18)
    consents_alone_from = forms.IntegerField(label=_("Ungdommen samtykker selv fra (år)"), min_value=0, max_value=18)
    health_consents_alone_from = forms.IntegerField(
        label=_("Ungdommen samtykker selv til helseopplysninger fra (år)"), min_value=0, max_value=18
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(
                {
                    "required": _("Skriv en alder i hele år."),
                    "invalid": _("Skriv en alder i hele år."),
                    "min_value": _("Alderen kan ikke være under %(limit_value)s."),
                    "max_value": _("Alderen kan ikke være over %(limit_value)s."),
                }
            )
            field.widget.attrs["inputmode"] = "numeric"


FOLLOWUP_LABELS = {
    "inactivity_days": _("Dager uten aktivitet før varsel"),
    "handover_days": _("Dager et forslag om stafettholder kan vente"),
    "leader_grace_days": _("Dager før leder varsles"),
}


class FollowUpForm(AdminForm):
    decision_deadline_days = forms.IntegerField(
        label=_("Frist for beslutning på nivå 0 (dager)"),
        help_text=_("Fra undringen registreres til det er besluttet om saken skal videre (1–120)."),
        min_value=1,
        max_value=120,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level in range(4):
            for name, label in FOLLOWUP_LABELS.items():
                self.fields[f"{name}_{level}"] = forms.IntegerField(label=label, min_value=1, max_value=365)
        for key, field in self.fields.items():
            top = 120 if key == "decision_deadline_days" else 365
            limits = _("Skriv et antall dager fra 1 til %(top)s.") % {"top": top}
            field.error_messages.update(
                {
                    "required": _("Skriv et antall dager."),
                    "invalid": _("Skriv et antall hele dager."),
                    "min_value": limits,
                    "max_value": limits,
                }
            )
            field.widget.attrs["inputmode"] = "numeric"
        self._style()

    def level_fields(self) -> list[tuple[int, list[Any]]]:
        return [(level, [self[f"{name}_{level}"] for name in FOLLOWUP_LABELS]) for level in range(4)]

    def levels(self) -> dict[int, dict[str, int | None]]:
        data = self.cleaned_data
        return {level: {name: data.get(f"{name}_{level}") for name in FOLLOWUP_LABELS} for level in range(4)}


class CategoryForm(AdminForm):
    name = forms.CharField(
        label=_("Navn på kategorien"), max_length=100, error_messages={"required": _("Skriv et navn på kategorien.")}
    )
    name_nn = forms.CharField(required=False, max_length=100)
    is_health = forms.BooleanField(
        label=_("Helseopplysninger"),
        required=False,
        help_text=_("Helserettslig myndighetsalder gjelder: fra 16 år samtykker ungdommen selv."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_written_pairs(self, ["name"])


class CategoryRenameForm(AdminForm):
    name = forms.CharField(
        label=_("Nytt navn"), max_length=100, error_messages={"required": _("Skriv et navn på kategorien.")}
    )
    name_nn = forms.CharField(required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_written_pairs(self, ["name"])


class ProviderForm(AdminForm):
    slug = forms.CharField(
        label=_("Kortnavn"),
        max_length=50,
        help_text=_("Brukes i innloggingsadressen, for eksempel entra-nabo. Kan ikke endres senere."),
    )
    name = forms.CharField(
        label=_("Navn på knappen"), max_length=100, help_text=_("For eksempel «Logg inn med Microsoft».")
    )
    kind = forms.ChoiceField(label=_("Brukere"), choices=OidcKind.choices)
    issuer = forms.CharField(label=_("Issuer (adresse)"), max_length=200)
    client_id = forms.CharField(label=_("Klient-ID"), max_length=200)
    client_secret_env = forms.CharField(
        label=_("Miljøvariabel med klienthemmeligheten"),
        max_length=100,
        help_text=_(
            "Hemmeligheten lagres aldri her. Systemadministrator setter variabelen, for eksempel OIDC_SECRET_NABO."
        ),
    )
    required_acr = forms.CharField(
        label=_("Krevd sikkerhetsnivå (acr)"),
        max_length=100,
        required=False,
        help_text=_("idporten-loa-high for ID-porten."),
    )
    scopes = forms.CharField(label=_("Scopes"), max_length=200, initial="openid profile email")
    is_active = forms.BooleanField(label=_("I bruk"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields.pop("slug")
        for field in self.fields.values():
            if field.required:
                field.error_messages["required"] = _("Fyll ut feltet.")


class GroupMappingForm(AdminForm):
    group_id = forms.CharField(
        label=_("Gruppens objekt-ID i Entra ID"),
        max_length=100,
        error_messages={"required": _("Skriv gruppens objekt-ID.")},
    )
    label = forms.CharField(label=_("Gruppens navn"), max_length=150, required=False)
    unit = forms.ChoiceField(label=_("Enhet"), required=False)
    role = forms.ChoiceField(label=_("Rolle i enheten"), required=False, choices=[("", "–"), *MembershipRole.choices])
    kommune_role = forms.ChoiceField(
        label=_("Eller rolle i kommunen"), required=False, choices=[("", "–"), *GROUP_KOMMUNE_ROLES]
    )
    creates_users = forms.BooleanField(
        label=_("Opprett brukeren ved første innlogging"),
        required=False,
        help_text=_("Medlemmer av gruppen som ikke har bruker ennå, får en når de logger inn første gang."),
    )

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "–"), *units]  # type: ignore[attr-defined]


class LogFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type hendelse"), required=False)
    q = forms.CharField(label=_("E-post eller handling"), required=False, max_length=100)

    def __init__(self, *args: Any, kinds: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Alle")), *[(k, SecurityEventKind(k).label) for k in kinds]]  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")


class SetPasswordForm(forms.Form):
    """The invitation page: choose a password (Django's validators apply)."""

    password1 = forms.CharField(
        label=_("Nytt passord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "ds-input"}),
        help_text=_("Minst 12 tegn. Ikke bruk et passord du bruker andre steder."),
        error_messages={"required": _("Skriv et passord.")},
    )
    password2 = forms.CharField(
        label=_("Gjenta passordet"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "ds-input"}),
        error_messages={"required": _("Skriv passordet en gang til.")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        from django.contrib.auth import password_validation

        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Passordene er ikke like."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
