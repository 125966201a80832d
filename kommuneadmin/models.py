"""Tables of the kommune's own administration (issue 16, docs/adr/0015-kommune-administration.md).

The people, units, roles and settings it edits are the core's and the other apps' tables;
this app keeps only what administration itself needs: staff imports between preview and
apply, the Entra ID group mappings of a kommune, and which memberships a login created
from those groups (so the next login can end them again, and never touches the others).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bti.models import Kommune, KommuneRole, KommuneRoleKind, Membership, MembershipRole, Unit
from bti.security.models import OidcProvider


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Forhåndsvist")
    APPLIED = "applied", _("Tatt i bruk")


class StaffImport(models.Model):
    """One uploaded CSV of units and staff. The file's text is kept until it is applied
    (the apply step parses it again and compares with what the preview showed), then
    cleared: what changed stays in the security log."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(_("filnavn"), max_length=200, blank=True)
    content = models.TextField(blank=True)
    digest = models.CharField(max_length=64)
    send_invitations = models.BooleanField(_("send invitasjon til nye brukere"), default=False)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("import av ansatte")
        verbose_name_plural = _("importer av ansatte")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%d.%m.%Y})"


# Kommune roles a group may give. The administrator role is given by hand only (with
# step-up, and never leaving the kommune without one), not by a directory group.
GROUP_KOMMUNE_ROLES = [
    (KommuneRoleKind.KOMMUNALSJEF, KommuneRoleKind.KOMMUNALSJEF.label),
    (KommuneRoleKind.ANALYTIKER, KommuneRoleKind.ANALYTIKER.label),
    (KommuneRoleKind.BTI_KOORDINATOR, KommuneRoleKind.BTI_KOORDINATOR.label),
]


class GroupMapping(models.Model):
    """«Members of this Entra ID group get this membership (or kommune role)» for one
    staff identity provider of the kommune; ``creates_users`` lets a member of the group
    who has no user yet get one at the first login."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(OidcProvider, on_delete=models.CASCADE, related_name="+")
    group_id = models.CharField(_("gruppe-ID"), max_length=100, help_text=_("Gruppens objekt-ID i Entra ID."))
    label = models.CharField(_("gruppens navn"), max_length=150, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role = models.CharField(_("rolle i enheten"), max_length=20, choices=MembershipRole.choices, blank=True)
    kommune_role = models.CharField(_("rolle i kommunen"), max_length=20, choices=GROUP_KOMMUNE_ROLES, blank=True)
    creates_users = models.BooleanField(_("oppretter brukere ved første innlogging"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("gruppekobling")
        verbose_name_plural = _("gruppekoblinger")
        ordering = ["label", "group_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "group_id", "unit", "role", "kommune_role"],
                nulls_distinct=False,
                name="groupmapping_unique",
            ),
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & ~Q(role="") & Q(kommune_role=""))
                | (Q(unit__isnull=True) & Q(role="") & ~Q(kommune_role="")),
                name="groupmapping_unit_role_or_kommune_role",
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.group_id


class SyncedAccess(models.Model):
    """A membership or kommune role that a login created from a group mapping. The next
    login ends it when the person is no longer in the group; memberships given by hand or
    by an import have no row here and are never touched by a login."""

    kommune = models.ForeignKey(Kommune, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mapping = models.ForeignKey(GroupMapping, on_delete=models.CASCADE, related_name="synced")
    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kommune_role = models.OneToOneField(KommuneRole, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(membership__isnull=False) | Q(kommune_role__isnull=False), name="syncedaccess_has_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.mapping_id}"
