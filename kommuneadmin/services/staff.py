"""People of the kommune: invite, edit, deactivate; memberships with start and end dates;
kommune roles. Every function takes the acting administrator, works only inside the
kommune they administer, and writes one security event per change (before and after).

A change takes effect on the next request: the access policy reads memberships and roles
from the database on every request, and a deactivated person's sessions are ended.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bti.identity import normalise_email
from bti.models import Kommune, KommuneRole, KommuneRoleKind, Membership, MembershipRole, Service, Unit, User
from bti.security import sessions
from kommuneadmin.services.common import (
    admin_kommune,
    record_change,
    scoped,
    scoped_user,
    snap_kommune_role,
    snap_membership,
    snap_user,
)


def _clean_email(email: str, field: str = "email") -> str:
    address = normalise_email(email)
    if not address:
        raise ValidationError({field: _("Skriv e-postadressen.")})
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({field: _("«%(email)s» er ikke en gyldig e-postadresse.") % {"email": email}}) from None
    return address


def email_taken(address: str, *, exclude_pk: int | None = None) -> User | None:
    """The user who already has this address (compared as ``normalise_email``), if any."""
    qs = User.objects.filter(email__iexact=address)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    for user in qs:
        if normalise_email(user.email) == address:
            return user
    return None


def queue_invitation(user: User) -> None:
    from bti.outbox import enqueue
    from kommuneadmin import tasks

    enqueue(tasks.send_invitation, user.pk)


@transaction.atomic
def staff_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    title: str = "",
    send: bool = True,
    request: HttpRequest | None = None,
) -> User:
    """A new person in the actor's kommune, without a password; the invitation e-mail lets
    them choose one (or they log in with the kommune's ID-provider)."""
    kommune_id = admin_kommune(actor)
    address = _clean_email(email)
    if not full_name.strip():
        raise ValidationError({"full_name": _("Skriv personens navn.")})
    taken = email_taken(address)
    if taken is not None:
        if taken.kommune_id == kommune_id and not taken.is_staff:
            raise ValidationError({"email": _("%(name)s har allerede denne e-postadressen.") % {"name": taken}})
        raise ValidationError({"email": _("E-postadressen er i bruk utenfor kommunen og kan ikke brukes her.")})
    user = User(email=address, full_name=full_name.strip(), title=title.strip(), kommune_id=kommune_id)
    user.set_unusable_password()
    user.save()
    record_change(
        actor=actor, action="user_invited", obj="user", obj_id=user.pk, after=snap_user(user), request=request
    )
    if send:
        queue_invitation(user)
    return user


@transaction.atomic
def staff_update(
    *, actor: User, user_id: Any, full_name: str, title: str, email: str, request: HttpRequest | None = None
) -> User:
    kommune_id = admin_kommune(actor)
    user = scoped_user(kommune_id, user_id)
    before = snap_user(user)
    address = _clean_email(email)
    if not full_name.strip():
        raise ValidationError({"full_name": _("Skriv personens navn.")})
    if address != normalise_email(user.email) and email_taken(address, exclude_pk=user.pk) is not None:
        raise ValidationError({"email": _("E-postadressen er allerede i bruk.")})
    user.full_name, user.title, user.email = full_name.strip(), title.strip(), address
    user.save(update_fields=["full_name", "title", "email"])
    after = snap_user(user)
    if after != before:
        record_change(
            actor=actor, action="user_updated", obj="user", obj_id=user.pk, before=before, after=after, request=request
        )
    return user


def _lock_kommune(kommune_id: int) -> None:
    """Serialise changes that must keep an administrator in the kommune."""
    Kommune.objects.select_for_update().filter(pk=kommune_id).first()


def _active_admins(kommune_id: int) -> list[int]:
    return list(
        KommuneRole.objects.filter(
            kommune_id=kommune_id, role=KommuneRoleKind.ADMINISTRATOR, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def _keeps_an_admin(kommune_id: int, *, losing: int) -> None:
    if set(_active_admins(kommune_id)) <= {losing}:
        raise ValidationError(
            {"__all__": _("Kommunen må ha minst én aktiv kommuneadministrator. Gi en annen person rollen først.")}
        )


@transaction.atomic
def staff_set_active(*, actor: User, user_id: Any, active: bool, request: HttpRequest | None = None) -> User:
    """Deactivate (the person can no longer log in, every session ends now) or reactivate."""
    kommune_id = admin_kommune(actor)
    user = scoped_user(kommune_id, user_id)
    if user.is_active == active:
        return user
    if not active:
        if user.pk == actor.pk:
            raise ValidationError({"__all__": _("Du kan ikke deaktivere deg selv.")})
        _lock_kommune(kommune_id)
        _keeps_an_admin(kommune_id, losing=user.pk)
    before = snap_user(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_change(
        actor=actor,
        action="user_activated" if active else "user_deactivated",
        obj="user",
        obj_id=user.pk,
        before=before,
        after=snap_user(user),
        request=request,
    )
    if not active:
        sessions.end_sessions(actor=None, user=user, reason="deactivated", request=request)
    return user


@transaction.atomic
def invitation_resend(*, actor: User, user_id: Any, request: HttpRequest | None = None) -> User:
    kommune_id = admin_kommune(actor)
    user = scoped_user(kommune_id, user_id)
    if not user.is_active:
        raise ValidationError({"__all__": _("Personen er deaktivert. Aktiver personen før du sender en invitasjon.")})
    if user.has_usable_password() or user.last_login is not None:
        raise ValidationError({"__all__": _("Personen har allerede logget inn eller valgt passord.")})
    record_change(actor=actor, action="invitation_sent", obj="user", obj_id=user.pk, request=request)
    queue_invitation(user)
    return user


# --- Memberships ----------------------------------------------------------------------


def _check_period(valid_from: date | None, valid_until: date | None) -> date:
    if valid_from is None:
        raise ValidationError({"valid_from": _("Skriv når tilknytningen begynner.")})
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": _("Sluttdatoen kan ikke være før startdatoen.")})
    return valid_from


def sync_guide_editor(user: User, service: Service) -> None:
    """A fagadministrator edits the handlingsveileder of the unit's service: the edit
    permission (an object permission of the handlingsveileder app) follows the person's
    current or coming fagadministrator memberships in that service."""
    from guardian.shortcuts import assign_perm, remove_perm

    from handlingsveileder.rules import EDIT_PERM
    from handlingsveileder.services.setup import guide_for_service

    guide = guide_for_service(service)
    today = timezone.localdate()
    keeps = (
        Membership.objects.filter(user=user, unit__service=service, role=MembershipRole.FAGADMIN)
        .exclude(valid_until__lt=today)
        .exists()
    )
    if keeps:
        assign_perm(EDIT_PERM, user, guide)
    else:
        remove_perm(EDIT_PERM, user, guide)


def end_membership_now(membership: Membership) -> str:
    """End a membership so it counts no more from today: the last day is yesterday, or,
    when it had not begun before today, it is removed (it never took effect). Returns
    "ended" or "removed"."""
    yesterday = timezone.localdate() - timedelta(days=1)
    if membership.valid_from > yesterday:
        membership.delete()
        return "removed"
    if membership.valid_until is None or membership.valid_until > yesterday:
        membership.valid_until = yesterday
        membership.save(update_fields=["valid_until"])
    return "ended"


def _role(role: str) -> str:
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Velg en rolle: ansatt, leder eller fagadministrator.")})
    return role


@transaction.atomic
def membership_add(
    *,
    actor: User,
    user_id: Any,
    unit_id: Any,
    role: str,
    valid_from: date | None,
    valid_until: date | None = None,
    request: HttpRequest | None = None,
) -> Membership:
    kommune_id = admin_kommune(actor)
    user = scoped_user(kommune_id, user_id)
    try:
        unit = scoped(Unit.objects.select_related("service"), kommune_id, unit_id)
    except Http404:  # an id of another kommune is «no such unit» on the form, as a missing one
        raise ValidationError({"unit": _("Velg en enhet i kommunen.")}) from None
    if not unit.is_active:
        raise ValidationError({"unit": _("Enheten %(unit)s er stengt.") % {"unit": unit.name}})
    role = _role(role)
    start = _check_period(valid_from, valid_until)
    existing = Membership.objects.filter(user=user, unit=unit, role=role).first()
    if existing is not None:
        raise ValidationError(
            {
                "unit": _("%(name)s har allerede rollen %(role)s i %(unit)s. Endre datoene på den tilknytningen.")
                % {"name": user.full_name, "role": existing.get_role_display().lower(), "unit": unit.name}
            }
        )
    membership = Membership.objects.create(user=user, unit=unit, role=role, valid_from=start, valid_until=valid_until)
    record_change(
        actor=actor,
        action="membership_added",
        obj="membership",
        obj_id=membership.pk,
        after=snap_membership(membership),
        request=request,
    )
    if role == MembershipRole.FAGADMIN:
        sync_guide_editor(user, unit.service)
    return membership


def _scoped_membership(kommune_id: int, membership_id: Any) -> Membership:
    membership = scoped(
        Membership.objects.select_related("unit", "unit__service", "user").select_for_update(of=("self",)),
        kommune_id,
        membership_id,
    )
    if membership.user.is_staff or membership.user.is_superuser:
        raise Http404
    return membership


@transaction.atomic
def membership_update(
    *,
    actor: User,
    membership_id: Any,
    valid_from: date | None,
    valid_until: date | None,
    request: HttpRequest | None = None,
) -> Membership:
    kommune_id = admin_kommune(actor)
    membership = _scoped_membership(kommune_id, membership_id)
    before = snap_membership(membership)
    membership.valid_from = _check_period(valid_from, valid_until)
    membership.valid_until = valid_until
    membership.save(update_fields=["valid_from", "valid_until"])
    after = snap_membership(membership)
    if after != before:
        record_change(
            actor=actor,
            action="membership_updated",
            obj="membership",
            obj_id=membership.pk,
            before=before,
            after=after,
            request=request,
        )
        if membership.role == MembershipRole.FAGADMIN:
            sync_guide_editor(membership.user, membership.unit.service)
        sessions.after_membership_change(user=membership.user, request=request)
    return membership


def end_membership_logged(
    membership: Membership, *, actor: User, request: HttpRequest | None = None, **extra: Any
) -> str:
    """End a membership from today with its security event; the guide edit right follows,
    and a person left without any membership or role is logged out everywhere."""
    before = snap_membership(membership)
    user, service, role, pk = membership.user, membership.unit.service, membership.role, membership.pk
    outcome = end_membership_now(membership)
    record_change(
        actor=actor,
        action=f"membership_{outcome}",
        obj="membership",
        obj_id=pk,
        before=before,
        after=snap_membership(membership) if outcome == "ended" else None,
        request=request,
        **extra,
    )
    if role == MembershipRole.FAGADMIN:
        sync_guide_editor(user, service)
    sessions.after_membership_change(user=user, request=request)
    return outcome


@transaction.atomic
def membership_end(*, actor: User, membership_id: Any, request: HttpRequest | None = None) -> str:
    """End the membership from today (the person loses what it gave on the next request)."""
    kommune_id = admin_kommune(actor)
    return end_membership_logged(_scoped_membership(kommune_id, membership_id), actor=actor, request=request)


# --- Kommune roles --------------------------------------------------------------------


@transaction.atomic
def kommune_role_add(*, actor: User, user_id: Any, role: str, request: HttpRequest | None = None) -> KommuneRole:
    kommune_id = admin_kommune(actor)
    user = scoped_user(kommune_id, user_id)
    if role not in KommuneRoleKind.values:
        raise ValidationError({"role": _("Velg en rolle i kommunen.")})
    if not user.is_active:
        raise ValidationError({"role": _("Personen er deaktivert. Aktiver personen først.")})
    found, created = KommuneRole.objects.get_or_create(kommune_id=kommune_id, user=user, role=role)
    if not created:
        raise ValidationError(
            {
                "role": _("%(name)s har allerede rollen %(role)s.")
                % {"name": user.full_name, "role": found.get_role_display()}
            }
        )
    record_change(
        actor=actor,
        action="kommune_role_added",
        obj="kommune_role",
        obj_id=found.pk,
        after=snap_kommune_role(found),
        request=request,
    )
    return found


@transaction.atomic
def kommune_role_remove(*, actor: User, role_id: Any, request: HttpRequest | None = None) -> None:
    kommune_id = admin_kommune(actor)
    _lock_kommune(kommune_id)
    found = scoped(KommuneRole.objects.select_related("user"), kommune_id, role_id)
    if found.user.is_staff or found.user.is_superuser:
        raise Http404
    if found.role == KommuneRoleKind.ADMINISTRATOR:
        _keeps_an_admin(kommune_id, losing=found.user_id)
    before = snap_kommune_role(found)
    pk, user = found.pk, found.user
    found.delete()
    record_change(
        actor=actor, action="kommune_role_removed", obj="kommune_role", obj_id=pk, before=before, request=request
    )
    sessions.after_membership_change(user=user, request=request)


@transaction.atomic
def invitation_accept(*, user: User, password: str, request: HttpRequest | None = None) -> User:
    """The invited person chose a password (the link's token was checked by the caller;
    setting the password makes the token invalid)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record_change(actor=user, action="invitation_accepted", obj="user", obj_id=user.pk, request=request)
    return user
