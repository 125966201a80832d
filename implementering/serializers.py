"""API shapes of the implementation support. Input serializers only parse; services decide."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bti.limits import BoundedSerializer
from implementering.models import (
    Assessment,
    Feedback,
    GroupKind,
    ItemStatus,
    Phase,
    PlanItem,
    Recipient,
    Routine,
    TrainingKind,
)

# --- Input -----------------------------------------------------------------------------


class ProjectIn(BoundedSerializer):
    name = serializers.CharField(max_length=150)
    goal = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    project_leader_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class MemberIn(BoundedSerializer):
    group = serializers.ChoiceField(choices=GroupKind.choices)
    name = serializers.CharField(max_length=150)
    role = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class ItemIn(BoundedSerializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    title = serializers.CharField(max_length=200)
    responsible = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class ItemStatusIn(BoundedSerializer):
    status = serializers.ChoiceField(choices=ItemStatus.choices)


class RoutineIn(BoundedSerializer):
    name = serializers.CharField(max_length=200)
    service_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    assessment = serializers.ChoiceField(choices=Assessment.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TrainingIn(BoundedSerializer):
    kind = serializers.ChoiceField(choices=TrainingKind.choices)
    completed_on = serializers.DateField()
    user_ids = serializers.ListField(child=serializers.IntegerField(), max_length=500)


class FeedbackIn(BoundedSerializer):
    recipient = serializers.ChoiceField(choices=Recipient.choices)
    text = serializers.CharField(max_length=4000)
    anonymous = serializers.BooleanField(required=False, default=False)
    unit_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReplyIn(BoundedSerializer):
    text = serializers.CharField(max_length=4000)


class CodeIn(BoundedSerializer):
    kode = serializers.CharField(max_length=20)


# --- Output ----------------------------------------------------------------------------


class PersonOut(BoundedSerializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class MemberOut(BoundedSerializer):
    id = serializers.IntegerField()
    group = serializers.ChoiceField(choices=GroupKind.choices)
    name = serializers.CharField()
    role = serializers.CharField()


class ItemOut(BoundedSerializer):
    id = serializers.IntegerField()
    phase = serializers.ChoiceField(choices=Phase.choices)
    title = serializers.CharField()
    responsible = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=ItemStatus.choices)


class PhaseOut(BoundedSerializer):
    value = serializers.ChoiceField(choices=Phase.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    done = serializers.IntegerField()
    items = ItemOut(many=True)


class ProjectOut(BoundedSerializer):
    name = serializers.CharField()
    goal = serializers.CharField(allow_blank=True)
    project_leader = PersonOut(allow_null=True)
    may_edit = serializers.BooleanField()
    members = MemberOut(many=True)
    phases = PhaseOut(many=True)


class RoutineOut(BoundedSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    service = serializers.CharField(allow_null=True)
    assessment = serializers.ChoiceField(choices=Assessment.choices)
    note = serializers.CharField(allow_blank=True)


class CatalogueOut(BoundedSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    service = serializers.CharField(allow_null=True)
    target_group = serializers.CharField(allow_blank=True)


class KartleggingOut(BoundedSerializer):
    may_edit = serializers.BooleanField()
    routines = RoutineOut(many=True)
    tiltak = CatalogueOut(many=True)
    arenaer = CatalogueOut(many=True)


class StaffTrainingOut(BoundedSerializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=TrainingKind.choices))


class UnitTrainingOut(BoundedSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    service = serializers.CharField()
    total = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="opplæring → antall ansatte")
    staff = StaffTrainingOut(many=True)


class RegisteredOut(BoundedSerializer):
    registered = serializers.IntegerField()


class ReplyOut(BoundedSerializer):
    text = serializers.CharField()
    by = serializers.CharField()
    at = serializers.DateTimeField()


class FeedbackOut(BoundedSerializer):
    id = serializers.UUIDField()
    recipient = serializers.ChoiceField(choices=Recipient.choices)
    unit = serializers.CharField(allow_null=True)
    text = serializers.CharField()
    anonymous = serializers.BooleanField()
    author = serializers.CharField(allow_null=True, help_text="null når tilbakemeldingen er anonym.")
    created_on = serializers.DateField()
    status = serializers.CharField()
    replies = ReplyOut(many=True)


class FeedbackSentOut(BoundedSerializer):
    anonymous = serializers.BooleanField()
    code = serializers.CharField(
        allow_blank=True, help_text="Vises bare nå: koden som gir svaret på en anonym tilbakemelding."
    )
    detail = serializers.CharField()


def item_row(item: PlanItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "phase": item.phase,
        "title": item.title,
        "responsible": item.responsible,
        "due_on": item.due_on,
        "status": item.status,
    }


def routine_row(r: Routine) -> dict[str, Any]:
    return {
        "id": r.pk,
        "name": r.name,
        "service": r.service.name if r.service else None,
        "assessment": r.assessment,
        "note": r.note,
    }


def feedback_row(f: Feedback) -> dict[str, Any]:
    return {
        "id": f.pk,
        "recipient": f.recipient,
        "unit": f.unit.name if f.unit else None,
        "text": f.text,
        "anonymous": f.is_anonymous,
        "author": None if f.is_anonymous else f.author.full_name,  # type: ignore[union-attr]
        "created_on": f.created_on,
        "status": f.status,
        "replies": [{"text": r.text, "by": r.by.full_name, "at": r.at} for r in f.replies.all()],
    }
