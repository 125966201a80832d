"""Limits on input (issue 20, item 8): how long a text, how deep and large a JSON body,
how far back or ahead a date may be.

Three layers, so no single forgotten field lets a 100,000-character text into the
append-only stafettlogg, where it could never be removed:

* every form (``BoundedForm``) and serializer (``BoundedSerializer``) gives each text field
  without an explicit ``max_length`` a default one (``SHORT_TEXT`` for one line,
  ``TEXT`` for a textarea) and each date a plausible range, so the message appears next
  to the field (a counter shows the limit while typing, ``static/js/counter.js``);
* ``bti.middleware.JsonLimitsMiddleware`` refuses a JSON body above ``JSON_MAX_BYTES`` or
  nested deeper than ``JSON_MAX_DEPTH`` with 400 and a reason, before any parser sees it;
* ``check_log_entry`` is the backstop in ``stafettlogg.services.entry_append``.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

_M = TypeVar("_M", bound=models.Model)

SHORT_TEXT = 200  # a name, a place, a one-line reason
TEXT = 5_000  # a textarea: an observation, a note, a goal (about two pages)
LONG_TEXT = 20_000  # a meeting's referat
LOG_TEXT_MAX = 50_000  # one stafettlogg entry, whatever a service composes into it
LOG_DATA_MAX = 60_000  # the structured data of one entry, as JSON characters
JSON_MAX_BYTES = 1_000_000
JSON_MAX_DEPTH = 20

# Any date typed into the system lies within these years of today unless a field says
# otherwise (a termin, a birth date): 9999-12-31 is a typing error, not a plan.
DATE_PAST_YEARS = 100
DATE_FUTURE_YEARS = 10


class TextTooLong(MaxLengthValidator):
    message = _(
        "Teksten er for lang: høyst %(limit_value)d tegn, du har skrevet %(show_value)d. "
        "Kort den ned eller del den opp."
    )


def _years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class DateWithin:
    """A validator: the date lies between ``past`` and ``future`` (timedeltas from today)."""

    def __init__(self, past: timedelta | None, future: timedelta | None, too_early: Any, too_late: Any) -> None:
        self.past, self.future, self.too_early, self.too_late = past, future, too_early, too_late

    def __call__(self, value: date | datetime | None) -> None:
        if value is None:
            return
        day = timezone.localtime(value).date() if isinstance(value, datetime) and timezone.is_aware(value) else value
        if isinstance(day, datetime):
            day = day.date()
        today = timezone.localdate()
        if self.past is not None and day < today - self.past:
            raise ValidationError(self.too_early, code="date_too_early")
        if self.future is not None and day > today + self.future:
            raise ValidationError(self.too_late, code="date_too_late")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateWithin) and (self.past, self.future) == (other.past, other.future)


def _span(years: int) -> timedelta:
    today = timezone.localdate()
    return abs(_years(today, years) - today)


class PlausibleDate(DateWithin):
    """The default range of every date field."""

    def __init__(self) -> None:
        super().__init__(
            None,
            None,
            _("Datoen er mer enn %(years)d år tilbake i tid. Sjekk årstallet.") % {"years": DATE_PAST_YEARS},
            _("Datoen er mer enn %(years)d år fram i tid. Sjekk årstallet.") % {"years": DATE_FUTURE_YEARS},
        )

    def __call__(self, value: date | datetime | None) -> None:
        self.past, self.future = _span(-DATE_PAST_YEARS), _span(DATE_FUTURE_YEARS)
        super().__call__(value)


# A pregnancy lasts about 40 weeks: a termin more than ten months ahead is a typing error.
# It may lie in the past (the child is born but the case still says termin), up to a year.
termin_range = DateWithin(
    timedelta(days=366),
    timedelta(days=300),
    _("Terminen er mer enn ett år tilbake i tid. Er barnet født, oppgi fødselsdatoen i stedet."),
    _("Terminen kan ikke være mer enn ti måneder fram i tid. Sjekk datoen."),
)


# A new unborn child (Ny undring, issue 17 item 6): the termin is ahead, or just passed (the
# baby may be a few days late); more than a month back the child is born, not unborn.
unborn_termin_range = DateWithin(
    timedelta(days=31),
    timedelta(days=300),
    _("Terminen er mer enn en måned tilbake i tid. Er barnet født, velg «Med navn og fødselsnummer»."),
    _("Terminen kan ikke være mer enn ti måneder fram i tid. Sjekk datoen."),
)


class BirthDateRange(DateWithin):
    """Not in the future, and not more than 30 years back (BTI is for children and young people)."""

    def __init__(self) -> None:
        super().__init__(
            None,
            timedelta(0),
            _("Fødselsdatoen er mer enn 30 år tilbake i tid. Sjekk årstallet."),
            _("Fødselsdatoen kan ikke være fram i tid. Er barnet ufødt, oppgi termin."),
        )

    def __call__(self, value: date | datetime | None) -> None:
        self.past = _span(-30)
        super().__call__(value)


birth_date_range = BirthDateRange()


def check_child_dates(*, birth_date: date | None, expected_date: date | None) -> None:
    """The service-level check of a child's dates (forms and API get the same message
    next to the field)."""
    errors: dict[str, list[Any]] = {}
    for field, value, validator in (
        ("birth_date", birth_date, birth_date_range),
        ("expected_date", expected_date, termin_range),
    ):
        try:
            validator(value)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)


# --- Forms and serializers -------------------------------------------------------------


def _has_range(field: Any) -> bool:
    return any(isinstance(v, DateWithin) for v in field.validators)


def _text_limit(widget: Any) -> int:
    return TEXT if isinstance(widget, forms.Textarea) else SHORT_TEXT


def bound_form_fields(fields: dict[str, forms.Field]) -> None:
    """Give every text field a maximum and every date a plausible range (see module doc)."""
    for field in fields.values():
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            if field.max_length is None:
                field.max_length = _text_limit(field.widget)
                field.validators.append(TextTooLong(field.max_length))
                field.widget.attrs.update(field.widget_attrs(field.widget))
            elif not any(isinstance(v, TextTooLong) for v in field.validators):
                # Our message instead of Django's generic one.
                field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
                field.validators.append(TextTooLong(field.max_length))
        elif isinstance(field, forms.DateField | forms.DateTimeField) and not _has_range(field):
            field.validators.append(PlausibleDate())


class BoundedForm(forms.Form):
    """``forms.Form`` with the limits of ``bound_form_fields``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_form_fields(self.fields)


def _bound_serializer_field(field: serializers.Field) -> None:
    if field.read_only:
        return
    if isinstance(field, serializers.ListField):
        if field.max_length is None:
            field.max_length = 200
            field.validators.append(_max_items(200))
        _bound_serializer_field(field.child)
    elif isinstance(field, serializers.CharField):
        if field.max_length is None:
            field.max_length = TEXT
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators.append(TextTooLong(field.max_length))
    elif isinstance(field, serializers.DateField | serializers.DateTimeField) and not _has_range(field):
        field.validators.append(PlausibleDate())


def _max_items(limit: int) -> Any:
    def check(value: Any) -> None:
        if value is not None and len(value) > limit:
            raise ValidationError(_("For mange verdier: høyst %(limit)d.") % {"limit": limit})

    return check


class BoundedSerializerMixin:
    """The limits of ``bound_form_fields`` for DRF: a text without ``max_length`` gets
    ``TEXT`` (API clients have no textarea/input distinction), a date a plausible range."""

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()  # type: ignore[misc]
        for field in fields.values():
            _bound_serializer_field(field)
        return fields


class BoundedSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    pass


class BoundedModelSerializer(BoundedSerializerMixin, serializers.ModelSerializer[_M]):
    pass


# --- JSON bodies and the log -------------------------------------------------------------

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deeply the JSON text nests (strings ignored), without parsing it: no recursion,
    so a 100,000-deep document costs a regex pass, not a RecursionError."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", body))
    depth = deepest = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def too_large() -> str:
    return str(_("Forespørselen er for stor: høyst %(kb)d kB JSON.") % {"kb": JSON_MAX_BYTES // 1000})


def json_body_problem(body: bytes) -> str | None:
    """Why a JSON body is refused, or None."""
    if len(body) > JSON_MAX_BYTES:
        return too_large()
    if json_depth(body) > JSON_MAX_DEPTH:
        return str(_("JSON-dokumentet er nestet for dypt: høyst %(depth)d nivåer.") % {"depth": JSON_MAX_DEPTH})
    return None


def check_log_entry(*, text: str, data: dict[str, Any] | None) -> None:
    """The backstop before the append-only log: whatever a service composes, an entry
    never holds more than ``LOG_TEXT_MAX`` characters of text or ``LOG_DATA_MAX`` of data."""
    if len(text) > LOG_TEXT_MAX:
        raise ValidationError(
            {"text": TextTooLong(LOG_TEXT_MAX).message % {"limit_value": LOG_TEXT_MAX, "show_value": len(text)}}
        )
    if data and len(json.dumps(data, ensure_ascii=False, default=str)) > LOG_DATA_MAX:
        raise ValidationError(_("Loggføringen er for stor. Kort ned tekstene og prøv igjen."))
