"""Children, guardians and cases, with the level state machine (DESIGN.md §1, §3)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from bti.fields import EncryptedTextField
from bti.models import Kommune, Unit


def fnr_index(kommune_id: int, fnr: str) -> str:
    """Keyed hash (blind index) of a fødselsnummer: lookup and uniqueness without the number."""
    key = settings.FNR_INDEX_KEY.encode()
    return hmac.new(key, f"{kommune_id}:{fnr}".encode(), hashlib.sha256).hexdigest()


class Gender(models.TextChoices):
    JENTE = "jente", _("Jente")
    GUTT = "gutt", _("Gutt")
    ANNET = "annet", _("Annet / vil ikke oppgi")


class Child(models.Model):
    """The person a case is about. May be unborn: then ``expected_date`` and the mother's case."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("navn"), max_length=200, blank=True)
    # Encrypted at rest (bti/fields.py); look up through fnr_index, never by value.
    fnr = EncryptedTextField(_("fødselsnummer eller D-nummer"), blank=True)
    fnr_index = models.CharField(max_length=64, blank=True, editable=False)
    birth_date = models.DateField(_("fødselsdato"), null=True, blank=True)
    expected_date = models.DateField(_("termin"), null=True, blank=True)
    mother_case = models.ForeignKey(
        "Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="unborn_children",
        verbose_name=_("mors sak"),
    )
    gender = models.CharField(_("kjønn"), max_length=10, choices=Gender.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("barn")
        verbose_name_plural = _("barn")
        constraints = [
            models.UniqueConstraint(
                fields=["kommune", "fnr_index"], condition=~Q(fnr_index=""), name="child_unique_fnr_per_kommune"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or str(_("Barn uten navn"))

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Guardian(models.Model):
    """A parent or other adult around the child. Only those with foreldreansvar may consent."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardians")
    # The case the guardian was registered in: shown only to people who may see that
    # case, so a second case for the same child reveals nothing of the first (issue 20).
    registered_in = models.ForeignKey(
        "Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("registrert i sak")
    )
    full_name = models.CharField(_("navn"), max_length=200)
    relation = models.CharField(_("relasjon til barnet"), max_length=50)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    has_parental_responsibility = models.BooleanField(_("har foreldreansvar"), default=False)
    protected_address = models.BooleanField(
        _("sperret adresse"),
        default=False,
        help_text=_("Adresse og kontaktinformasjon vises bare for den enheten som eier saken."),
    )

    class Meta:
        verbose_name = _("foresatt")
        verbose_name_plural = _("foresatte")

    def __str__(self) -> str:
        return self.full_name


class Level(models.IntegerChoices):
    NIVA_0 = 0, _("Nivå 0")
    NIVA_1 = 1, _("Nivå 1")
    NIVA_2 = 2, _("Nivå 2")
    NIVA_3 = 3, _("Nivå 3")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Åpen")
    CLOSED = "closed", _("Avsluttet")


class CaseSource(models.TextChoices):
    ANSATT = "ansatt", _("Ansatt")
    FORELDRE = "foreldreinitiativ", _("Foreldreinitiativ")
    BARNET = "barnet", _("Barnet eller ungdommen selv")


class Case(models.Model):
    """One child's BTI course («sak»). Level and status change only through ``cases.services``."""

    # The level state machine (STYLE.md §10): the levels each open level may move to.
    # Closing is allowed from every open level; a closed case may only be reopened.
    LEVEL_TRANSITIONS: dict[int, frozenset[int]] = {
        0: frozenset({1, 2, 3}),
        1: frozenset({2}),
        2: frozenset({1, 3}),
        3: frozenset({2}),
    }

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    # The child's name as registered in this case. Several cases may point at one child
    # (same fødselsnummer); each shows what its own people typed, never another case's.
    child_name = models.CharField(_("barnets navn"), max_length=200, blank=True)
    anonymous_label = models.CharField(
        _("anonym merking"),
        max_length=40,
        blank=True,
        help_text=_("Initialer eller intern referanse til barnet er identifisert."),
    )
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="owned_cases", verbose_name=_("enhet"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("kilde"), max_length=20, choices=CaseSource.choices, default=CaseSource.ANSATT)
    level = models.PositiveSmallIntegerField(_("nivå"), choices=Level.choices, default=Level.NIVA_0)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    decision_deadline = models.DateField(_("frist for beslutning"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    level_changed_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("avsluttet"), null=True, blank=True)
    close_reason = models.TextField(_("begrunnelse for avslutning"), blank=True)
    last_activity_at = models.DateTimeField(_("siste aktivitet"), default=timezone.now)
    # Optimistic concurrency: forms send the version they showed; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    # Kassasjon (docs/adr/0026): set when the case's key was destroyed at the end of its
    # retention; every case route then answers 410 with ``shred_note`` (the rule).
    shredded_at = models.DateTimeField(_("slettet"), null=True, blank=True)
    shred_note = models.CharField(_("slettet etter regel"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sak")
        verbose_name_plural = _("saker")
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=3), name="case_level_0_to_3"),
            models.CheckConstraint(condition=Q(level=0) | Q(child__isnull=False), name="case_identified_above_level_0"),
            models.CheckConstraint(
                condition=Q(child__isnull=False) | ~Q(anonymous_label=""), name="case_has_child_or_label"
            ),
        ]
        indexes = [
            models.Index(fields=["owner_unit", "status", "-last_activity_at"], name="case_unit_status_idx"),
            models.Index(fields=["kommune", "status", "level"], name="case_kommune_status_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.child_name:
            return self.child_name
        if self.child_id and self.child and self.child.full_name:
            return self.child.full_name
        return str(_("Anonym: %(label)s") % {"label": self.anonymous_label or "–"})

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    @property
    def is_identified(self) -> bool:
        return self.child_id is not None

    def allowed_levels(self) -> frozenset[int]:
        return self.LEVEL_TRANSITIONS[self.level] if self.is_open else frozenset()

    @property
    def deadline_overdue(self) -> bool:
        return bool(
            self.is_open
            and self.level == 0
            and self.decision_deadline
            and self.decision_deadline < timezone.localdate()
        )


class CaseKey(models.Model):
    """The case's own data key, wrapped with the master key (bti/sealing.py). Deleting
    this row is the kassasjon: what was sealed with it can never be opened again."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, primary_key=True, related_name="data_key")
    wrapped = models.TextField()
    master_id = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saksnøkkel")
        verbose_name_plural = _("saksnøkler")

    def __str__(self) -> str:
        return f"key:{self.case_id}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Explicit per-case grants (django-guardian, direct foreign key: fast to join)."""

    content_object: Any = models.ForeignKey(Case, on_delete=models.CASCADE)
