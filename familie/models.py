"""The family's own door (issue 14, docs/adr/0021-family-portal.md).

A family member is a person who logs in with ID-porten and is matched, by a keyed hash of
the ``pid`` (never the number itself), to a registered guardian of a child or to the young
person. Who may actually read is decided on every request (``familie.identity``): a
guardian only with foreldreansvar, the young person only from the kommune's age, never the
person a protected address is protected from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.models import Kommune, Unit


class MemberKind(models.TextChoices):
    FORESATT = "foresatt", _("Foresatt")
    UNGDOM = "ungdom", _("Barnet eller ungdommen selv")


class FamilyMember(models.Model):
    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="family_members")
    guardian = models.OneToOneField(
        "cases.Guardian", on_delete=models.CASCADE, null=True, blank=True, related_name="family_member"
    )
    kind = models.CharField(_("hvem"), max_length=10, choices=MemberKind.choices)
    # hmac(SECRET_KEY, "citizen:" + pid): the same index the ID-porten login keeps in the session.
    pid_index = models.CharField(max_length=64, db_index=True)
    # A young person under the kommune's age may be given read access by staff (12–15 years).
    read_granted = models.BooleanField(_("lesetilgang gitt"), default=False)
    # A demo person of the test ID-porten: refused by the real login and outside DEMO_MODE.
    is_demo = models.BooleanField(default=False)
    demo_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("familiemedlem")
        verbose_name_plural = _("familiemedlemmer")
        constraints = [models.UniqueConstraint(fields=["child", "pid_index"], name="familymember_unique_pid")]

    def __str__(self) -> str:
        return self.demo_label or self.get_kind_display()


class LegalStatusBasis(models.TextChoices):
    RETTSAVGJORELSE = "rettsavgjorelse", _("Rettsavgjørelse")
    AVTALE = "avtale", _("Avtale om foreldreansvar")
    VERGE = "verge", _("Oppnevnt verge")
    FOLKEREGISTER = "folkeregister", _("Endring i folkeregisteret")
    ANNET = "annet", _("Annet")


class LegalStatusChange(models.Model):
    """A guardian gained or lost foreldreansvar (or became verge): who, why, when."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey("cases.Guardian", on_delete=models.PROTECT, related_name="status_changes")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    had_responsibility = models.BooleanField()
    has_responsibility = models.BooleanField()
    basis = models.CharField(_("grunnlag"), max_length=20, choices=LegalStatusBasis.choices)
    reason = models.TextField(_("begrunnelse"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.guardian_id}: {self.had_responsibility} -> {self.has_responsibility}"


class AddressProtection(models.Model):
    """The child's own address is protected (sperret adresse), optionally from one guardian:
    that person never gets into the portal for this child."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="address_protections")
    protected_from = models.ForeignKey(
        "cases.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("begrunnelse"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.child_id}"


class HoldReason(models.TextChoices):
    C15 = "c15", _("Ungdommens fortrolige opplysning (12–16 år)")
    C18 = "c18", _("Knyttet til mistanke om vold eller overgrep")


class HeldBack(models.Model):
    """A stafettlogg entry the family does not see, with the reason (C-15, C-18)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField("stafettlogg.Entry", on_delete=models.PROTECT, related_name="held_back")
    reason = models.CharField(_("grunn"), max_length=4, choices=HoldReason.choices)
    note = models.TextField(_("merknad"), blank=True)
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.entry_id} ({self.reason})"


class WhyQuestion(models.Model):
    """«Why did someone read my child's case?»: asked to the reader's unit leader."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    # No database constraint: the innsynslogg is partitioned by month (docs/adr/0027).
    access_entry = models.ForeignKey(
        "bti.AccessLogEntry", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    asked_by = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, related_name="questions")
    question = models.TextField(_("spørsmål"))
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("svar"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.pk}"


class Message(models.Model):
    """One message in a family member's thread with the case's stafettholder (issue 14 item
    6). Each family member has their own thread per case (``member``): what a 16-year-old
    writes to the health nurse is not read by the parents (C-14), nor one parent's by the
    other. ``from_user`` is the staff author; empty when the family member wrote it. The
    stafettlogg records only that a message was sent, never its text."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, related_name="messages")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("melding"))
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["case", "member", "sent_at"], name="familie_message_thread")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.pk}"
