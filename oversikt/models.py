"""Notifications, oppfølgingsbrudd alarms, follow-up settings and the de-identified
summary tables behind the leader overview (ADR 0005-overview)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.models import Kommune, Unit
from cases.models import Case


class FollowUpSettings(models.Model):
    """How long a kommune lets a case on one level go without activity, how long a
    handover may wait for an answer, and the grace before the unit leader is told."""

    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("nivå"))
    inactivity_days = models.PositiveSmallIntegerField(_("dager uten aktivitet før varsel"), default=30)
    handover_days = models.PositiveSmallIntegerField(_("dager et forslag om stafettholder kan vente"), default=7)
    leader_grace_days = models.PositiveSmallIntegerField(_("dager før leder varsles"), default=3)

    class Meta:
        verbose_name = _("oppfølgingsinnstilling")
        verbose_name_plural = _("oppfølgingsinnstillinger")
        constraints = [
            models.UniqueConstraint(fields=["kommune", "level"], name="followup_unique_level"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=3), name="followup_level_0_to_3"),
        ]

    def __str__(self) -> str:
        return f"{self.kommune.name}, nivå {self.level}"


class AlarmRule(models.TextChoices):
    DECISION_OVERDUE = "beslutning_forfalt", _("Beslutning på nivå 0 har passert fristen")
    EVALUATION_OVERDUE = "evaluering_forfalt", _("Evaluering av tiltak har passert fristen")
    INACTIVE = "ingen_aktivitet", _("Ingen aktivitet i stafettloggen på lenge")
    HOLDER_GONE = "stafettholder_borte", _("Stafettholderen er ikke lenger aktiv i enheten")
    HANDOVER_WAITING = "overforing_venter", _("Forslag om ny stafettholder er ikke besvart")
    CONSENT_EXPIRING = "samtykke_utloper", _("Samtykke utløper snart eller er utløpt")


class Alarm(models.Model):
    """One oppfølgingsbrudd finding. ``key`` names the finding (rule, case and what makes
    it a new finding, e.g. the deadline), so repeated runs never raise it twice."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("regel"), max_length=30, choices=AlarmRule.choices)
    key = models.CharField(max_length=120)
    detected_at = models.DateTimeField(_("oppdaget"), default=timezone.now)
    leader_notified_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("løst"), null=True, blank=True)

    class Meta:
        verbose_name = _("oppfølgingsbrudd")
        verbose_name_plural = _("oppfølgingsbrudd")
        constraints = [models.UniqueConstraint(fields=["kommune", "key"], name="alarm_unique_key")]
        indexes = [
            models.Index(fields=["kommune", "rule"], condition=Q(resolved_at__isnull=True), name="alarm_open_idx")
        ]

    def __str__(self) -> str:
        return self.key


class NotificationKind(models.TextChoices):
    HANDOVER_PROPOSED = "stafett_foreslatt", _("Du er foreslått som stafettholder")
    BECAME_HOLDER = "stafett_overtatt", _("Du er stafettholder")
    MEETING_INVITED = "mote_invitasjon", _("Invitasjon til samarbeidsmøte")
    MEETING_CHANGED = "mote_endret", _("Et samarbeidsmøte er endret")
    MEETING_CANCELLED = "mote_avlyst", _("Et samarbeidsmøte er avlyst")
    MEASURE_ASSIGNED = "tiltak_tildelt", _("Du er ansvarlig for et tiltak")
    EVALUATION_DUE = "evaluering_forfalt", _("Evaluering av tiltak har passert fristen")
    # Issue 17 item 4: a reminder before the evaluation date, and a consent withdrawn.
    EVALUATION_SOON = "evaluering_snart", _("Et tiltak skal evalueres snart")
    CONSENT_EXPIRING = "samtykke_utloper", _("Samtykke utløper snart eller er utløpt")
    CONSENT_WITHDRAWN = "samtykke_trukket", _("Et samtykke er trukket tilbake")
    ALARM = "oppfolgingsbrudd", _("Oppfølgingsbrudd")
    # The family portal (issue 14): a consent withdrawn, a question why someone read, a concern.
    FAMILY = "familie", _("Fra foreldreportalen")
    # «Saker delt med oss» (issue 17 item 3): the unit got a basis, a transition or a tiltak.
    SHARED = "delt_med_enheten", _("En sak er delt med enheten din")


class Notification(models.Model):
    """One message to one person in the in-app notification centre. The text names the
    event and the case number, never the child or the case content."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("type"), max_length=30, choices=NotificationKind.choices)
    text = models.CharField(_("tekst"), max_length=300)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    alarm = models.ForeignKey(Alarm, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications")
    # Unique per user when set: the same event never reaches a person twice.
    key = models.CharField(max_length=160, blank=True)
    created_at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    read_at = models.DateTimeField(_("lest"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("varsel")
        verbose_name_plural = _("varsler")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~Q(key=""), name="notification_unique_key"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_created_idx"),
            # The header count: one index-only count of a user's unread rows.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.text


class EmailMode(models.TextChoices):
    IMMEDIATE = "straks", _("En e-post for hvert varsel")
    DIGEST = "daglig", _("En samlet e-post hver dag")
    NONE = "ingen", _("Ingen e-post, bare varsler i løsningen")


class NotificationPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email_mode = models.CharField(
        _("e-post om varsler"), max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )

    class Meta:
        verbose_name = _("varslingsinnstilling")
        verbose_name_plural = _("varslingsinnstillinger")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_mode}"


class CaseFact(models.Model):
    """One de-identified row per case for the leader overview: no child, no text, only
    the unit, levels and dates. Rebuilt from the cases and the stafettlogg by
    ``oversikt.facts.refresh_facts`` (Celery, every 15 minutes, and on demand)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="+")
    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    service_id = models.BigIntegerField()
    level = models.PositiveSmallIntegerField()
    is_open = models.BooleanField()
    opened_on = models.DateField()
    decided_on = models.DateField(null=True)
    went_on = models.BooleanField(null=True)
    closed_on = models.DateField(null=True)
    has_active_holder = models.BooleanField()
    handover_pending = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["kommune", "opened_on"], include=["unit", "service_id"], name="casefact_opened_idx"),
            # Index-only scans for the overview's snapshot of open cases.
            models.Index(
                fields=["kommune", "level", "service_id", "unit"],
                include=["has_active_holder", "handover_pending"],
                condition=Q(is_open=True),
                name="casefact_open_idx",
            ),
            models.Index(
                fields=["kommune", "decided_on"],
                include=["opened_on", "went_on", "unit", "service_id"],
                name="casefact_decided_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"sak {self.case_id}"


class LevelFact(models.Model):
    """One level change or closing of a case (from the stafettlogg's beslutning,
    nivåendring and avslutning entries), with the days spent on the level it left.
    ``to_level`` is -1 for a closing."""

    entry_id = models.BigIntegerField(primary_key=True)
    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    service_id = models.BigIntegerField()
    from_level = models.SmallIntegerField()
    to_level = models.SmallIntegerField()
    on = models.DateField()
    days_on_level = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["kommune", "on"],
                include=["from_level", "to_level", "days_on_level", "unit", "service_id"],
                name="levelfact_on_idx",
            )
        ]

    def __str__(self) -> str:
        return f"sak {self.case_id}: {self.from_level} → {self.to_level}"


class FactsVersion(models.Model):
    """Which refresh of a kommune's summary rows a database holds: ``refresh_facts``
    bumps it in the same transaction as the rows. The overview's cache is keyed by the
    version read from the same database as the rows (the replica or the primary), so a
    lagging replica's numbers are never cached as the primary's (ADR 0020)."""

    kommune = models.OneToOneField(Kommune, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.kommune_id}: {self.version}"
