"""Implementation support: the kommune's BTI project (groups, plan by phase), the
kartlegging of existing routines, training records per staff member and a feedback
channel from staff to the BTI-koordinator and leaders. Tiltak and samarbeidsfora are
samarbeid's tiltaksoversikt (``CatalogueItem``), not a copy."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.models import Kommune, Service, Unit


class BtiProject(models.Model):
    kommune = models.OneToOneField(Kommune, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("prosjektnavn"), max_length=150, default="Innføring av BTI")
    goal = models.TextField(_("mål for innføringen"), blank=True)
    project_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prosjektleder"),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("BTI-prosjekt")
        verbose_name_plural = _("BTI-prosjekter")

    def __str__(self) -> str:
        return self.name


class GroupKind(models.TextChoices):
    STYRING = "styringsgruppe", _("Styringsgruppe")
    ARBEID = "arbeidsgruppe", _("Arbeidsgruppe")


class GroupMember(models.Model):
    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(BtiProject, on_delete=models.CASCADE, related_name="members")
    group = models.CharField(_("gruppe"), max_length=20, choices=GroupKind.choices)
    name = models.CharField(_("navn"), max_length=150)
    role = models.CharField(_("rolle eller tjeneste"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("medlem i prosjektgruppe")
        verbose_name_plural = _("medlemmer i prosjektgrupper")
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    DESIGN = "design", _("Design og forankring")
    INFORMASJON = "informasjon", _("Informasjon")
    PILOT = "pilot", _("Planlegging og pilot")
    DRIFT = "drift", _("Drift")


class ItemStatus(models.TextChoices):
    NOT_STARTED = "ikke_startet", _("Ikke startet")
    ONGOING = "pagar", _("Pågår")
    DONE = "ferdig", _("Ferdig")


class PlanItem(models.Model):
    """One activity of the implementation plan, in one phase, with a status."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(BtiProject, on_delete=models.CASCADE, related_name="items")
    phase = models.CharField(_("fase"), max_length=12, choices=Phase.choices)
    title = models.CharField(_("aktivitet"), max_length=200)
    responsible = models.CharField(_("ansvarlig"), max_length=150, blank=True)
    due_on = models.DateField(_("frist"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("aktivitet i innføringsplanen")
        verbose_name_plural = _("aktiviteter i innføringsplanen")
        ordering = ["phase", "pk"]

    def __str__(self) -> str:
        return self.title


class Assessment(models.TextChoices):
    OPEN = "ikke_vurdert", _("Ikke vurdert")
    KEEP = "videreføres", _("Videreføres som den er")
    ADJUST = "justeres", _("Justeres til BTI")
    REPLACE = "erstattes", _("Erstattes av BTI")
    END = "avvikles", _("Avvikles")


class Routine(models.Model):
    """An existing routine found in the kartlegging, and what to do with it."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(BtiProject, on_delete=models.CASCADE, related_name="routines")
    name = models.CharField(_("rutine"), max_length=200)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tjeneste")
    )
    assessment = models.CharField(_("vurdering"), max_length=14, choices=Assessment.choices, default=Assessment.OPEN)
    note = models.TextField(_("merknad"), blank=True)

    class Meta:
        verbose_name = _("kartlagt rutine")
        verbose_name_plural = _("kartlagte rutiner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingKind(models.TextChoices):
    BASIS = "grunnopplaering", _("Grunnopplæring i BTI")
    VEILEDER = "handlingsveileder", _("Handlingsveilederen i egen tjeneste")
    STAFETT = "stafettholder", _("Stafettholder og stafettlogg")
    SAMTALE = "samtale", _("Samtaler med barn og foreldre")
    TIDLIG_INN = "tidlig_inn", _("Tidlig inn")


class TrainingRecord(models.Model):
    """One staff member's BTI training (personal data about staff, shown to the BTI-koordinator
    and to the person's unit leader)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bti_training")
    kind = models.CharField(_("opplæring"), max_length=20, choices=TrainingKind.choices)
    completed_on = models.DateField(_("dato"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("opplæring")
        verbose_name_plural = _("opplæring")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="training_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"


class Recipient(models.TextChoices):
    KOORDINATOR = "koordinator", _("BTI-koordinatoren")
    LEDER = "leder", _("Lederen for enheten min")


class FeedbackStatus(models.TextChoices):
    NEW = "ny", _("Ny")
    ANSWERED = "besvart", _("Besvart")


class Feedback(models.Model):
    """A message from staff about the BTI work. Anonymous: no author, and only the date,
    not the time. The writer of an anonymous message reads the answer with a code only
    they were shown (stored as a hash)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(_("til"), max_length=12, choices=Recipient.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField(_("tilbakemelding"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    code_hash = models.CharField(max_length=64, blank=True)
    created_on = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)

    class Meta:
        verbose_name = _("tilbakemelding")
        verbose_name_plural = _("tilbakemeldinger")
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return str(self.id)

    @property
    def is_anonymous(self) -> bool:
        return self.author_id is None


class FeedbackReply(models.Model):
    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("svar"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("svar på tilbakemelding")
        verbose_name_plural = _("svar på tilbakemeldinger")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.at:%Y-%m-%d}"
