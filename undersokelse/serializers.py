"""API shapes of the BTI-undersøkelsen. Input serializers only parse; ``services`` decide.

A suppressed number never reaches a serializer: the API views build their rows from
``selectors.round_results``, and a hidden group or score is written with ``n``, ``mean``
and ``share`` as null and ``hidden`` true (shown as «<5» on the pages)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from bti.limits import BoundedSerializer
from undersokelse import questions
from undersokelse.models import RoundStatus
from undersokelse.services import TEXT_MAX

# --- Input -----------------------------------------------------------------------------


class RoundIn(BoundedSerializer):
    title = serializers.CharField(max_length=150)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    unit_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=500)
    service_ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        max_length=100,
        help_text="Inviter alle aktive enheter i disse tjenestene (i tillegg til unit_ids).",
    )


class AnswerIn(BoundedSerializer):
    unit_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Enheten du svarer for, om du arbeider i flere."
    )
    scores = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=5),
        required=False,
        default=dict,
        help_text="Spørsmålsnøkkel → 1–5 (0 = vet ikke / ikke aktuelt).",
    )
    texts = serializers.DictField(
        child=serializers.CharField(max_length=TEXT_MAX, allow_blank=True),
        required=False,
        default=dict,
        help_text="Spørsmålsnøkkel → fritekst. Fødselsnumre fjernes før lagring.",
    )
    confirmed = serializers.BooleanField(
        required=False, default=False, help_text="Send selv om teksten kan inneholde navn eller fødselsnummer."
    )

    def validate_scores(self, value: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(value) - set(questions.SCORED_KEYS))
        if unknown:
            raise serializers.ValidationError(_("Ukjente spørsmål: %(keys)s.") % {"keys": ", ".join(unknown[:5])})
        return value

    def validate_texts(self, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(questions.TEXT_KEYS))
        if unknown:
            raise serializers.ValidationError(
                _("Ukjente fritekstspørsmål: %(keys)s.") % {"keys": ", ".join(unknown[:5])}
            )
        return value


# --- Output ----------------------------------------------------------------------------


class KommuneOut(BoundedSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    may_manage = serializers.BooleanField()


class RoundUnitOut(BoundedSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    service = serializers.CharField()
    invited = serializers.IntegerField()
    answered = serializers.IntegerField()


class RoundOut(BoundedSerializer):
    id = serializers.IntegerField()
    kommune_id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=RoundStatus.choices)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    korus = serializers.CharField(allow_null=True)
    accepts_answers = serializers.BooleanField()


class RoundDetailOut(RoundOut):
    may_manage = serializers.BooleanField()
    invited = serializers.IntegerField()
    answered = serializers.IntegerField()
    units = RoundUnitOut(many=True)


class InvitationOut(BoundedSerializer):
    round = RoundOut()
    answered = serializers.BooleanField()


class QuestionOut(BoundedSerializer):
    key = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField()
    choices = serializers.ListField(child=serializers.DictField(), required=False)


class ThemeQuestionsOut(BoundedSerializer):
    key = serializers.CharField()
    title = serializers.CharField()
    intro = serializers.CharField()
    questions = QuestionOut(many=True)


class AnswerFormOut(BoundedSerializer):
    round = RoundOut()
    has_answered = serializers.BooleanField()
    units = serializers.ListField(child=serializers.DictField())
    themes = ThemeQuestionsOut(many=True)


class ReceiptOut(BoundedSerializer):
    scored = serializers.IntegerField()
    texts = serializers.IntegerField()
    detail = serializers.CharField()


class RemindOut(BoundedSerializer):
    reminded = serializers.IntegerField()


class ScoreOut(BoundedSerializer):
    n = serializers.IntegerField(allow_null=True, help_text="Antall svar; null når tallet er skjult (<5).")
    mean = serializers.FloatField(allow_null=True)
    share = serializers.IntegerField(allow_null=True, help_text="Prosent som svarte 4 eller 5.")
    hidden = serializers.BooleanField()


class QuestionResultOut(BoundedSerializer):
    key = serializers.CharField()
    text = serializers.CharField()
    negative = serializers.BooleanField()
    score = ScoreOut()
    before = ScoreOut(allow_null=True)


class ThemeResultOut(BoundedSerializer):
    key = serializers.CharField()
    title = serializers.CharField()
    score = ScoreOut()
    before = ScoreOut(allow_null=True)
    change = serializers.FloatField(allow_null=True)
    questions = QuestionResultOut(many=True)


class GroupOut(BoundedSerializer):
    kind = serializers.CharField(help_text="alle, tjeneste eller enhet")
    id = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    parent_id = serializers.IntegerField(allow_null=True)
    n = serializers.IntegerField(allow_null=True, help_text="null når gruppen er skjult (<5).")
    hidden = serializers.BooleanField()


class FreeTextOut(BoundedSerializer):
    key = serializers.CharField()
    question = serializers.CharField()
    texts = serializers.ListField(child=serializers.CharField())


class ResultsOut(BoundedSerializer):
    round = RoundOut()
    available = serializers.BooleanField(help_text="Resultater finnes først når runden er avsluttet.")
    message = serializers.CharField(allow_null=True)
    min_group = serializers.IntegerField()
    group = GroupOut(allow_null=True)
    previous = RoundOut(allow_null=True)
    themes = ThemeResultOut(many=True)
    groups = GroupOut(many=True)
    free_texts = FreeTextOut(many=True)


def round_row(survey: Any) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "kommune_id": survey.kommune_id,
        "title": survey.title,
        "status": survey.status,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "korus": survey.korus.name if survey.korus_id else None,
        "accepts_answers": survey.accepts_answers(),
    }
