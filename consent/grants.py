"""Time-limited access (issue 16 item 5; A-03, A-04, A-06 in the legal reference).

A leader of the unit that owns a case gives one person access to that case for a period
and a reason. It is access *within the service* (tjenesteintern: fvl. § 13 b første
ledd nr. 3): the person works in another unit of the owning unit's service (another
barnehage, another school). Information goes to other services only with consent or a
legal basis (``consent.services``), never through a grant.

The grant opens the case through ``bti.policy.rule_explicit_grant`` from its first to its
last day, read from the database on every request, so it begins and ends by itself; the
leader may end it earlier. Giving and ending are a stafettlogg entry (the family sees who
had access and why, A-06) and a security event, in the same transaction. Reads by the
person are in the innsynslogg like every read.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bti import policy
from bti.models import Membership, User
from bti.security import audit
from bti.security.models import SecurityEventKind
from cases.models import Case
from consent.models import AccessGrant
from stafettlogg.models import EntryKind
from stafettlogg.services import entry_append

MAX_DAYS = 90


def _leader_case(actor: User, case_id: Any, *, for_update: bool = False) -> Case:
    """The case, for a leader of its owning unit (404 for everyone else, as access_case)."""
    case = policy.access_case(actor, case_id, for_update=for_update)
    if not policy.is_owner_leader(actor, case):
        raise Http404
    return case


def leader_case(actor: User, case_id: Any) -> Case:
    return _leader_case(actor, case_id)


def candidates(case: Case) -> QuerySet[Membership]:
    """People who may get a grant: case work (ansatt, leder) today in another unit of the
    owning unit's service."""
    today = timezone.localdate()
    return (
        Membership.objects.filter(
            kommune_id=case.kommune_id,
            unit__service_id=case.owner_unit.service_id,
            unit__is_active=True,
            role__in=policy.CASE_ROLES,
            valid_from__lte=today,
            user__is_active=True,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .exclude(unit_id=case.owner_unit_id)
        .select_related("user", "unit")
        .order_by("user__full_name", "unit__name")
    )


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _audit(event: str, grant: AccessGrant, actor: User, request: HttpRequest | None) -> None:
    audit.record(
        SecurityEventKind.ACCESS_GRANT,
        request=request,
        user=actor,
        detail={
            "action": event,
            "grant": grant.pk,
            "case": grant.case_id,
            "person": grant.user_id,
            "unit": grant.unit_id,
            "valid_from": grant.valid_from.isoformat(),
            "valid_until": grant.valid_until.isoformat(),
        },
    )


@transaction.atomic
def access_grant_create(
    *,
    actor: User,
    case_id: Any,
    user_id: Any,
    unit_id: Any,
    valid_from: date | None,
    valid_until: date | None,
    reason: str,
    request: HttpRequest | None = None,
) -> AccessGrant:
    case = _leader_case(actor, case_id, for_update=True)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    try:
        membership = candidates(case).filter(user_id=int(user_id), unit_id=int(unit_id)).first()
    except (TypeError, ValueError):
        membership = None
    if membership is None:
        errors["person"] = _(
            "Velg en ansatt i en annen enhet i tjenesten %(service)s. Andre tjenester får opplysninger med samtykke."
        ) % {"service": case.owner_unit.service.name}
    if valid_from is None:
        errors["valid_from"] = _("Skriv første dag tilgangen gjelder.")
    elif valid_from < today:
        errors["valid_from"] = _("Tilgangen kan ikke begynne før i dag.")
    if valid_until is None:
        errors["valid_until"] = _("Skriv siste dag tilgangen gjelder.")
    elif valid_from is not None and valid_until < valid_from:
        errors["valid_until"] = _("Siste dag kan ikke være før første dag.")
    elif valid_from is not None and (valid_until - valid_from).days >= MAX_DAYS:
        errors["valid_until"] = _("Tilgangen kan vare høyst %(n)s dager. Gi en ny når den går ut.") % {"n": MAX_DAYS}
    if not reason.strip():
        errors["reason"] = _("Skriv hvorfor personen trenger tilgang. Begrunnelsen vises for familien.")
    if membership is not None and not errors:
        grantee = membership.user
        overlapping = AccessGrant.objects.filter(
            case=case, user=grantee, ended_at__isnull=True, valid_until__gte=valid_from, valid_from__lte=valid_until
        )
        if overlapping.exists():
            errors["person"] = _("%(name)s har allerede tilgang i perioden. Avslutt den først.") % {
                "name": grantee.full_name
            }
        elif policy.cases_visible_to(grantee).filter(pk=case.pk).exists():
            errors["person"] = _("%(name)s kan allerede se saken.") % {"name": grantee.full_name}
    if errors:
        raise ValidationError(errors)
    assert membership is not None and valid_from is not None and valid_until is not None
    grant = AccessGrant.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        user=membership.user,
        unit=membership.unit,
        reason=reason.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        granted_by=actor,
    )
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=_("%(name)s (%(unit)s) har fått tilgang til saken fra %(from)s til %(until)s. Begrunnelse: %(reason)s")
        % {
            "name": grant.user.full_name,
            "unit": grant.unit.name,
            "from": _fmt(valid_from),
            "until": _fmt(valid_until),
            "reason": grant.reason,
        },
        data={"event": "access_granted", "grant": grant.pk, "user": grant.user_id, "unit": grant.unit_id},
    )
    _audit("granted", grant, actor, request)
    return grant


@transaction.atomic
def access_grant_end(*, actor: User, case_id: Any, grant_id: Any, request: HttpRequest | None = None) -> AccessGrant:
    """End a grant now (the person loses access on the next request)."""
    case = _leader_case(actor, case_id, for_update=True)
    try:
        grant = AccessGrant.objects.select_related("user").filter(case=case, pk=int(grant_id)).first()
    except (TypeError, ValueError):
        grant = None
    if grant is None:
        raise Http404
    if grant.ended_at is not None or grant.valid_until < timezone.localdate():
        raise ValidationError({"__all__": _("Tilgangen er allerede avsluttet.")})
    grant.ended_at = timezone.now()
    grant.ended_by = actor
    grant.save(update_fields=["ended_at", "ended_by"])
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.NOTAT,
        text=_("Tilgangen til %(name)s er avsluttet.") % {"name": grant.user.full_name},
        data={"event": "access_grant_ended", "grant": grant.pk, "user": grant.user_id},
    )
    _audit("ended", grant, actor, request)
    return grant


def grants_for_case(case: Case) -> list[AccessGrant]:
    return list(
        AccessGrant.objects.filter(case=case)
        .select_related("user", "unit", "granted_by", "ended_by")
        .order_by("-valid_from", "-pk")
    )


def grant_status(grant: AccessGrant, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if grant.ended_at is not None:
        return "ended"
    if grant.valid_until < today:
        return "expired"
    if grant.valid_from > today:
        return "coming"
    return "current"


def grants_for_leader(user: User, *, days: int = 30) -> list[AccessGrant]:
    """Grants on cases of the units the user leads: current and coming ones, and those
    that ended in the last ``days`` days."""
    since = timezone.localdate() - timedelta(days=days)
    led_cases = Case.objects.filter(owner_unit_id__in=policy.leader_unit_ids(user), kommune_id=user.kommune_id or 0)
    return list(
        AccessGrant.objects.filter(case_id__in=led_cases.values("pk"), valid_until__gte=since)
        .select_related("user", "unit", "granted_by")
        .order_by("-valid_from", "-pk")[:200]
    )


def grants_received(user: User) -> list[AccessGrant]:
    """The user's own current and coming grants (to find the cases)."""
    return list(
        AccessGrant.objects.filter(user=user, ended_at__isnull=True, valid_until__gte=timezone.localdate())
        .select_related("unit", "granted_by")
        .order_by("valid_from", "pk")
    )


def current_grants(user: Any, today: date) -> QuerySet[AccessGrant]:
    """A unit leader's grants to the user, in their period ``today``, not ended (registered
    with ``bti.policy`` in ``ConsentConfig.ready``: it opens the case and all its categories)."""
    return AccessGrant.objects.filter(user=user, valid_from__lte=today, valid_until__gte=today, ended_at__isnull=True)
