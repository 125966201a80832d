"""API fields for the kommune's own texts, in the reader's language (ADR 0030, issue 18 item 4).

``WrittenText("title")`` serialises ``written(obj, "title")``: the nynorsk text for a nynorsk
reader where the kommune wrote one, else the text as written. The same rule as the template
filter ``written`` and the PDFs, so the API never shows another text than the page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bti.languages import written


@extend_schema_field(serializers.CharField())
class WrittenText(serializers.Field):
    def __init__(self, field: str, **kwargs: Any) -> None:
        self.text_field = field
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return written(value, self.text_field) or ""


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class WrittenList(WrittenText):
    def to_representation(self, value: Any) -> Any:
        return list(written(value, self.text_field) or [])
