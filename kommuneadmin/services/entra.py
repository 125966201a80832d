"""Entra ID group claims mapped to memberships at login (registered as a staff login
resolver in ``KommuneadminConfig.ready``; the OIDC code calls it through
``bti.registries.resolve_staff_login``).

At every staff login through a provider with group mappings, the person's memberships
and kommune roles *that logins created* follow the ``groups`` claim: a mapped group gives
its membership, a group the person left takes it away. Memberships given by hand or by
an import are never touched. A person without a user gets one at the first login when a
mapping of one of their groups allows it. Every change is a security event.

When Entra ID leaves the groups out of the token (more than 200 groups: the «overage»
claim ``_claim_names``), nothing is changed, the login goes on with what the person
already has, and the security log says so.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bti.identity import normalise_email
from bti.models import KommuneRole, Membership, User
from bti.security import audit
from bti.security.models import SecurityEventKind
from kommuneadmin.models import GroupMapping, SyncedAccess
from kommuneadmin.services.common import record_change, snap_kommune_role, snap_membership, snap_user
from kommuneadmin.services.staff import email_taken, end_membership_logged, sync_guide_editor


def _groups(claims: dict[str, Any]) -> set[str] | None:
    """The group ids of the token, or None when Entra ID sent an overage claim instead."""
    names = claims.get("_claim_names")
    if "groups" not in claims and isinstance(names, dict) and "groups" in names:
        return None
    groups = claims.get("groups") or []
    return {str(g) for g in groups} if isinstance(groups, list) else set()


def end_synced(synced: SyncedAccess, *, actor: User, request: HttpRequest | None = None, reason: str) -> None:
    """End what one mapping gave one person (the membership from today, or the role)."""
    if synced.membership is not None:
        membership = synced.membership
        synced.delete()
        end_membership_logged(membership, actor=actor, request=request, source="entra", reason=reason)
    elif synced.kommune_role is not None:
        kommune_role = synced.kommune_role
        before = snap_kommune_role(kommune_role)
        pk = kommune_role.pk
        kommune_role.delete()  # cascades to ``synced``
        record_change(
            actor=actor,
            action="kommune_role_removed",
            obj="kommune_role",
            obj_id=pk,
            before=before,
            request=request,
            source="entra",
            reason=reason,
        )


def _create_user(provider: Any, claims: dict[str, Any]) -> User | None:
    address = normalise_email(str(claims.get("email") or claims.get("preferred_username") or claims.get("upn") or ""))
    try:
        validate_email(address)
    except ValidationError:
        return None
    if email_taken(address) is not None:
        return None
    name = " ".join(str(claims.get("name") or "").split()) or address
    user = User(email=address, full_name=name[:150], kommune_id=provider.kommune_id)
    user.set_unusable_password()
    user.save()
    record_change(
        actor=user,
        action="user_created_at_login",
        obj="user",
        obj_id=user.pk,
        after=snap_user(user),
        source="entra",
        provider=provider.slug,
    )
    return user


def _sync(user: User, provider: Any, matched: list[GroupMapping]) -> None:
    today = timezone.localdate()
    kommune_id: int = provider.kommune_id
    current = list(
        SyncedAccess.objects.filter(user=user, mapping__provider=provider).select_related(
            "membership", "membership__unit", "membership__unit__service", "kommune_role", "mapping"
        )
    )
    wanted_memberships = {(m.unit_id, m.role): m for m in matched if m.unit_id}
    wanted_roles = {m.kommune_role: m for m in matched if m.kommune_role}
    kept_memberships: set[tuple[int, str]] = set()
    kept_roles: set[str] = set()
    for synced in current:
        membership, kommune_role = synced.membership, synced.kommune_role
        if membership is not None and (membership.unit_id, membership.role) in wanted_memberships:
            kept_memberships.add((membership.unit_id, membership.role))
            if membership.valid_until is not None and membership.valid_until < today:
                before = snap_membership(membership)
                membership.valid_until = None
                membership.save(update_fields=["valid_until"])
                record_change(
                    actor=user,
                    action="membership_updated",
                    obj="membership",
                    obj_id=membership.pk,
                    before=before,
                    after=snap_membership(membership),
                    source="entra",
                )
        elif kommune_role is not None and kommune_role.role in wanted_roles:
            kept_roles.add(kommune_role.role)
        else:
            end_synced(synced, actor=user, reason="left_group")
    for (unit_id, role), mapping in wanted_memberships.items():
        if (unit_id, role) in kept_memberships or mapping.unit is None or not mapping.unit.is_active:
            continue
        if Membership.objects.filter(user=user, unit_id=unit_id, role=role).exists():
            continue  # given by hand or by an import: that one stays as it is, and is not the login's
        membership = Membership.objects.create(user=user, unit=mapping.unit, role=role, valid_from=today)
        SyncedAccess.objects.create(kommune_id=kommune_id, user=user, mapping=mapping, membership=membership)
        record_change(
            actor=user,
            action="membership_added",
            obj="membership",
            obj_id=membership.pk,
            after=snap_membership(membership),
            source="entra",
            group=mapping.group_id,
        )
        if role == "fagadministrator":
            sync_guide_editor(user, mapping.unit.service)
    for role, mapping in wanted_roles.items():
        if role in kept_roles or KommuneRole.objects.filter(user=user, kommune_id=kommune_id, role=role).exists():
            continue
        kommune_role = KommuneRole.objects.create(user=user, kommune_id=kommune_id, role=role)
        SyncedAccess.objects.create(kommune_id=kommune_id, user=user, mapping=mapping, kommune_role=kommune_role)
        record_change(
            actor=user,
            action="kommune_role_added",
            obj="kommune_role",
            obj_id=kommune_role.pk,
            after=snap_kommune_role(kommune_role),
            source="entra",
            group=mapping.group_id,
        )


def resolve_login(*, provider: Any, claims: dict[str, Any], user: Any) -> Any:
    """The staff login resolver: refuse the system operators, create the user where a
    mapping allows it, and align group memberships."""
    from bti.security.oidc import OidcError

    if user is not None and (user.is_staff or user.is_superuser):
        # A kommune administrator configures the kommune's ID-providers: a provider of a
        # kommune must never log anyone in as the system operator.
        raise OidcError(
            _("Systemadministratorer logger inn med passord og tofaktor, ikke via kommunens ID-leverandør."),
            "system operator via a kommune provider",
        )
    if user is not None and user.kommune_id != provider.kommune_id:
        return user
    mappings = list(GroupMapping.objects.filter(provider=provider).select_related("unit", "unit__service"))
    if not mappings:
        return user
    groups = _groups(claims)
    if groups is None:
        audit.record(
            SecurityEventKind.ADMIN_CHANGE,
            user=user,
            email=str(claims.get("email") or "")[:254],
            detail={"action": "group_sync_skipped", "reason": "groups overage claim", "provider": provider.slug},
        )
        return user
    matched = [m for m in mappings if m.group_id in groups]
    with transaction.atomic():
        if user is None:
            if not any(m.creates_users for m in matched):
                return None
            user = _create_user(provider, claims)
            if user is None:
                return None
        if user.is_active:
            _sync(user, provider, matched)
    return user
