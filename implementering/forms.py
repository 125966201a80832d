from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bti.limits import BoundedForm
from bti.models import Service, User
from implementering.models import Assessment, GroupKind, ItemStatus, Phase, Recipient, TrainingKind
from undersokelse.forms import DateInput, apply_errors

__all__ = ["apply_errors"]


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if not isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            field.widget.attrs.setdefault("class", "ds-input")


class ProjectForm(BoundedForm):
    name = forms.CharField(label=_("Prosjektnavn"), max_length=150)
    goal = forms.CharField(label=_("Mål for innføringen"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    project_leader = forms.TypedChoiceField(label=_("Prosjektleder"), coerce=int, required=False)

    def __init__(self, *args: Any, kommune_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(kommune_id=kommune_id, is_active=True).order_by("full_name")
        self.fields["project_leader"].choices = [("", _("Ingen valgt")), *[(u.pk, u.full_name) for u in people]]  # type: ignore[attr-defined]
        _style(self)


class MemberForm(BoundedForm):
    group = forms.ChoiceField(label=_("Gruppe"), choices=GroupKind.choices)
    name = forms.CharField(label=_("Navn"), max_length=150)
    role = forms.CharField(label=_("Rolle eller tjeneste"), max_length=150, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ItemForm(BoundedForm):
    phase = forms.ChoiceField(label=_("Fase"), choices=Phase.choices)
    title = forms.CharField(label=_("Aktivitet"), max_length=200)
    responsible = forms.CharField(label=_("Ansvarlig"), max_length=150, required=False)
    due_on = forms.DateField(label=_("Frist"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class StatusForm(BoundedForm):
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)


class RoutineForm(BoundedForm):
    name = forms.CharField(label=_("Rutine"), max_length=200)
    service = forms.TypedChoiceField(label=_("Tjeneste"), coerce=int, required=False)
    assessment = forms.ChoiceField(label=_("Vurdering"), choices=Assessment.choices)
    note = forms.CharField(label=_("Merknad"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, kommune_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = Service.objects.filter(kommune_id=kommune_id).order_by("name")
        self.fields["service"].choices = [("", _("Hele kommunen")), *[(s.pk, s.name) for s in services]]  # type: ignore[attr-defined]
        _style(self)


class TrainingForm(BoundedForm):
    kind = forms.ChoiceField(label=_("Opplæring"), choices=TrainingKind.choices)
    completed_on = forms.DateField(
        label=_("Dato"), widget=DateInput(), error_messages={"invalid": _("Skriv en gyldig dato (dd.mm.åååå).")}
    )
    users = forms.TypedMultipleChoiceField(
        label=_("Ansatte"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].choices = [(u.pk, u.full_name) for u in people]  # type: ignore[attr-defined]
        _style(self)


class FeedbackForm(BoundedForm):
    recipient = forms.ChoiceField(label=_("Til"), choices=Recipient.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Tilbakemelding"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    anonymous = forms.BooleanField(label=_("Send anonymt (navnet ditt lagres ikke)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ReplyForm(BoundedForm):
    text = forms.CharField(
        label=_("Svar"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input"})
    )


class CodeForm(BoundedForm):
    kode = forms.CharField(label=_("Koden du fikk"), max_length=20, widget=forms.TextInput(attrs={"class": "ds-input"}))
