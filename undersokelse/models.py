"""The BTI-undersøkelsen: survey rounds for a kommune, and anonymous answers.

Anonymity is built into the tables (docs/adr/0016):

* ``Response`` and ``FreeText`` hold no user, no timestamp and no sequential id (a random
  UUID is the key), and no link to each other or to ``Respondent``. The unit and the
  service are stored only when the invited group is large enough; at closing, groups with
  fewer than five answers are coarsened to «unknown», and the rows are rewritten in random
  order (``services.round_shuffle``), so neither the physical order nor the transaction ids
  follow the order in which people answered.
* ``Respondent`` records who has answered, only to stop a second answer and to send
  reminders. It says nothing about what anyone answered.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.models import Kommune, Korus, Service, Unit


class RoundStatus(models.TextChoices):
    DRAFT = "utkast", _("Utkast")
    OPEN = "apen", _("Åpen for svar")
    CLOSED = "avsluttet", _("Avsluttet")


class SurveyRound(models.Model):
    """One round of the BTI-undersøkelsen in one kommune (before, during or after implementation)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("navn på runden"), max_length=150)
    question_set = models.CharField(_("spørsmålssett"), max_length=30)
    opens_on = models.DateField(_("åpner"))
    closes_on = models.DateField(_("stenger"))
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    korus = models.ForeignKey(
        Korus, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("KoRus")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    shuffled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("runde av BTI-undersøkelsen")
        verbose_name_plural = _("runder av BTI-undersøkelsen")
        ordering = ["kommune", "-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_opens"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == RoundStatus.CLOSED

    def accepts_answers(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return self.status == RoundStatus.OPEN and self.opens_on <= day <= self.closes_on  # type: ignore[operator]


class RoundUnit(models.Model):
    """A unit invited to answer a round; everyone working there may answer once."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="invited_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("invitert enhet")
        verbose_name_plural = _("inviterte enheter")
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="survey_roundunit_unique")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.unit_id}"


class Respondent(models.Model):
    """Who is invited and whether they have answered. Never linked to an answer."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The invited unit the person belongs to (for participation per unit and reminders).
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    has_answered = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitert person")
        verbose_name_plural = _("inviterte personer")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="survey_respondent_unique")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.user_id}"


class Response(models.Model):
    """One anonymous answer: scores per question key. No user, no time, no order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    # Empty when the group was too small to be stored (see the module docstring).
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")

    def __str__(self) -> str:
        return str(self.id)


class FreeText(models.Model):
    """One free-text answer, stored apart from the scores so the two cannot be joined."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="free_texts")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    question = models.CharField(max_length=60)
    text = models.TextField()

    class Meta:
        verbose_name = _("fritekstsvar")
        verbose_name_plural = _("fritekstsvar")

    def __str__(self) -> str:
        return str(self.id)
