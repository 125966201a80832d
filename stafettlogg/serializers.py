from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bti.limits import BoundedModelSerializer, BoundedSerializer
from stafettlogg.models import NOTE_KINDS, Entry


class EntrySerializer(BoundedModelSerializer[Entry]):
    author = serializers.CharField(source="author.full_name", read_only=True)
    author_unit = serializers.CharField(source="author_unit.name", read_only=True, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    corrects_seq = serializers.IntegerField(source="corrects.seq", read_only=True, allow_null=True)
    category = serializers.SerializerMethodField()
    hidden = serializers.SerializerMethodField()
    # ``text`` and ``data`` as stored (they are what ``hash`` covers); ``shown_text`` is the
    # text in the reader's language when the system wrote it (stafettlogg.texts, ADR 0030).
    shown_text = serializers.CharField(read_only=True)

    class Meta:
        model = Entry
        fields = [
            "category",
            "hidden",
            "id",
            "seq",
            "created_at",
            "author",
            "author_unit",
            "kind",
            "kind_display",
            "level",
            "text",
            "shown_text",
            "data",
            "corrects",
            "corrects_seq",
            "hash",
        ]

    def get_category(self, entry: Entry) -> str:
        return str(entry.category)

    def get_hidden(self, entry: Entry) -> bool:
        return bool(getattr(entry, "hidden", False))

    def to_representation(self, instance: Entry) -> dict[str, Any]:
        """An entry outside the reader's consented categories: date and category only, no id
        (docs/adr/0011)."""
        if getattr(instance, "hidden", False):
            return {
                "id": None,
                "created_at": instance.created_at.isoformat(),
                "category": self.get_category(instance),
                "hidden": True,
            }
        return dict(super().to_representation(instance))


class NoteCreateSerializer(BoundedSerializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in NOTE_KINDS])
    text = serializers.CharField(allow_blank=True)
    # A stricter category than the kind's (a code of the kommune's list, e.g. «helseopplysninger»).
    category = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class CorrectionSerializer(BoundedSerializer):
    text = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)


class HandoverProposeSerializer(BoundedSerializer):
    to_user = serializers.IntegerField()
    to_unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    message = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class DeclineSerializer(BoundedSerializer):
    reason = serializers.CharField(allow_blank=True)


class EntryPageSerializer(BoundedSerializer):
    results = EntrySerializer(many=True)
    next_before = serializers.IntegerField(allow_null=True)
