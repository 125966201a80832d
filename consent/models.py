"""Samtykke and other legal bases for sharing, per case (DESIGN.md §1 «Samtykke», invariant 1, 2, 6).

A ``Consent`` is given (or refused) by the guardians with foreldreansvar and/or the
young person, to units (a service, not a person: C-05), for information categories
(C-07), for a purpose, in a form, for a period. Each (recipient unit, category) pair is
one ``ConsentScope`` row: the access policy asks «is there a valid, not withdrawn scope
for my unit on this case?» with one EXISTS, evaluated per request (no cached grants).
Withdrawal marks scope rows; the history lives in ``ConsentEvent`` and the stafettlogg.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.models import Kommune, Unit


class InformationCategory(models.Model):
    """A kind of information a consent may cover. Rows without a kommune are the defaults
    every kommune has; a kommune adds its own rows."""

    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("navn"), max_length=100)
    # The name in nynorsk where the kommune gave one (ADR 0030): ``bti.languages.written`` picks.
    name_nn = models.CharField(_("navn på nynorsk"), max_length=100, blank=True, default="")
    is_health = models.BooleanField(
        _("helseopplysninger"),
        default=False,
        help_text=_("Helserettslig myndighetsalder gjelder (pasient- og brukerrettighetsloven § 4-3)."),
    )
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("opplysningskategori")
        verbose_name_plural = _("opplysningskategorier")
        ordering = ["sort", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "code"], name="category_unique_code_per_kommune"),
            models.UniqueConstraint(fields=["code"], condition=Q(kommune__isnull=True), name="category_unique_default"),
        ]

    def __str__(self) -> str:
        return self.name


class AgeRules(models.Model):
    """A kommune's age thresholds for involving the child and for consent. Without a row
    the defaults apply (``AgeRules.defaults``)."""

    kommune = models.OneToOneField(Kommune, on_delete=models.CASCADE, related_name="age_rules")
    inform_from = models.PositiveSmallIntegerField(
        _("barnet informeres og sier sin mening fra (år)"),
        default=7,
        help_text=_("Barneloven § 31 første ledd: fra 7 år skal barnet få informasjon og si sin mening."),
    )
    great_weight_from = models.PositiveSmallIntegerField(
        _("stor vekt på barnets mening fra (år)"),
        default=12,
        help_text=_("Barneloven § 31 andre ledd: fra 12 år skal det legges stor vekt på barnets mening."),
    )
    consents_alone_from = models.PositiveSmallIntegerField(
        _("ungdommen samtykker selv fra (år)"),
        default=16,
        help_text=_(
            "Kommunene praktiserer 15 eller 16 år. Datatilsynet: hovedregelen er 18 år, men mindreårige kan "
            "samtykke selv etter modenhet. Barnevernet: barn over 15 år samtykker selv (veileder om samtykke)."
        ),
    )
    health_consents_alone_from = models.PositiveSmallIntegerField(
        _("ungdommen samtykker selv til helseopplysninger fra (år)"),
        default=16,
        help_text=_("Pasient- og brukerrettighetsloven § 4-3: helserettslig myndighetsalder er 16 år."),
    )

    class Meta:
        verbose_name = _("aldersregler")
        verbose_name_plural = _("aldersregler")

    def __str__(self) -> str:
        return str(self.kommune)

    @classmethod
    def for_kommune(cls, kommune_id: int) -> AgeRules:
        return cls.objects.filter(kommune_id=kommune_id).first() or cls(kommune_id=kommune_id)


class ConsentDecision(models.TextChoices):
    GIVEN = "given", _("Samtykke gitt")
    REFUSED = "refused", _("Samtykke nektet")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Skriftlig")
    ORAL = "oral", _("Muntlig (med referat)")
    DIGITAL = "digital", _("Digitalt")


class Consent(models.Model):
    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    decision = models.CharField(_("avgjørelse"), max_length=10, choices=ConsentDecision.choices)
    guardians = models.ManyToManyField(
        "cases.Guardian", blank=True, related_name="consents", verbose_name=_("foresatte")
    )
    by_young_person = models.BooleanField(_("ungdommen selv"), default=False)
    purpose = models.TextField(_("formål"))
    form = models.CharField(_("form"), max_length=10, choices=ConsentForm.choices)
    oral_note = models.TextField(_("referat av muntlig samtykke"), blank=True)
    document = models.FileField(_("skannet dokument"), upload_to="samtykker/%Y/", blank=True)
    child_view = models.TextField(_("barnets syn"), blank=True)
    valid_from = models.DateField(_("gyldig fra"), null=True, blank=True)
    valid_until = models.DateField(_("gyldig til"), null=True, blank=True)
    renews = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registrert"), default=timezone.now)

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        ordering = ["-registered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="consent_until_after_from",
            ),
        ]
        indexes = [models.Index(fields=["case", "decision"], name="consent_case_decision_idx")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.registered_at:%d.%m.%Y})"

    def is_current(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return (
            self.decision == ConsentDecision.GIVEN
            and self.valid_from is not None
            and self.valid_from <= day
            and (self.valid_until is None or self.valid_until >= day)
        )


class ConsentScope(models.Model):
    """One (recipient unit, category) pair of a consent or refusal."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="scopes")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("mottaker"))
    category = models.ForeignKey(InformationCategory, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("samtykkeomfang")
        verbose_name_plural = _("samtykkeomfang")
        constraints = [
            models.UniqueConstraint(fields=["consent", "unit", "category"], name="consentscope_unique"),
        ]
        indexes = [models.Index(fields=["case", "unit"], name="consentscope_case_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.category_id}"


class ConsentEventKind(models.TextChoices):
    GIVEN = "given", _("Gitt")
    REFUSED = "refused", _("Nektet")
    WITHDRAWN = "withdrawn", _("Trukket tilbake")
    RENEWED = "renewed", _("Fornyet")


class ConsentEvent(models.Model):
    """The history of a consent, shown to the family (C-10: given, withdrawn, expired)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10, choices=ConsentEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_by_name = models.CharField(_("trukket tilbake av"), max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d.%m.%Y}"


class LegalBasis(models.TextChoices):
    CONSENT = "samtykke", _("Samtykke")
    OPPLYSNINGSPLIKT = "opplysningsplikt", _("Opplysningsplikt til barnevernet")


class Involvement(models.Model):
    """A unit taking part in a case, with its legal basis (involvert tjeneste)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="involvements")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet"))
    basis = models.CharField(_("rettslig grunnlag"), max_length=20, choices=LegalBasis.choices)
    law = models.CharField(_("hjemmel"), max_length=40, blank=True)
    condition = models.CharField(_("vilkår som er oppfylt"), max_length=40, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("involvert tjeneste")
        verbose_name_plural = _("involverte tjenester")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "unit", "basis"], condition=Q(ended_at__isnull=True), name="involvement_one_active"
            ),
        ]
        indexes = [models.Index(fields=["case", "unit"], name="involvement_case_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} ({self.get_basis_display()})"


class BarnevernMelding(models.Model):
    """A melding to barnevernet on opplysningsplikt: no consent, the condition recorded."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    involvement = models.OneToOneField(Involvement, on_delete=models.PROTECT, related_name="melding")
    law = models.CharField(_("hjemmel"), max_length=40)
    condition = models.CharField(_("vilkår"), max_length=40)
    violence_or_abuse = models.BooleanField(_("mistanke om vold eller overgrep"), default=False)
    description = models.TextField(_("hva meldingen gjelder"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Melding {self.sent_at:%d.%m.%Y}"


class AnonymDrofting(models.Model):
    """A de-identified summary discussed with another service (C-19). The other service
    sees only ``summary``, never the case."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    with_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("drøftes med"))
    summary = models.TextField(_("anonymisert sammendrag"))
    age_years = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=10, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    outcome = models.TextField(_("utfall"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Capitalised words the de-identification could not place (issue 20): the writer
    # removes or keeps each before the summary is shared; until then only the case sees it.
    flags = models.JSONField(default=list, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Drøfting {self.created_at:%d.%m.%Y}"

    @property
    def is_shared(self) -> bool:
        return self.confirmed_at is not None


class AccessReview(models.Model):
    """A unit leader's mark that an innsynslogg row has been reviewed."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    # No database constraint: the innsynslogg is partitioned by month (docs/adr/0027).
    entry = models.OneToOneField(
        "bti.AccessLogEntry", on_delete=models.PROTECT, related_name="review", db_constraint=False
    )
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("merknad"), max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Gjennomgått {self.reviewed_at:%d.%m.%Y}"


class AccessGrant(models.Model):
    """Time-limited access for one person to one case, given by a leader of the unit that
    owns the case, for a period and a reason (A-03, A-04 «kortvarig tilgang», A-06: the
    reason is shown to the family). ``bti.policy.rule_explicit_grant`` opens the case from
    ``valid_from`` to ``valid_until`` (both days included) unless ``ended_at`` is set,
    read from the database on every request: it begins and ends by itself."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="access_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_grants", verbose_name=_("person")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("personens enhet"))
    reason = models.TextField(_("begrunnelse"))
    valid_from = models.DateField(_("fra og med"))
    valid_until = models.DateField(_("til og med"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(_("avsluttet"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tidsavgrenset tilgang")
        verbose_name_plural = _("tidsavgrensede tilganger")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="accessgrant_until_after_from"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "valid_until"], condition=Q(ended_at__isnull=True), name="accessgrant_user_idx"
            ),
            models.Index(fields=["case"], name="accessgrant_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → sak {self.case_id} ({self.valid_from}–{self.valid_until})"

    def is_current(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.ended_at is None and self.valid_from <= day <= self.valid_until
