"""API shapes for plans, tiltak, evaluations, meetings, transitions and print jobs."""

from __future__ import annotations

from rest_framework import serializers

from bti.limits import LONG_TEXT, BoundedModelSerializer, BoundedSerializer
from bti.written import WrittenText
from samarbeid.models import CatalogueItem, Evaluation, Goal, Measure, Meeting, PdfJob, Transition


class EvaluationSerializer(BoundedModelSerializer):
    class Meta:
        model = Evaluation
        fields = [
            "id",
            "measure",
            "what_happened",
            "child_view",
            "parents_view",
            "decision",
            "adjustment",
            "next_evaluation_date",
            "category",
            "created_at",
        ]


class MeasureSerializer(BoundedModelSerializer):
    responsible_name = serializers.CharField(read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "goal",
            "catalogue_item",
            "description",
            "responsible_unit",
            "responsible_user",
            "responsible_other",
            "responsible_name",
            "start_date",
            "evaluation_date",
            "status",
            "category",
            "version",
        ]


class GoalSerializer(BoundedModelSerializer):
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "text", "agreed_with", "category", "created_at", "measures"]


class GoalInput(BoundedSerializer):
    text = serializers.CharField(allow_blank=True)
    agreed_with = serializers.CharField(allow_blank=True)
    # A stricter information category than «Plan og tiltak» (a code of the kommune's list).
    category = serializers.CharField(allow_blank=True, required=False, default="", max_length=40)


class MeasureInput(BoundedSerializer):
    goal_id = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True, required=False, default="")
    responsible_unit_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    responsible_user_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    responsible_other = serializers.CharField(allow_blank=True, required=False, default="")
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    evaluation_date = serializers.DateField(required=False, allow_null=True, default=None)
    catalogue_item_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    # A stricter information category than «Plan og tiltak» (a code of the kommune's list).
    category = serializers.CharField(allow_blank=True, required=False, default="", max_length=40)


class MeasureStatusInput(BoundedSerializer):
    status = serializers.CharField()
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)


class EvaluationInput(BoundedSerializer):
    what_happened = serializers.CharField(allow_blank=True)
    child_view = serializers.CharField(allow_blank=True)
    parents_view = serializers.CharField(allow_blank=True)
    decision = serializers.CharField(allow_blank=True)
    adjustment = serializers.CharField(allow_blank=True, required=False, default="")
    next_evaluation_date = serializers.DateField(required=False, allow_null=True, default=None)
    # A stricter information category than «Plan og tiltak» (a code of the kommune's list).
    category = serializers.CharField(allow_blank=True, required=False, default="", max_length=40)


class ParticipantSerializer(BoundedSerializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.full_name")
    unit = serializers.CharField(source="unit.name")


class MeetingSerializer(BoundedModelSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "starts_at",
            "place",
            "video_link",
            "agenda",
            "family_participants",
            "participants",
            "status",
            "category",
            "referat_category",
            "referat",
            "decisions",
            "tasks",
            "version",
        ]


class MeetingInput(BoundedSerializer):
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    place = serializers.CharField(allow_blank=True, required=False, default="")
    # http(s) only, as the form's URLField: the link is shown as a link to every participant.
    video_link = serializers.URLField(allow_blank=True, required=False, default="", max_length=500)
    agenda = serializers.CharField(allow_blank=True)
    participant_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    family_participants = serializers.CharField(allow_blank=True, required=False, default="")
    # A stricter information category than «Plan og tiltak» (a code of the kommune's list).
    category = serializers.CharField(allow_blank=True, required=False, default="", max_length=40)


class MeetingChangeInput(BoundedSerializer):
    """Move a planned meeting or change where it is held (issue 17 item 4)."""

    # The meeting's time after the change (the same time when only the place changes).
    starts_at = serializers.DateTimeField()
    place = serializers.CharField(allow_blank=True, required=False, default="", max_length=400)
    video_link = serializers.URLField(allow_blank=True, required=False, default="", max_length=500)
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)


class MeetingCancelInput(BoundedSerializer):
    reason = serializers.CharField(allow_blank=True, max_length=LONG_TEXT)
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReferatInput(BoundedSerializer):
    referat = serializers.CharField(allow_blank=True, max_length=LONG_TEXT)
    decisions = serializers.CharField(allow_blank=True, required=False, default="")
    tasks = serializers.CharField(allow_blank=True, required=False, default="")
    new_level = serializers.IntegerField(required=False, allow_null=True, default=None)
    level_reason = serializers.CharField(allow_blank=True, required=False, default="")
    end_measure_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    new_measure = MeasureInput(required=False, allow_null=True, default=None)
    # A stricter information category than «Plan og tiltak» (a code of the kommune's list).
    category = serializers.CharField(allow_blank=True, required=False, default="", max_length=40)
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)


class TransitionSerializer(BoundedModelSerializer):
    class Meta:
        model = Transition
        fields = [
            "id",
            "from_unit",
            "to_unit",
            "kind",
            "message",
            "status",
            "proposed_at",
            "decided_at",
            "decline_reason",
            "new_stafettholder",
        ]


class TransitionInput(BoundedSerializer):
    to_unit_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    kind = serializers.CharField(allow_blank=True)
    message = serializers.CharField(allow_blank=True, required=False, default="")


class TransitionAnswerInput(BoundedSerializer):
    stafettholder_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class PdfJobSerializer(BoundedModelSerializer):
    class Meta:
        model = PdfJob
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "stage",
            "entry_count",
            "created_at",
            "finished_at",
            "expires_at",
            "error",
            "attempts",
        ]


class PdfJobInput(BoundedSerializer):
    kind = serializers.CharField()
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)
    meeting = serializers.IntegerField(required=False, allow_null=True, default=None)


class CatalogueItemSerializer(BoundedModelSerializer):
    class Meta:
        model = CatalogueItem
        fields = [
            "id",
            "kind",
            "name",
            "description",
            "name_nn",
            "description_nn",
            "display_name",
            "display_description",
            "service",
            "target_group",
            "level",
            "contact",
            "is_active",
        ]

    # As written (name, description) and optionally in nynorsk (name_nn, description_nn); the
    # display_* fields are the text in the reader's language (bti.written, ADR 0030).
    display_name = WrittenText("name")
    display_description = WrittenText("description")
