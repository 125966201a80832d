"""Per-service, versioned step guides (handlingsveiledere) and how cases follow them.

A ``Handlingsveileder`` belongs to one kommune and one service (or, with no service, is
the kommune's default). Its content lives in ``GuideVersion`` rows that go draft →
published → retired. A published or retired version is immutable: the services refuse
it, and database triggers (migration 0002) refuse it even for raw SQL.

Cases relate to guides from this app only (the cases app stays untouched):
``CaseGuide`` records the version a case follows; ``StepProgress`` records a case's
progress on one trinn.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from bti.models import Kommune, Service, ServiceCategory

LEVELS = (0, 1, 2, 3)
DEFAULT_LEVEL_LABELS = {
    0: "Nivå 0 – avklaring",
    1: "Nivå 1 – innsats i egen tjeneste",
    2: "Nivå 2 – samarbeid mellom tjenester",
    3: "Nivå 3 – utvidet samarbeid",
}


class LevelLabel(models.Model):
    """A kommune's own name for a nivå («Nivå B», «Samskape»)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("nivå"))
    label = models.CharField(_("navn"), max_length=80)

    class Meta:
        verbose_name = _("nivånavn")
        verbose_name_plural = _("nivånavn")
        constraints = [
            models.UniqueConstraint(fields=["kommune", "level"], name="hv_levellabel_unique"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=3), name="hv_levellabel_0_to_3"),
        ]

    def __str__(self) -> str:
        return self.label


class Handlingsveileder(models.Model):
    """One service's guide in one kommune; ``service`` empty means the kommune default."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tjeneste")
    )
    category = models.CharField(
        _("kategori"), max_length=10, choices=ServiceCategory.choices, default=ServiceCategory.BASIS
    )
    name = models.CharField(_("navn"), max_length=150)

    class Meta:
        verbose_name = _("handlingsveileder")
        verbose_name_plural = _("handlingsveiledere")
        ordering = ["kommune", "name"]
        permissions = [("edit_guide", "Kan redigere handlingsveilederen")]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "service"], name="hv_one_guide_per_service"),
            models.UniqueConstraint(
                fields=["kommune"], condition=Q(service__isnull=True), name="hv_one_default_per_kommune"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_default(self) -> bool:
        return self.service_id is None


class HandlingsveilederUserObjectPermission(UserObjectPermissionBase):
    """Who may edit which guide (django-guardian, direct foreign key)."""

    content_object: Any = models.ForeignKey(Handlingsveileder, on_delete=models.CASCADE)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    PUBLISHED = "published", _("Publisert")
    RETIRED = "retired", _("Erstattet")


class GuideVersion(models.Model):
    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    guide = models.ForeignKey(Handlingsveileder, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("versjon"))
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("basert på")
    )
    note = models.TextField(_("endringsnotat"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("versjon av handlingsveileder")
        verbose_name_plural = _("versjoner av handlingsveileder")
        ordering = ["guide", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="hv_version_unique_number"),
            models.UniqueConstraint(fields=["guide"], condition=Q(status="draft"), name="hv_one_draft_per_guide"),
            models.UniqueConstraint(
                fields=["guide"], condition=Q(status="published"), name="hv_one_published_per_guide"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guide} v{self.number} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class DeadlineFrom(models.TextChoices):
    STEP = "step", _("fra trinnet starter")
    LEVEL = "level", _("fra saken kom på nivået")


class Step(models.Model):
    """One trinn of one nivå in a version: Hva / Hvordan / Hvem / Verktøy, a checklist and a deadline.

    ``key`` stays the same when a draft is copied from a published version, so diffs and
    a case's progress follow the trinn across versions."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="steps")
    key = models.UUIDField(default=uuid.uuid4)
    level = models.PositiveSmallIntegerField(_("nivå"))
    position = models.PositiveSmallIntegerField(_("rekkefølge"))
    title = models.CharField(_("tittel"), max_length=120)
    summary = models.CharField(_("kort beskrivelse"), max_length=300, blank=True)
    what = models.TextField(_("hva"), blank=True)
    how = models.TextField(_("hvordan"), blank=True)
    who = models.CharField(_("hvem"), max_length=200, blank=True)
    checklist = models.JSONField(_("sjekkliste"), default=list, blank=True)
    # The same texts in nynorsk where the kommune wrote them (ADR 0030, issue 18 item 4): shown
    # to nynorsk readers through ``bti.languages.written``; empty means the text above for all.
    title_nn = models.CharField(_("tittel på nynorsk"), max_length=120, blank=True, default="")
    summary_nn = models.CharField(_("kort beskrivelse på nynorsk"), max_length=300, blank=True, default="")
    what_nn = models.TextField(_("hva på nynorsk"), blank=True, default="")
    how_nn = models.TextField(_("hvordan på nynorsk"), blank=True, default="")
    who_nn = models.CharField(_("hvem på nynorsk"), max_length=200, blank=True, default="")
    # Same number of points as ``checklist`` (a case's ticks are stored by index).
    checklist_nn = models.JSONField(_("sjekkliste på nynorsk"), default=list, blank=True)
    deadline_days = models.SmallIntegerField(_("frist (dager)"), null=True, blank=True)
    deadline_from = models.CharField(
        _("fristen regnes"), max_length=5, choices=DeadlineFrom.choices, default=DeadlineFrom.LEVEL
    )
    # The actions that fulfil the trinn (codes of ``handlingsveileder.actions.ACTIONS``): doing
    # one ticks the trinn. Empty: the trinn is ticked by hand.
    completed_by_actions = models.JSONField(_("fullføres av handlingene"), default=list, blank=True)

    class Meta:
        verbose_name = _("trinn")
        verbose_name_plural = _("trinn")
        ordering = ["version", "level", "position"]
        constraints = [
            # Deferred, so two trinn can swap places inside one transaction.
            models.UniqueConstraint(
                fields=["version", "level", "position"],
                name="hv_step_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.UniqueConstraint(fields=["version", "key"], name="hv_step_unique_key"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=3), name="hv_step_level_0_to_3"),
            models.CheckConstraint(
                condition=Q(deadline_days__isnull=True) | Q(deadline_days__gte=0, deadline_days__lte=365),
                name="hv_step_deadline_0_to_365",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Tool(models.Model):
    """A verktøy of a trinn: a link (http/https only) or an uploaded file served through an access-checking view."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="tools")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(_("navn"), max_length=150)
    title_nn = models.CharField(_("navn på nynorsk"), max_length=150, blank=True, default="")
    url = models.URLField(_("lenke"), max_length=500, blank=True)
    file = models.FileField(_("fil"), upload_to="handlingsveileder/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("verktøy")
        verbose_name_plural = _("verktøy")
        ordering = ["step", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | ~Q(file=""), name="hv_tool_url_or_file"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.file)


class CaseGuide(models.Model):
    """The handlingsveileder version a case follows (DESIGN.md invariant 8)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="hv_guide")
    version = models.ForeignKey(GuideVersion, on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sakens handlingsveileder")
        verbose_name_plural = _("sakenes handlingsveiledere")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.version}"


class ProgressStatus(models.TextChoices):
    STARTED = "started", _("Påbegynt")
    DONE = "done", _("Fullført")
    SKIPPED = "skipped", _("Hoppet over")


class StepProgress(models.Model):
    """A case's progress on one trinn. Matched by ``step_key`` so it survives a move to a newer version."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="step_progress")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    step_key = models.UUIDField()
    level = models.PositiveSmallIntegerField(_("nivå"))
    status = models.CharField(_("status"), max_length=10, choices=ProgressStatus.choices)
    checked = models.JSONField(_("avkrysset"), default=list, blank=True)
    reason = models.TextField(_("begrunnelse"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fremdrift på trinn")
        verbose_name_plural = _("fremdrift på trinn")
        constraints = [models.UniqueConstraint(fields=["case", "step_key"], name="hv_progress_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.step_id} {self.status}"
