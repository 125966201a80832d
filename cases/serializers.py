"""API shapes for children and cases. Input serializers only parse; services decide."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bti.limits import BoundedModelSerializer, BoundedSerializer, birth_date_range, unborn_termin_range
from cases.models import Case, CaseSource, Child, Gender


class ChildSerializer(BoundedModelSerializer[Child]):
    # The name as registered in the reader's own cases (``selectors.children_for``).
    full_name = serializers.CharField(source="name_in_my_cases", read_only=True)

    class Meta:
        model = Child
        fields = ["id", "full_name", "birth_date", "expected_date"]


class CaseChildSerializer(BoundedModelSerializer[Child]):
    """The child inside one case: its name is the case's own (``display_name``)."""

    class Meta:
        model = Child
        fields = ["id", "birth_date", "expected_date"]


class StafettholderSerializer(BoundedSerializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField(required=False)


class CaseListSerializer(BoundedModelSerializer[Case]):
    display_name = serializers.CharField(read_only=True)
    owner_unit = serializers.CharField(source="owner_unit.name", read_only=True)
    stafettholder = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "display_name",
            "child",
            "anonymous_label",
            "owner_unit",
            "source",
            "level",
            "status",
            "decision_deadline",
            "opened_at",
            "last_activity_at",
            "stafettholder",
            "version",
        ]

    def get_stafettholder(self, case: Case) -> dict[str, Any] | None:
        name = getattr(case, "holder_name", None)
        if not name:
            return None
        return {"user_id": case.holder_user_id, "name": name}  # type: ignore[attr-defined]


class GuardianSerializer(BoundedSerializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    relation = serializers.CharField()
    has_parental_responsibility = serializers.BooleanField()
    protected_address = serializers.BooleanField()
    address = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    hidden = serializers.BooleanField()


class CaseDetailSerializer(CaseListSerializer):
    """Detail of one case; the per-user parts come in the serializer context."""

    child = CaseChildSerializer(read_only=True, allow_null=True)
    guardians = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    allowed_levels = serializers.SerializerMethodField()
    pending_handover = serializers.SerializerMethodField()

    def get_guardians(self, case: Case) -> list[dict[str, Any]]:
        return list(GuardianSerializer(self.context.get("guardians", []), many=True).data)

    def get_allowed_actions(self, case: Case) -> list[str]:
        return list(self.context.get("allowed_actions", []))

    def get_allowed_levels(self, case: Case) -> list[int]:
        return sorted(case.allowed_levels())

    def get_pending_handover(self, case: Case) -> dict[str, Any] | None:
        return self.context.get("pending_handover")

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "close_reason",
            "closed_at",
            "guardians",
            "allowed_actions",
            "allowed_levels",
            "pending_handover",
        ]


class UndringCreateSerializer(BoundedSerializer):
    unit = serializers.IntegerField()
    observation = serializers.CharField()
    source = serializers.ChoiceField(choices=CaseSource.choices, default=CaseSource.ANSATT)  # type: ignore[assignment]
    anonymous_label = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    child_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    fnr = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None, validators=[birth_date_range])
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True, default="")
    # An unborn child (issue 17 item 6): the termin and the mother; the service checks them
    # (the same messages as the form's, next to the same field names).
    unborn = serializers.BooleanField(required=False, default=False)
    expected_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[unborn_termin_range]
    )
    mother_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    mother_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class VersionedSerializer(BoundedSerializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class LevelChangeSerializer(VersionedSerializer):
    to_level = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)
    stafettholder = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReasonSerializer(VersionedSerializer):
    reason = serializers.CharField(allow_blank=True)


class IdentifySerializer(VersionedSerializer):
    full_name = serializers.CharField(max_length=200)
    fnr = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None, validators=[birth_date_range])
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True, default="")


class SharingSerializer(VersionedSerializer):
    with_whom = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField(allow_blank=True)
    other_service = serializers.CharField(required=False, allow_blank=True, default="")


class GuardianCreateSerializer(BoundedSerializer):
    full_name = serializers.CharField(max_length=200, allow_blank=True)
    relation = serializers.CharField(max_length=50, allow_blank=True)
    has_parental_responsibility = serializers.BooleanField()
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    protected_address = serializers.BooleanField(required=False, default=False)
