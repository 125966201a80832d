"""Services (tjenester) and units (enheter) of the kommune: create, rename, close, merge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bti.models import DEFAULT_CATEGORY, Kommune, Membership, ServiceCategory, ServiceKind, Unit, User
from bti.models import Service as BtiService
from kommuneadmin.services.common import admin_kommune, record_change, scoped, snap_service, snap_unit
from kommuneadmin.services.staff import end_membership_logged, sync_guide_editor


def _name(name: str, field: str = "name") -> str:
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError({field: _("Skriv et navn.")})
    return clean


def _service_fields(kind: str, category: str) -> tuple[str, str]:
    if kind not in ServiceKind.values:
        raise ValidationError({"kind": _("Velg hva slags tjeneste det er.")})
    category = category or DEFAULT_CATEGORY[kind]
    if category not in ServiceCategory.values:
        raise ValidationError({"category": _("Velg basis-, hjelpe- eller voksentjeneste.")})
    return kind, category


def _unique_service_name(kommune_id: int, name: str, exclude: int | None = None) -> None:
    qs = BtiService.objects.filter(kommune_id=kommune_id, name__iexact=name)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise ValidationError({"name": _("Kommunen har allerede en tjeneste som heter «%(name)s».") % {"name": name}})


def _unique_unit_name(kommune_id: int, name: str, exclude: int | None = None) -> None:
    qs = Unit.objects.filter(kommune_id=kommune_id, name__iexact=name)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise ValidationError({"name": _("Kommunen har allerede en enhet som heter «%(name)s».") % {"name": name}})


def create_service_row(*, actor: User, kommune_id: int, name: str, kind: str, category: str = "") -> BtiService:
    """The row and its handlingsveileder (the kommune's default guide is published from
    the BTI template the first time). Callers have checked the actor and the name."""
    from handlingsveileder.services.setup import ensure_kommune_default, guide_for_service

    kind, category = _service_fields(kind, category)
    service = BtiService.objects.create(kommune_id=kommune_id, name=name, kind=kind, category=category)
    ensure_kommune_default(Kommune.objects.get(pk=kommune_id), actor=actor)
    guide_for_service(service)
    return service


@transaction.atomic
def service_create(
    *, actor: User, name: str, kind: str, category: str = "", request: HttpRequest | None = None
) -> BtiService:
    kommune_id = admin_kommune(actor)
    name = _name(name)
    _unique_service_name(kommune_id, name)
    service = create_service_row(actor=actor, kommune_id=kommune_id, name=name, kind=kind, category=category)
    record_change(
        actor=actor,
        action="service_created",
        obj="service",
        obj_id=service.pk,
        after=snap_service(service),
        request=request,
    )
    return service


@transaction.atomic
def service_update(
    *, actor: User, service_id: Any, name: str, kind: str, category: str, request: HttpRequest | None = None
) -> BtiService:
    kommune_id = admin_kommune(actor)
    service = scoped(BtiService.objects.select_for_update(), kommune_id, service_id)
    before = snap_service(service)
    service.name = _name(name)
    _unique_service_name(kommune_id, service.name, exclude=service.pk)
    service.kind, service.category = _service_fields(kind, category)
    service.save(update_fields=["name", "kind", "category"])
    after = snap_service(service)
    if after != before:
        record_change(
            actor=actor,
            action="service_updated",
            obj="service",
            obj_id=service.pk,
            before=before,
            after=after,
            request=request,
        )
    return service


def _active_service(kommune_id: int, service_id: Any) -> BtiService:
    try:
        return scoped(BtiService.objects.all(), kommune_id, service_id)
    except Http404:  # another kommune's id reads as no such service, like a missing one
        raise ValidationError({"service": _("Velg en tjeneste i kommunen.")}) from None


@transaction.atomic
def unit_create(*, actor: User, service_id: Any, name: str, request: HttpRequest | None = None) -> Unit:
    kommune_id = admin_kommune(actor)
    service = _active_service(kommune_id, service_id)
    name = _name(name)
    _unique_unit_name(kommune_id, name)
    unit = Unit.objects.create(service=service, name=name)
    record_change(
        actor=actor, action="unit_created", obj="unit", obj_id=unit.pk, after=snap_unit(unit), request=request
    )
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit_id: Any, name: str, service_id: Any, request: HttpRequest | None = None) -> Unit:
    """Rename a unit, or move it to another service of the kommune."""
    kommune_id = admin_kommune(actor)
    unit = scoped(Unit.objects.select_for_update().select_related("service"), kommune_id, unit_id)
    before = snap_unit(unit)
    unit.name = _name(name)
    _unique_unit_name(kommune_id, unit.name, exclude=unit.pk)
    old_service = unit.service
    unit.service = _active_service(kommune_id, service_id)
    unit.save(update_fields=["name", "service", "kommune"])
    after = snap_unit(unit)
    if after != before:
        record_change(
            actor=actor, action="unit_updated", obj="unit", obj_id=unit.pk, before=before, after=after, request=request
        )
    if old_service.pk != unit.service_id:
        # A fagadministrator's edit right follows the service the unit now belongs to.
        for user in User.objects.filter(memberships__unit=unit, memberships__role="fagadministrator").distinct():
            sync_guide_editor(user, old_service)
            sync_guide_editor(user, unit.service)
    return unit


@dataclass
class UnitLoad:
    """What hangs on a unit before it is closed or merged (counts only, no case content)."""

    open_cases: int
    closed_cases: int
    active_memberships: int
    waiting_transitions: int
    consent_scopes: int
    involvements: int


def unit_load(unit: Unit) -> UnitLoad:
    from cases.models import Case, CaseStatus
    from consent.models import ConsentScope, Involvement
    from samarbeid.models import Transition, TransitionStatus

    today = timezone.localdate()
    cases = Case.objects.filter(owner_unit=unit)
    return UnitLoad(
        open_cases=cases.filter(status=CaseStatus.OPEN).count(),
        closed_cases=cases.exclude(status=CaseStatus.OPEN).count(),
        active_memberships=Membership.objects.filter(unit=unit)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .count(),
        waiting_transitions=Transition.objects.filter(status=TransitionStatus.PROPOSED)
        .filter(Q(to_unit=unit) | Q(from_unit=unit))
        .count(),
        consent_scopes=ConsentScope.objects.filter(unit=unit, withdrawn_at__isnull=True).count(),
        involvements=Involvement.objects.filter(unit=unit, ended_at__isnull=True).count(),
    )


def _end_unit_memberships(unit: Unit, actor: User, request: HttpRequest | None) -> int:
    """End every current membership of the unit from today (each with its own event)."""
    today = timezone.localdate()
    rows = list(
        Membership.objects.select_related("user", "unit", "unit__service")
        .filter(unit=unit)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )
    for membership in rows:
        end_membership_logged(membership, actor=actor, request=request, reason=f"unit {unit.pk} closed")
    return len(rows)


def _refuse_waiting_transitions(load: UnitLoad) -> None:
    if load.waiting_transitions:
        raise ValidationError(
            {"__all__": _("En overgang til eller fra enheten venter på svar. Den må avgjøres først.")}
        )


@transaction.atomic
def unit_close(*, actor: User, unit_id: Any, request: HttpRequest | None = None) -> Unit:
    """Close a unit that owns no open case and waits for no overgang. Its memberships end
    today; it stays in the history (cases, the stafettlogg and consents still name it)."""
    kommune_id = admin_kommune(actor)
    unit = scoped(Unit.objects.select_for_update().select_related("service"), kommune_id, unit_id)
    if not unit.is_active:
        raise ValidationError({"__all__": _("Enheten er allerede stengt.")})
    load = unit_load(unit)
    if load.open_cases:
        raise ValidationError(
            {
                "__all__": _(
                    "%(unit)s eier %(n)s åpne saker. Flytt dem med en overgang, eller slå enheten sammen med en annen."
                )
                % {"unit": unit.name, "n": load.open_cases}
            }
        )
    _refuse_waiting_transitions(load)
    before = snap_unit(unit)
    ended = _end_unit_memberships(unit, actor, request)
    unit.is_active = False
    unit.save(update_fields=["is_active", "kommune"])
    record_change(
        actor=actor,
        action="unit_closed",
        obj="unit",
        obj_id=unit.pk,
        before=before,
        after=snap_unit(unit),
        request=request,
        memberships_ended=ended,
    )
    return unit


@transaction.atomic
def unit_reopen(*, actor: User, unit_id: Any, request: HttpRequest | None = None) -> Unit:
    kommune_id = admin_kommune(actor)
    unit = scoped(Unit.objects.select_for_update(), kommune_id, unit_id)
    if unit.is_active:
        return unit
    before = snap_unit(unit)
    unit.is_active = True
    unit.save(update_fields=["is_active", "kommune"])
    record_change(
        actor=actor,
        action="unit_reopened",
        obj="unit",
        obj_id=unit.pk,
        before=before,
        after=snap_unit(unit),
        request=request,
    )
    return unit


@transaction.atomic
def unit_merge(*, actor: User, unit_id: Any, into_id: Any, request: HttpRequest | None = None) -> dict[str, int]:
    """Merge a unit into another of the kommune: its cases move to the other unit (each
    with a stafettlogg entry), its people get the same role there, and it is closed.
    Consents given to the old unit stay with it: a consent names the unit it was given
    to, so the merged unit needs a new consent where it needs the information."""
    from cases.models import Case
    from oversikt.models import Alarm
    from stafettlogg.models import EntryKind, HandoverStatus, Stafettholder
    from stafettlogg.services import bump_version, entry_append

    kommune_id = admin_kommune(actor)
    source = scoped(Unit.objects.select_for_update().select_related("service"), kommune_id, unit_id)
    try:
        target = scoped(Unit.objects.select_for_update().select_related("service"), kommune_id, into_id)
    except Http404:  # another kommune's id reads as no such unit, like a missing one
        raise ValidationError({"into": _("Velg en enhet i kommunen.")}) from None
    if target.pk == source.pk:
        raise ValidationError({"into": _("Velg en annen enhet enn den som slås sammen.")})
    if not target.is_active:
        raise ValidationError({"into": _("%(unit)s er stengt. Velg en aktiv enhet.") % {"unit": target.name}})
    if not source.is_active:
        raise ValidationError({"__all__": _("Enheten er allerede stengt.")})
    _refuse_waiting_transitions(unit_load(source))

    moved = 0
    for case in Case.objects.select_for_update().filter(owner_unit=source).order_by("pk"):
        case.owner_unit = target
        bump_version(case, "owner_unit")
        entry_append(
            case=case,
            actor=actor,
            kind=EntryKind.NOTAT,
            text=_("%(from)s er slått sammen med %(to)s. Saken eies nå av %(to)s.")
            % {"from": source.name, "to": target.name},
            data={"event": "owner_unit_merged", "from_unit": source.pk, "to_unit": target.pk},
            unit=target,
        )
        moved += 1
    Stafettholder.objects.filter(unit=source, status__in=[HandoverStatus.ACTIVE, HandoverStatus.PROPOSED]).update(
        unit=target
    )
    Alarm.objects.filter(unit=source, resolved_at__isnull=True).update(unit=target)

    today = timezone.localdate()
    people = 0
    for membership in (
        Membership.objects.filter(unit=source)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("user")
    ):
        _created = Membership.objects.get_or_create(
            user=membership.user,
            unit=target,
            role=membership.role,
            defaults={"valid_from": max(today, membership.valid_from), "valid_until": membership.valid_until},
        )[1]
        people += int(_created)
        if membership.role == "fagadministrator":
            sync_guide_editor(membership.user, target.service)
    ended = _end_unit_memberships(source, actor, request)
    before = snap_unit(source)
    source.is_active = False
    source.save(update_fields=["is_active", "kommune"])
    counts = {"cases_moved": moved, "memberships_moved": people, "memberships_ended": ended}
    record_change(
        actor=actor,
        action="unit_merged",
        obj="unit",
        obj_id=source.pk,
        before=before,
        after={**snap_unit(source), "merged_into": target.pk, "merged_into_name": target.name},
        request=request,
        **counts,
    )
    transaction.on_commit(lambda: _refresh_facts(kommune_id))
    return counts


def _refresh_facts(kommune_id: int) -> None:
    from bti.outbox import enqueue
    from oversikt.tasks import refresh_kommune_facts

    enqueue(refresh_kommune_facts, kommune_id)
