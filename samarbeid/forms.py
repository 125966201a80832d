"""Thin HTML forms: parse input; the services validate and say what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.forms import label_written_pairs
from bti.languages import written
from bti.limits import LONG_TEXT, BoundedForm
from bti.submit_keys import OnceForm
from samarbeid.models import (
    CatalogueKind,
    CatalogueLevel,
    ClosingReason,
    EvaluationDecision,
    MeasureStatus,
    PdfKind,
    TransitionKind,
)


class DsForm(BoundedForm):
    """Designsystemet classes on every widget, and service errors placed next to their field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "ds-input")
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"id_{self.add_prefix(name)}_hjelp")

    def _set_choices(self, name: str, choices: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def apply(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                target = field if field in self.fields else None
                for message in errors:
                    self.add_error(target, message)
        else:
            for message in exc.messages:
                self.add_error(None, message)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field and field in self.fields:
            self.fields[field].widget.attrs["aria-invalid"] = "true"


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class GoalForm(OnceForm, DsForm):
    text = forms.CharField(label=_("Mål"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    agreed_with = forms.CharField(
        label=_("Utarbeidet sammen med"),
        required=False,
        help_text=_("Hvem i familien målet er skrevet sammen med, for eksempel «mor, far og Emma»."),
    )


class MeasureForm(OnceForm, DsForm):
    goal = forms.TypedChoiceField(label=_("Mål"), coerce=int, required=False, empty_value=None)
    catalogue_item = forms.TypedChoiceField(
        label=_("Fra tiltaksoversikten (valgfritt)"), coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label=_("Beskrivelse av tiltaket"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Kan stå tom når du velger et tiltak fra tiltaksoversikten."),
    )
    responsible_unit = forms.TypedChoiceField(label=_("Ansvarlig enhet"), coerce=int, required=False, empty_value=None)
    responsible_user = forms.TypedChoiceField(label=_("Ansvarlig person"), coerce=int, required=False, empty_value=None)
    responsible_other = forms.CharField(
        label=_("Eller annen ansvarlig"), required=False, help_text=_("For eksempel «foreldrene» for tiltak hjemme.")
    )
    start_date = forms.DateField(label=_("Startdato"), widget=DATE, required=False)
    evaluation_date = forms.DateField(label=_("Evalueringsdato"), widget=DATE, required=False)

    def __init__(
        self, *args: Any, goals: list[Any], units: Any, people: list[Any], catalogue: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("goal", [("", _("Velg mål"))] + [(g.pk, g.text[:80]) for g in goals])
        if len(goals) == 1:  # the only goal is the obvious choice (issue 17, item 5)
            self.fields["goal"].initial = goals[0].pk
        self._set_choices(
            "catalogue_item", [("", _("Ikke fra tiltaksoversikten"))] + [(c.pk, written(c, "name")) for c in catalogue]
        )
        self._set_choices("responsible_unit", [("", _("Velg enhet"))] + [(u.pk, u.name) for u in units])
        # The unit of each person as the list shows it: a chosen person brings their unit.
        self.unit_of: dict[int, int] = {}
        choices: list[tuple[Any, Any]] = [("", _("Velg person"))]
        for m in people:
            if m.user_id not in self.unit_of:
                self.unit_of[m.user_id] = m.unit_id
                choices.append((m.user_id, f"{m.user.full_name} ({m.unit.name})"))
        self._set_choices("responsible_user", choices)

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "goal_id": d.get("goal"),
            "catalogue_item_id": d.get("catalogue_item"),
            "description": d.get("description") or "",
            "responsible_unit_id": d.get("responsible_unit") or self.unit_of.get(d.get("responsible_user") or 0),
            "responsible_user_id": d.get("responsible_user"),
            "responsible_other": d.get("responsible_other") or "",
            "start_date": d.get("start_date"),
            "evaluation_date": d.get("evaluation_date"),
        }


class MeasureStatusForm(DsForm):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EvaluationForm(OnceForm, DsForm):
    what_happened = forms.CharField(label=_("Hva har skjedd"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    child_view = forms.CharField(
        label=_("Barnets stemme"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Hva barnet selv sier om tiltaket, med barnets egne ord der det går."),
    )
    parents_view = forms.CharField(label=_("Foreldrenes syn"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    decision = forms.ChoiceField(
        label=_("Beslutning"), choices=[("", _("Velg beslutning")), *EvaluationDecision.choices], required=False
    )
    adjustment = forms.CharField(
        label=_("Justering (når tiltaket justeres)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    next_evaluation_date = forms.DateField(
        label=_("Neste evalueringsdato (når tiltaket fortsetter eller justeres)"), widget=DATE, required=False
    )


class MeetingForm(OnceForm, DsForm):
    starts_at = forms.DateTimeField(
        label=_("Tidspunkt"), widget=DATETIME, required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(label=_("Sted"), required=False)
    video_link = forms.URLField(
        label=_("Videolenke"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Skriv en gyldig lenke som starter med https://.")},
    )
    participants = forms.TypedMultipleChoiceField(
        label=_("Deltakere fra involverte enheter"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    family_participants = forms.CharField(
        label=_("Deltakere fra familien"), required=False, help_text=_("For eksempel «mor, far og Emma».")
    )
    agenda = forms.CharField(label=_("Saksliste"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        seen: set[int] = set()
        choices = []
        for m in people:
            if m.user_id not in seen:
                seen.add(m.user_id)
                choices.append((m.user_id, f"{m.user.full_name} ({m.unit.name})"))
        self._set_choices("participants", choices)


class MeetingChangeForm(DsForm):
    """Move a planned meeting or change its place (the participants are told)."""

    starts_at = forms.DateTimeField(
        label=_("Nytt tidspunkt"),
        widget=DATETIME,
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Dato og klokkeslett, for eksempel 24.12.2026 kl. 09:00."),
    )
    place = forms.CharField(label=_("Sted"), required=False)
    video_link = forms.URLField(
        label=_("Videolenke"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Skriv en gyldig lenke som starter med https://.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MeetingCancelForm(DsForm):
    reason = forms.CharField(
        label=_("Hvorfor avlyses møtet?"),
        required=False,
        max_length=300,
        help_text=_("Deltakerne får beskjed om at møtet er avlyst. Begrunnelsen står i stafettloggen."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReferatForm(DsForm):
    referat = forms.CharField(
        label=_("Referat"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=LONG_TEXT
    )
    decisions = forms.CharField(label=_("Beslutninger"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    tasks = forms.CharField(
        label=_("Avtalte oppgaver"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Hvem gjør hva, og innen når."),
    )
    end_measures = forms.TypedMultipleChoiceField(
        label=_("Tiltak møtet besluttet å avslutte"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    new_level = forms.TypedChoiceField(label=_("Nytt nivå (valgfritt)"), coerce=int, required=False, empty_value=None)
    level_reason = forms.CharField(label=_("Begrunnelse for nytt nivå"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, measures: list[Any], levels: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("end_measures", [(m.pk, m.description[:80]) for m in measures])
        self._set_choices("new_level", [("", _("Uendret nivå"))] + [(lv, _("Nivå %(n)s") % {"n": lv}) for lv in levels])


class CatalogueSearchForm(DsForm):
    q = forms.CharField(label=_("Søk i tiltaksoversikten"), required=False)
    level = forms.ChoiceField(
        label=_("Nivå"), choices=[("", _("Alle nivå")), *CatalogueLevel.choices[1:]], required=False
    )


class CatalogueItemForm(DsForm):
    name = forms.CharField(label=_("Navn"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=CatalogueKind.choices)
    description = forms.CharField(label=_("Beskrivelse"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    name_nn = forms.CharField(required=False, max_length=150)
    description_nn = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    service = forms.TypedChoiceField(label=_("Tjeneste som tilbyr det"), coerce=int, required=False, empty_value=None)
    target_group = forms.CharField(label=_("Målgruppe"), required=False)
    level = forms.ChoiceField(label=_("Nivå"), choices=CatalogueLevel.choices)
    contact = forms.CharField(label=_("Kontakt"), required=False)
    is_active = forms.BooleanField(label=_("Aktiv (vises for ansatte)"), required=False, initial=True)

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("service", [("", _("Ingen bestemt tjeneste"))] + [(s.pk, s.name) for s in services])
        label_written_pairs(self, ["name", "description"])


class TransitionForm(OnceForm, DsForm):
    to_unit = forms.TypedChoiceField(label=_("Til enhet"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Type overgang"), choices=[("", _("Velg type")), *TransitionKind.choices], required=False
    )
    message = forms.CharField(
        label=_("Melding til mottakende enhet"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("to_unit", [("", _("Velg enhet"))] + [(u.pk, f"{u.name} ({u.service.name})") for u in units])


class TransitionAnswerForm(DsForm):
    stafettholder = forms.TypedChoiceField(label=_("Ny stafettholder"), coerce=int, required=False, empty_value=None)
    reason = forms.CharField(
        label=_("Begrunnelse (når dere takker nei)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("stafettholder", [(m.user_id, m.user.full_name) for m in people])


class PrintForm(DsForm):
    kind = forms.ChoiceField(
        label=_("Hva vil du skrive ut?"), choices=PdfKind.choices, widget=forms.RadioSelect, initial=PdfKind.LOGG
    )
    date_from = forms.DateField(label=_("Loggføringer fra og med (valgfritt)"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("Til og med (valgfritt)"), widget=DATE, required=False)
    meeting = forms.TypedChoiceField(label=_("Møte (for referat)"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, meetings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices(
            "meeting",
            [("", _("Velg møte"))]
            + [(m.pk, timezone.localtime(m.starts_at).strftime("%d.%m.%Y %H:%M")) for m in meetings],
        )


class CloseForm(DsForm):
    reason = forms.ChoiceField(
        label=_("Årsak til avslutning"), choices=[("", _("Velg årsak")), *ClosingReason.choices], required=False
    )
    summary = forms.CharField(label=_("Oppsummering"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    family_informed = forms.CharField(
        label=_("Hva familien har fått vite"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
