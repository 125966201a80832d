"""The shared core: kommune, services (tjenester), units (enheter), users and their roles."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.identity import normalise_email


class Language(models.TextChoices):
    """The languages the product is translated into, each named in itself (the switcher's labels)."""

    NB = "nb", "Norsk bokmål"
    NN = "nn", "Norsk nynorsk"
    EN = "en", "English"


class Kommune(models.Model):
    name = models.CharField(_("navn"), max_length=100)
    number = models.CharField(
        _("kommunenummer"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunenummeret har fire sifre."))],
    )
    # Local settings that the BTI model leaves to each kommune.
    decision_deadline_days = models.PositiveSmallIntegerField(_("frist for beslutning på nivå 0 (dager)"), default=14)
    # The administrative language (målvedtak, mållova § 5): the default for the kommune's staff,
    # its PDFs and e-mails, and the language of its default handlingsveileder (ADR 0030).
    language = models.CharField(
        _("administrasjonsspråk"), max_length=5, choices=Language.choices, default="nb", db_default="nb"
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class ServiceCategory(models.TextChoices):
    BASIS = "basis", _("Basistjeneste")
    HJELPE = "hjelpe", _("Hjelpetjeneste")
    VOKSEN = "voksen", _("Voksentjeneste")


class ServiceKind(models.TextChoices):
    BARNEHAGE = "barnehage", _("Barnehage")
    SKOLE = "skole", _("Skole")
    SFO = "sfo", _("SFO")
    HELSESTASJON = "helsestasjon", _("Helsestasjon og skolehelsetjeneste")
    PPT = "ppt", _("PPT")
    BARNEVERN = "barnevern", _("Barnevern")
    NAV = "nav", _("NAV")
    PSYKISK_HELSE = "psykisk_helse", _("Psykisk helse og rus")
    FYSIO_ERGO = "fysio_ergo", _("Fysio- og ergoterapi")
    TANNHELSE = "tannhelse", _("Tannhelse")
    FLYKTNING = "flyktning", _("Flyktningtjeneste")
    ANNET = "annet", _("Annet")


DEFAULT_CATEGORY: dict[str, str] = {
    ServiceKind.BARNEHAGE: ServiceCategory.BASIS,
    ServiceKind.SKOLE: ServiceCategory.BASIS,
    ServiceKind.SFO: ServiceCategory.BASIS,
    ServiceKind.HELSESTASJON: ServiceCategory.BASIS,
    ServiceKind.TANNHELSE: ServiceCategory.BASIS,
    ServiceKind.PPT: ServiceCategory.HJELPE,
    ServiceKind.BARNEVERN: ServiceCategory.HJELPE,
    ServiceKind.FYSIO_ERGO: ServiceCategory.HJELPE,
    ServiceKind.PSYKISK_HELSE: ServiceCategory.HJELPE,
    ServiceKind.FLYKTNING: ServiceCategory.HJELPE,
    ServiceKind.NAV: ServiceCategory.VOKSEN,
    ServiceKind.ANNET: ServiceCategory.HJELPE,
}


class Service(models.Model):
    """A kind of service in one kommune (tjeneste), e.g. «Barnehage» in Eksempel kommune."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="services")
    kind = models.CharField(_("type"), max_length=20, choices=ServiceKind.choices)
    category = models.CharField(_("kategori"), max_length=10, choices=ServiceCategory.choices)
    name = models.CharField(_("navn"), max_length=100)

    class Meta:
        verbose_name = _("tjeneste")
        verbose_name_plural = _("tjenester")
        ordering = ["kommune", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "name"], name="service_unique_name_per_kommune"),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """One place of a service (enhet), e.g. «Lia barnehage»."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="units")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("navn"), max_length=150)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["kommune", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "name"], name="unit_unique_name_per_kommune"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The tenant key is denormalised from the service so every query can scope by it.
        self.kommune_id = self.service.kommune_id
        super().save(*args, **kwargs)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("E-postadresse må oppgis")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalise_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. ``is_staff`` marks a system administrator (the only ones
    who reach the Django admin); everything else comes from memberships."""

    email = models.EmailField(_("e-post"), unique=True)
    full_name = models.CharField(_("navn"), max_length=150)
    title = models.CharField(_("stilling"), max_length=100, blank=True)
    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="users", null=True, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(_("systemadministrator"), default=False)
    is_demo = models.BooleanField(
        _("demobruker"), default=False, help_text=_("Kan bare logge inn når demomodus er på.")
    )
    date_joined = models.DateTimeField(_("opprettet"), default=timezone.now)
    # The person's own choice from the language switcher; empty: the kommune's language.
    language = models.CharField(
        _("språk"), max_length=5, choices=Language.choices, blank=True, default="", db_default=""
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    @classmethod
    def normalize_username(cls, username: str) -> str:
        """Every model form (the admin's add and change forms too) stores the address in
        its one normalised form (``bti.identity``), so a lookup is a plain equality."""
        return normalise_email(username)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class MembershipRole(models.TextChoices):
    ANSATT = "ansatt", _("Ansatt")
    LEDER = "leder", _("Leder")
    FAGADMIN = "fagadministrator", _("Fagadministrator")


class Membership(models.Model):
    """A user's role in a unit (tilknytning)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rolle"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.ANSATT)
    valid_from = models.DateField(_("gyldig fra"), default=timezone.localdate)
    valid_until = models.DateField(_("gyldig til"), null=True, blank=True)

    class Meta:
        verbose_name = _("tilknytning")
        verbose_name_plural = _("tilknytninger")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit} ({self.get_role_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.kommune_id = self.unit.kommune_id
        super().save(*args, **kwargs)


class KommuneRoleKind(models.TextChoices):
    KOMMUNALSJEF = "kommunalsjef", _("Kommunalsjef")
    ANALYTIKER = "analytiker", _("Analytiker")
    # Runs the kommune's own administration (services, units, staff, settings); no case content.
    ADMINISTRATOR = "administrator", _("Kommuneadministrator")
    # Coordinates the BTI model itself in the kommune (implementation, survey, training); aggregates only.
    BTI_KOORDINATOR = "bti_koordinator", _("BTI-koordinator")


# Kommune roles that see the de-identified leader overview of the whole kommune.
AGGREGATE_ROLES = (KommuneRoleKind.KOMMUNALSJEF, KommuneRoleKind.ANALYTIKER, KommuneRoleKind.BTI_KOORDINATOR)


class KommuneRole(models.Model):
    """A kommune-level role: leaders and analysts see de-identified aggregates, never cases."""

    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="kommune_roles")
    role = models.CharField(_("rolle"), max_length=20, choices=KommuneRoleKind.choices)

    class Meta:
        verbose_name = _("kommunerolle")
        verbose_name_plural = _("kommuneroller")
        constraints = [
            models.UniqueConstraint(fields=["kommune", "user", "role"], name="kommunerole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} i {self.kommune.name}"


class Korus(models.Model):
    """A regional competence centre (KoRus, kompetansesenter rus) that follows several
    kommuner in their BTI work and runs the BTI-undersøkelsen for them. Its people may
    have no kommune of their own; they reach a kommune only while their KoRus follows it."""

    name = models.CharField(_("navn"), max_length=150, unique=True)

    class Meta:
        verbose_name = _("KoRus")
        verbose_name_plural = _("KoRus")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class KorusKommune(models.Model):
    """A kommune a KoRus follows, from ``since`` until ``until`` (open-ended when empty)."""

    korus = models.ForeignKey(Korus, on_delete=models.CASCADE, related_name="follows")
    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, related_name="followed_by")
    since = models.DateField(_("fra"), default=timezone.localdate)
    until = models.DateField(_("til"), null=True, blank=True)

    class Meta:
        verbose_name = _("kommune som KoRus følger")
        verbose_name_plural = _("kommuner som KoRus følger")
        constraints = [models.UniqueConstraint(fields=["korus", "kommune"], name="koruskommune_unique")]

    def __str__(self) -> str:
        return f"{self.korus} → {self.kommune.name}"


class KorusMember(models.Model):
    """A person working for a KoRus."""

    korus = models.ForeignKey(Korus, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="korus_memberships")
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("medarbeider i KoRus")
        verbose_name_plural = _("medarbeidere i KoRus")
        constraints = [models.UniqueConstraint(fields=["korus", "user"], name="korusmember_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.korus}"


class AccessHow(models.TextChoices):
    PAGE = "page", _("Side")
    API = "api", _("API")
    PDF = "pdf", _("PDF")
    EXPORT = "export", _("Eksport")
    SEARCH = "search", _("Søk")


class AccessLogEntry(models.Model):
    """One read of a child's or a case's data by a person (innsynslogg, DESIGN.md invariant 5).

    Append-only: a database trigger refuses UPDATE and DELETE (migration 0002). The row
    holds ids and codes only, never the data that was read (ASVS 8.3.5). ``case`` and
    ``child_id`` are plain ids without a foreign-key constraint, so the write is a
    single cheap INSERT and the log outlives any row it points at.

    The table is partitioned by month on ``at`` (``bti/partitions.py``, docs/adr/0027):
    its database primary key is ``(id, at)``; ``id`` stays Django's primary key (one
    sequence, so it is unique in practice), and no foreign key can point at a row (a
    month past its retention is dropped whole)."""

    # Every page view writes a row, so the table carries only the indexes its readers use
    # (the composites below); single-column foreign-key indexes would only slow the write.
    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("bruker"), db_index=False)
    role = models.CharField(_("rolle"), max_length=20, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False)
    obj_type = models.CharField(_("objekttype"), max_length=40)
    obj_id = models.BigIntegerField(_("objekt-id"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    child_id = models.BigIntegerField(_("barn-id"), null=True, blank=True)
    how = models.CharField(_("hvordan"), max_length=10, choices=AccessHow.choices, default=AccessHow.PAGE)
    reason = models.CharField(_("begrunnelse"), max_length=200, blank=True)
    # Why it was read (``bti.gate.PURPOSES``: saksbehandling, koordinering, innsyn, oversikt …).
    purpose = models.CharField(_("formål"), max_length=20, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("innsynslogg")
        verbose_name_plural = _("innsynslogg")
        indexes = [
            models.Index(fields=["case", "at"], name="accesslog_case_at_idx"),
            models.Index(fields=["child_id", "at"], name="accesslog_child_at_idx"),
            models.Index(fields=["kommune", "at"], name="accesslog_kommune_at_idx"),
            models.Index(fields=["user", "at"], name="accesslog_user_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.obj_type}:{self.obj_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("The access log is append-only")
        super().save(*args, **kwargs)


class AccessLogDrop(models.Model):
    """A month of the innsynslogg dropped whole past its retention (``bti/partitions.py``):
    what was dropped, under which rule, and the digest of its rows as the checkpoints
    compute it, so ``verify_innsynslogg`` can tell a drop from a deletion. Append-only."""

    month = models.DateField(_("måned"), unique=True)
    partition = models.CharField(_("partisjon"), max_length=63)
    rule = models.CharField(_("regel"), max_length=200)
    years = models.PositiveSmallIntegerField(_("år"))
    rows = models.BigIntegerField(_("rader"))
    digest = models.CharField(_("sjekksum"), max_length=64)
    first_id = models.BigIntegerField(null=True, blank=True)
    last_id = models.BigIntegerField(null=True, blank=True)
    first_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    # Each day of the month: [rows, digest] as the checkpoints' day digests compute them.
    days = models.JSONField(default=dict)
    dropped_at = models.DateTimeField(_("slettet"), default=timezone.now)

    class Meta:
        verbose_name = _("slettet måned av innsynsloggen")
        verbose_name_plural = _("slettede måneder av innsynsloggen")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ({self.rows})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("The record of dropped months is append-only")
        super().save(*args, **kwargs)


# The security module's tables live in bti/security/models.py (issue 8).
from bti.security.models import (  # noqa: E402, F401
    ExternalIdentity,
    OidcKind,
    OidcProvider,
    SecurityEvent,
    SecurityEventKind,
    UserSession,
    WebAuthnCredential,
)


class ScheduleLease(models.Model):
    """Who runs Celery beat's schedules now (bti/beat.py, ADR 0020): the one beat process
    holding an unexpired lease sends; every other beat waits. Renewed on every tick."""

    name = models.CharField(max_length=50, primary_key=True)
    holder = models.CharField(max_length=200)
    acquired_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "planleggerlås"
        verbose_name_plural = "planleggerlåser"

    def __str__(self) -> str:
        return f"{self.name}: {self.holder}"


class ScheduleRun(models.Model):
    """When each beat schedule entry was last sent, shared by every beat so the one that
    takes over continues where the other stopped (no schedule run twice, none skipped)."""

    name = models.CharField(max_length=200, primary_key=True)
    last_run_at = models.DateTimeField()
    total_run_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "planlagt kjøring"
        verbose_name_plural = "planlagte kjøringer"

    def __str__(self) -> str:
        return self.name


class SubmitKey(models.Model):
    """One sent form (bti/submit_keys.py): its hidden key, reserved in the same transaction
    as what the form creates, so a double submit or Back + resubmit is saved once."""

    key = models.UUIDField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Where the first submit led (the new case), for the second to land on the same page.
    url = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "sendt skjema"
        verbose_name_plural = "sendte skjemaer"

    def __str__(self) -> str:
        return str(self.key)
