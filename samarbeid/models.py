"""Plans (mål, tiltak, evalueringer), the kommune's tiltak catalogue, samarbeidsmøter,
transitions between units, closing notes and PDF print jobs (issue #4).

DESIGN.md places these in ``cases/``; they live in their own app so that their
migrations do not collide with the case flow's (docs/adr/0008-samarbeid-app-and-transitions.md).
Every table carries ``kommune`` directly (the tenant key).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.categories import PLAN_TILTAK
from bti.models import Kommune, Service, Unit
from bti.sealing import SealedTextField
from cases.models import Case


class CatalogueKind(models.TextChoices):
    TILTAK = "tiltak", _("Tiltak")
    ARENA = "arena", _("Samarbeidsarena")


class CatalogueLevel(models.TextChoices):
    ALLE = "alle", _("Alle nivå")
    NIVA_0 = "0", _("Nivå 0")
    NIVA_1 = "1", _("Nivå 1")
    NIVA_2 = "2", _("Nivå 2")
    NIVA_3 = "3", _("Nivå 3")


class CatalogueItem(models.Model):
    """One entry in the kommune's tiltaksoversikt: an existing tiltak or samarbeidsarena."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type"), max_length=10, choices=CatalogueKind.choices, default=CatalogueKind.TILTAK)
    name = models.CharField(_("navn"), max_length=150)
    description = models.TextField(_("beskrivelse"))
    # Nynorsk texts where the kommune wrote them (ADR 0030): ``bti.languages.written`` picks.
    name_nn = models.CharField(_("navn på nynorsk"), max_length=150, blank=True, default="")
    description_nn = models.TextField(_("beskrivelse på nynorsk"), blank=True, default="")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tjeneste")
    )
    target_group = models.CharField(_("målgruppe"), max_length=200, blank=True)
    level = models.CharField(_("nivå"), max_length=4, choices=CatalogueLevel.choices, default=CatalogueLevel.ALLE)
    contact = models.CharField(_("kontakt"), max_length=200, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tiltak i tiltaksoversikten")
        verbose_name_plural = _("tiltaksoversikt")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["kommune", "name"], name="catalogue_unique_name_per_kommune")]

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    """A mål in the case's plan, written with the family."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="goals")
    text = SealedTextField(_("mål"))
    agreed_with = models.CharField(_("utarbeidet sammen med"), max_length=200)
    # The information category (docs/adr/0013): set when written, «Plan og tiltak» unless the
    # writer chose a stricter one; a reader sees the object only if they hold it.
    category = models.CharField(_("opplysningskategori"), max_length=40, default=PLAN_TILTAK, db_default=PLAN_TILTAK)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class MeasureStatus(models.TextChoices):
    PLANLAGT = "planlagt", _("Planlagt")
    PAGAR = "pagar", _("Pågår")
    EVALUERT = "evaluert", _("Evaluert")
    AVSLUTTET = "avsluttet", _("Avsluttet")


class Measure(models.Model):
    """A tiltak under a mål: who is responsible, from when, and when it is evaluated."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="measures")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="measures", verbose_name=_("mål"))
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fra tiltaksoversikten"),
    )
    description = SealedTextField(_("beskrivelse"))
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("ansvarlig enhet")
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_measures",
        verbose_name=_("ansvarlig person"),
    )
    responsible_other = models.CharField(
        _("annen ansvarlig"), max_length=150, blank=True, help_text=_("For eksempel foreldrene, for tiltak hjemme.")
    )
    start_date = models.DateField(_("startdato"))
    evaluation_date = models.DateField(_("evalueringsdato"))
    status = models.CharField(_("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANLAGT)
    # The information category (docs/adr/0013): set when written, «Plan og tiltak» unless the
    # writer chose a stricter one; a reader sees the object only if they hold it.
    category = models.CharField(_("opplysningskategori"), max_length=40, default=PLAN_TILTAK, db_default=PLAN_TILTAK)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("tiltak")
        verbose_name_plural = _("tiltak")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(evaluation_date__gte=models.F("start_date")), name="measure_eval_after_start"
            ),
            models.CheckConstraint(
                condition=Q(responsible_user__isnull=False) | ~Q(responsible_other=""), name="measure_has_responsible"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def responsible_name(self) -> str:
        if self.responsible_user_id and self.responsible_user is not None:
            return self.responsible_user.full_name
        return self.responsible_other


class EvaluationDecision(models.TextChoices):
    FORTSETTE = "fortsette", _("Fortsette tiltaket")
    JUSTERE = "justere", _("Justere tiltaket")
    AVSLUTTE = "avslutte", _("Avslutte tiltaket")


class Evaluation(models.Model):
    """An evaluation of a tiltak: what happened, the child's and the parents' view, the decision."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="evaluations")
    what_happened = SealedTextField(_("hva har skjedd"))
    child_view = SealedTextField(_("barnets stemme"))
    parents_view = SealedTextField(_("foreldrenes syn"))
    decision = models.CharField(_("beslutning"), max_length=10, choices=EvaluationDecision.choices)
    adjustment = SealedTextField(_("justering"), blank=True)
    next_evaluation_date = models.DateField(_("neste evalueringsdato"), null=True, blank=True)
    # The information category (docs/adr/0013): set when written, «Plan og tiltak» unless the
    # writer chose a stricter one; a reader sees the object only if they hold it.
    category = models.CharField(_("opplysningskategori"), max_length=40, default=PLAN_TILTAK, db_default=PLAN_TILTAK)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evaluering")
        verbose_name_plural = _("evalueringer")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.created_at:%d.%m.%Y})"


class MeetingStatus(models.TextChoices):
    PLANLAGT = "planlagt", _("Planlagt")
    GJENNOMFORT = "gjennomfort", _("Gjennomført")
    AVLYST = "avlyst", _("Avlyst")


class Meeting(models.Model):
    """A samarbeidsmøte on a case: scheduled first, then the referat is written."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("tidspunkt"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    video_link = models.URLField(_("videolenke"), blank=True)
    agenda = SealedTextField(_("saksliste"))
    family_participants = models.CharField(
        _("deltakere fra familien"), max_length=300, blank=True, help_text=_("For eksempel mor, far og barnet.")
    )
    status = models.CharField(max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANLAGT)
    # The information category (docs/adr/0013): set when written, «Plan og tiltak» unless the
    # writer chose a stricter one; a reader sees the object only if they hold it.
    category = models.CharField(_("opplysningskategori"), max_length=40, default=PLAN_TILTAK, db_default=PLAN_TILTAK)
    # The referat, its decisions and tasks: its own category, chosen when the referat is written.
    referat_category = models.CharField(
        _("referatets opplysningskategori"), max_length=40, default=PLAN_TILTAK, db_default=PLAN_TILTAK
    )
    referat = SealedTextField(_("referat"), blank=True)
    decisions = SealedTextField(_("beslutninger"), blank=True)
    tasks = SealedTextField(_("avtalte oppgaver"), blank=True)
    referat_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referat_at = models.DateTimeField(null=True, blank=True)
    referat_entry_id = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Each change (time, place) and the cancellation bump it: the .ics SEQUENCE (RFC 5545).
    version = models.PositiveIntegerField(default=1)
    cancelled_at = models.DateTimeField(_("avlyst"), null=True, blank=True)
    cancel_reason = models.CharField(_("grunn til avlysning"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("samarbeidsmøte")
        verbose_name_plural = _("samarbeidsmøter")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["case", "starts_at"], name="meeting_case_start_idx")]

    def __str__(self) -> str:
        return f"Samarbeidsmøte {self.starts_at:%d.%m.%Y}"


class MeetingParticipant(models.Model):
    """A person from an involved unit invited to a meeting (the family is named on the meeting)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_invites")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("møtedeltaker")
        verbose_name_plural = _("møtedeltakere")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="participant_once_per_meeting")]
        indexes = [models.Index(fields=["user", "meeting"], name="participant_user_idx")]

    def __str__(self) -> str:
        return str(self.user)


class TransitionKind(models.TextChoices):
    BARNEHAGE_SKOLE = "barnehage_skole", _("Barnehage til skole")
    BARNESKOLE_UNGDOMSSKOLE = "barneskole_ungdomsskole", _("Barneskole til ungdomsskole")
    FLYTTING = "flytting", _("Flytting til en annen enhet i kommunen")
    ANNET = "annet", _("Annet")


class TransitionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Venter på mottak")
    ACCEPTED = "accepted", _("Mottatt")
    DECLINED = "declined", _("Avslått")
    WITHDRAWN = "withdrawn", _("Trukket tilbake")


class Transition(models.Model):
    """An overgang: the case moves to another unit in the same kommune once that unit accepts."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("fra enhet"))
    to_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="incoming_transitions", verbose_name=_("til enhet")
    )
    kind = models.CharField(_("type overgang"), max_length=30, choices=TransitionKind.choices)
    message = models.TextField(_("melding til mottakende enhet"), blank=True)
    status = models.CharField(max_length=10, choices=TransitionStatus.choices, default=TransitionStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    new_stafettholder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("overgang")
        verbose_name_plural = _("overganger")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="proposed"), name="one_open_transition"),
        ]
        indexes = [models.Index(fields=["to_unit", "status"], name="transition_to_unit_idx")]

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit} ({self.get_status_display()})"


class ClosingReason(models.TextChoices):
    MAL_NADD = "mal_nadd", _("Målene er nådd")
    INGEN_BEKYMRING = "ingen_bekymring", _("Det er ikke lenger grunn til bekymring")
    FORELDRE = "foreldre", _("Foreldrene eller ungdommen ønsker å avslutte")
    ANNEN_OPPFOLGING = "annen_oppfolging", _("Følges opp på annen måte (for eksempel individuell plan)")
    FLYTTET = "flyttet", _("Barnet har flyttet fra kommunen")
    ANNET = "annet", _("Annet")


class CaseClosing(models.Model):
    """What was recorded when a case was closed through the avslutning page."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closings")
    reason = models.CharField(_("årsak"), max_length=20, choices=ClosingReason.choices)
    summary = SealedTextField(_("oppsummering"))
    family_informed = SealedTextField(_("hva familien har fått vite"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("avslutning")
        verbose_name_plural = _("avslutninger")
        ordering = ["-closed_at"]

    def __str__(self) -> str:
        return self.get_reason_display()


class PdfKind(models.TextChoices):
    LOGG = "logg", _("Stafettlogg")
    PLAN = "plan", _("Plan")
    REFERAT = "referat", _("Møtereferat")
    SAMMENDRAG = "sammendrag", _("Saksoppsummering (én side)")


class PdfJobStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("Lages")
    DONE = "done", _("Ferdig")
    FAILED = "failed", _("Feilet")


class PdfJob(models.Model):
    """A PDF rendered in the background; downloadable only by ``requested_by`` until ``expires_at``."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=PdfKind.choices)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=PdfJobStatus.choices, default=PdfJobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    entry_count = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    # Claims by a task run (samarbeid/pdfjobs.py): bounded by PDF_MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(default=0)
    # The last sign of life: when it was queued, or its renderer's last heartbeat.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("utskriftsjobb")
        verbose_name_plural = _("utskriftsjobber")
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="pdfjob_user_idx"),
            # The sweeper's scan: only open jobs.
            models.Index(
                fields=["status", "heartbeat_at"],
                condition=models.Q(status__in=["queued", "running"]),
                name="pdfjob_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
