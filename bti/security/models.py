"""Tables of the security module (imported into ``bti.models``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Innlogging")
    LOGIN_FAILED = "login_failed", _("Mislykket innlogging")
    LOGOUT = "logout", _("Utlogging")
    LOCKED_OUT = "locked_out", _("Konto låst etter for mange forsøk")
    MFA_ENROLLED = "mfa_enrolled", _("Tofaktor registrert")
    MFA_VERIFIED = "mfa_verified", _("Tofaktor bekreftet")
    MFA_FAILED = "mfa_failed", _("Feil engangskode")
    STEP_UP = "step_up", _("Ny bekreftelse for sensitiv handling")
    ACCESS_DENIED = "access_denied", _("Tilgang nektet")
    OIDC_REFUSED = "oidc_refused", _("Innlogging via ID-leverandør avvist")
    SESSIONS_ENDED = "sessions_ended", _("Økter avsluttet")
    # The kommune's own administration (kommuneadmin): people, units, roles, settings, imports.
    ADMIN_CHANGE = "admin_change", _("Endring i kommunens administrasjon")
    # A unit leader's time-limited access to one case for one person (consent.AccessGrant).
    ACCESS_GRANT = "access_grant", _("Tidsavgrenset tilgang til en sak")


class SecurityEvent(models.Model):
    """Append-only audit of authentication and denied access (a trigger refuses UPDATE and
    DELETE). ``user_id`` is a plain number, not a foreign key, so the record outlives the
    user and never blocks deleting one."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=SecurityEventKind.choices)
    kommune = models.ForeignKey("bti.Kommune", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    email = models.CharField(max_length=254, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("sikkerhetshendelse")
        verbose_name_plural = _("sikkerhetshendelser")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.email}"


class OidcKind(models.TextChoices):
    STAFF = "staff", _("Ansatte (Entra ID)")
    CITIZEN = "citizen", _("Innbyggere (ID-porten)")


class OidcProvider(models.Model):
    """An OpenID Connect identity provider of one kommune. The client secret is never in
    the database: ``client_secret_env`` names the environment variable (or ``NAME_FILE``)."""

    kommune = models.ForeignKey("bti.Kommune", on_delete=models.PROTECT, related_name="oidc_providers")
    slug = models.SlugField(_("kortnavn"), unique=True)
    name = models.CharField(_("navn på knappen"), max_length=100)
    kind = models.CharField(_("brukere"), max_length=10, choices=OidcKind.choices)
    issuer = models.URLField(_("issuer"))
    client_id = models.CharField(_("klient-ID"), max_length=200)
    client_secret_env = models.CharField(
        _("miljøvariabel med klienthemmelighet"), max_length=100, help_text=_("For eksempel OIDC_SECRET_ENTRA.")
    )
    required_acr = models.CharField(
        _("krevd sikkerhetsnivå (acr)"), max_length=100, blank=True, help_text=_("idporten-loa-high for ID-porten.")
    )
    scopes = models.CharField(_("scopes"), max_length=200, default="openid profile email")
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("ID-leverandør")
        verbose_name_plural = _("ID-leverandører")
        ordering = ["kommune", "name"]

    def __str__(self) -> str:
        return self.name


class ExternalIdentity(models.Model):
    """Links a subject at an identity provider (Entra ``oid``) to an existing user."""

    kommune = models.ForeignKey("bti.Kommune", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(OidcProvider, on_delete=models.CASCADE, related_name="identities")
    subject = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="external_identity_unique")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.user}"


class UserSession(models.Model):
    """One login session of a user, for the session list and «logg ut overalt»."""

    kommune = models.ForeignKey("bti.Kommune", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=20, default="password")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class WebAuthnCredential(models.Model):
    """A passkey / security key (WebAuthn) a user may use as the second factor."""

    kommune = models.ForeignKey("bti.Kommune", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys")
    credential_id = models.CharField(max_length=512, unique=True)  # base64url
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    name = models.CharField(_("navn"), max_length=100, default="Passnøkkel")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("passnøkkel")
        verbose_name_plural = _("passnøkler")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.user}: {self.name}"
