from __future__ import annotations

from rest_framework import serializers

from bti.limits import BoundedModelSerializer, BoundedSerializer
from oversikt.models import Notification


class NotificationSerializer(BoundedModelSerializer[Notification]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "text", "case_id", "created_at", "read_at"]
        read_only_fields = fields


class AggregateRowSerializer(BoundedSerializer):
    section = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.JSONField(help_text="Antall, «<5», prosent, median dager eller null (vises ikke)")
