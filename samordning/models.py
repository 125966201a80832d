"""Who coordinates a case under the 2022 law (samordningsplikt) and the child's
barnekoordinator (issue 16 item 4, docs/adr/0015-kommune-administration.md).

Both are case content: every row carries its information category (``category``, set
when written, DESIGN.md invariant 9), and every change is a stafettlogg entry written in
the same transaction. Rows are never edited: a new decision is a new row, the newest one
is in force; a barnekoordinator's role ends with ``ended_at``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.models import Kommune, Service, Unit
from cases.models import Case
from consent.categories import DEFAULT_CATEGORY
from consent.models import ConsentForm

# The information category of coordination content: who coordinates and who the
# barnekoordinator is belong with the stafettholder, in the stafettlogg category.
CATEGORY = DEFAULT_CATEGORY


class Coordination(models.Model):
    """A decision about which service coordinates a case on nivå 2–3, with the child's and
    the parents' view, who decided, and the kommune's decision when services disagreed."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="coordinations")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("tjeneste"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("enhet")
    )
    child_view = models.TextField(_("barnets syn"))
    parents_view = models.TextField(_("foreldrenes syn"))
    decided_by = models.CharField(_("hvem besluttet"), max_length=200)
    decided_on = models.DateField(_("besluttet dato"))
    services_agree = models.BooleanField(_("tjenestene er enige"), default=True)
    disagreement = models.TextField(_("hva tjenestene var uenige om"), blank=True)
    kommune_decision = models.TextField(_("kommunens beslutning"), blank=True)
    kommune_decided_by = models.CharField(_("hvem i kommunen besluttet"), max_length=200, blank=True)
    category = models.CharField(_("opplysningskategori"), max_length=40, default=CATEGORY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    entry_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("samordning")
        verbose_name_plural = _("samordninger")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["case", "-recorded_at"], name="coordination_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(services_agree=True) | (~Q(kommune_decision="") & ~Q(kommune_decided_by="")),
                name="coordination_disagreement_has_kommune_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.decided_on:%d.%m.%Y})"


class Barnekoordinator(models.Model):
    """The child's barnekoordinator (helse- og omsorgstjenesteloven § 7-2 a), appointed
    with the parents' consent. A role of its own, not the stafettholder: the two may be
    different people, or the same person. The appointment opens no case by itself
    (a proposal or a role opens nothing, invariant 9): the person reads the case on the
    usual bases (the owning unit, the stafettholder role, a consent to their unit)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="barnekoordinatorer")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("barnekoordinator")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet"))
    consent_guardians = models.ManyToManyField(
        "cases.Guardian", blank=True, related_name="+", verbose_name=_("foresatte som samtykket")
    )
    consent_by_young_person = models.BooleanField(_("ungdommen samtykket selv"), default=False)
    consent_form = models.CharField(_("samtykkets form"), max_length=10, choices=ConsentForm.choices)
    consent_note = models.TextField(_("referat av samtykket"), blank=True)
    consented_on = models.DateField(_("samtykket dato"))
    started_on = models.DateField(_("fra dato"))
    category = models.CharField(_("opplysningskategori"), max_length=40, default=CATEGORY)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(_("hvorfor rollen ble avsluttet"), blank=True)

    class Meta:
        verbose_name = _("barnekoordinator")
        verbose_name_plural = _("barnekoordinatorer")
        ordering = ["-appointed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="one_active_barnekoordinator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.started_on:%d.%m.%Y})"
