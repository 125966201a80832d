"""Retention rules (issue 15 item 1): per kommune, and per service where they differ.

A rule says how long after a case is closed its personal data is kept, whether the case
is then kept for ever in the archive (bevares) or destroyed (kasseres, Noark 5
kassasjonsvedtak, R-06), and how long the innsynslogg and the security log are kept.
Without a row the built-in default of ``arkiv.rules`` applies (docs/retention.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Disposal(models.TextChoices):
    BEVARES = "bevares", _("Bevares (avleveres til arkivet)")
    KASSERES = "kasseres", _("Kasseres (slettes når tiden er ute)")


class RetentionRule(models.Model):
    kommune = models.ForeignKey("bti.Kommune", on_delete=models.CASCADE, related_name="retention_rules")
    # Null: the kommune's own default for every service without a rule of its own.
    service = models.ForeignKey(
        "bti.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="retention_rules"
    )
    case_years = models.PositiveSmallIntegerField(_("år etter at saken er avsluttet"))
    disposal = models.CharField(_("bevaring eller kassasjon"), max_length=10, choices=Disposal.choices)
    innsynslogg_years = models.PositiveSmallIntegerField(_("år innsynsloggen beholdes"))
    security_log_years = models.PositiveSmallIntegerField(_("år sikkerhetsloggen beholdes"))
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("oppbevaringsregel")
        verbose_name_plural = _("oppbevaringsregler")
        constraints = [
            models.UniqueConstraint(
                fields=["kommune"], condition=models.Q(service__isnull=True), name="retention_one_default_per_kommune"
            ),
            models.UniqueConstraint(
                fields=["kommune", "service"],
                condition=models.Q(service__isnull=False),
                name="retention_one_rule_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kommune_id}/{self.service_id or '-'}"


# --- Arkivmelding deliveries (issue 15 item 2, docs/adr/0025) ---------------------------


class DeliveryStatus(models.TextChoices):
    VENTER = "venter", _("Venter")
    SENDT = "sendt", _("Sendt")
    KVITTERT = "kvittert", _("Kvittert av arkivet")
    FEILET = "feilet", _("Feilet")


class Delivery(models.Model):
    """One arkivmelding for one case on its way to the kommune's archive. The message is
    built anew from the case at every attempt (nothing personal is stored here but the
    archive's kvittering); ``arkiv.delivery.acknowledged(case)`` is true once a kvittering
    is recorded, and nothing of the case may be deleted before that."""

    kommune = models.ForeignKey("bti.Kommune", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="archive_deliveries")
    transport = models.CharField(_("transport"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.VENTER)
    attempts = models.PositiveSmallIntegerField(_("forsøk"), default=0)
    last_error = models.TextField(_("siste feil"), blank=True)
    reference = models.CharField(_("referanse"), max_length=300, blank=True)
    message_sha256 = models.CharField(max_length=64, blank=True)
    kvittering = models.TextField(_("kvittering"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("arkivlevering")
        verbose_name_plural = _("arkivleveringer")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kommune", "status"], name="arkiv_delivery_status_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.pk}:{self.status}"


# --- Kassasjon (issue 15 item 3, docs/adr/0026) ------------------------------------------


class Kassasjon(models.Model):
    """The tombstone of a case whose retention ended: its key was destroyed (the content
    can never be opened again), its identifying fields cleared. Nothing personal is kept
    here: the case number, the unit, the rule and what was destroyed (counts). Together
    these rows are the log of what was deleted, when and under which rule."""

    kommune = models.ForeignKey("bti.Kommune", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="kassasjon")
    unit_name = models.CharField(_("enhet"), max_length=200)
    rule = models.CharField(_("regel"), max_length=300)
    disposal = models.CharField(_("bevaring eller kassasjon"), max_length=10, choices=Disposal.choices)
    closed_on = models.DateField(_("avsluttet"))
    due_on = models.DateField(_("oppbevaringstiden gikk ut"))
    done_at = models.DateTimeField(_("slettet"))
    # Null: the daily task; else the person who started the run.
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    run = models.CharField(_("kjøring"), max_length=36)
    destroyed = models.JSONField(_("slettet innhold"), default=dict)

    class Meta:
        verbose_name = _("kassasjon")
        verbose_name_plural = _("kassasjoner")
        ordering = ["-done_at", "-pk"]
        indexes = [models.Index(fields=["kommune", "-done_at"], name="arkiv_kassasjon_kommune_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.done_at:%Y-%m-%d}"
