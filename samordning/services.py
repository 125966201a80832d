"""Writes of the samordning app: who coordinates (nivå 2–3), the barnekoordinator, and
«forberedt for individuell plan». Each takes the acting user, checks the access policy,
and writes its stafettlogg entry in the same transaction, with the case row locked."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bti import policy
from bti.models import Service, Unit, User
from cases.models import Case, Guardian
from consent.models import AgeRules, ConsentForm
from consent.services import age_of
from samordning.models import CATEGORY, Barnekoordinator, Coordination
from stafettlogg.models import EntryKind
from stafettlogg.services import entry_append, locked_case

# Coordinating a case belongs to its stafettholder and the owning unit's leader, from nivå 1
# (the same people who may hand the stafettholder role on).
COORDINATE = "propose_handover"


def _required(value: str, field: str, message: str, errors: dict[str, str]) -> str:
    clean = (value or "").strip()
    if not clean:
        errors[field] = message
    return clean


@transaction.atomic
def coordination_record(
    *,
    actor: User,
    case_id: Any,
    service_id: Any,
    unit_id: Any = None,
    child_view: str,
    parents_view: str,
    decided_by: str,
    decided_on: date | None,
    services_agree: bool,
    disagreement: str = "",
    kommune_decision: str = "",
    kommune_decided_by: str = "",
) -> Coordination:
    """Record which service coordinates the case (samordningsplikt, from 1 August 2022)."""
    case = locked_case(actor, case_id, COORDINATE, None)
    if case.level < 2:
        raise ValidationError({"__all__": _("Hvem som koordinerer, registreres når saken er på nivå 2 eller 3.")})
    errors: dict[str, str] = {}
    service = Service.objects.filter(kommune_id=case.kommune_id, pk=_int(service_id)).first()
    if service is None:
        errors["service"] = _("Velg tjenesten som koordinerer.")
    unit = None
    if unit_id not in (None, ""):
        unit = Unit.objects.filter(kommune_id=case.kommune_id, pk=_int(unit_id), is_active=True).first()
        if unit is None or (service is not None and unit.service_id != service.pk):
            errors["unit"] = _("Velg en enhet i tjenesten som koordinerer, eller la feltet stå tomt.")
    child = _required(child_view, "child_view", _("Skriv barnets syn, eller hvorfor det ikke er hentet inn."), errors)
    parents = _required(
        parents_view, "parents_view", _("Skriv foreldrenes syn, eller hvorfor det ikke er hentet inn."), errors
    )
    who = _required(decided_by, "decided_by", _("Skriv hvem som besluttet, for eksempel samarbeidsmøtet."), errors)
    if decided_on is None:
        errors["decided_on"] = _("Skriv når det ble besluttet.")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("Datoen kan ikke være fram i tid.")
    disagree_text = decision = decision_by = ""
    if not services_agree:
        disagree_text = _required(disagreement, "disagreement", _("Skriv hva tjenestene var uenige om."), errors)
        decision = _required(
            kommune_decision,
            "kommune_decision",
            _("Når tjenestene er uenige, bestemmer kommunen: skriv beslutningen."),
            errors,
        )
        decision_by = _required(
            kommune_decided_by, "kommune_decided_by", _("Skriv hvem i kommunen som besluttet."), errors
        )
    if errors:
        raise ValidationError(errors)
    assert service is not None and decided_on is not None
    row = Coordination.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        service=service,
        unit=unit,
        child_view=child,
        parents_view=parents,
        decided_by=who,
        decided_on=decided_on,
        services_agree=services_agree,
        disagreement=disagree_text,
        kommune_decision=decision,
        kommune_decided_by=decision_by,
        category=CATEGORY,
        recorded_by=actor,
    )
    where = f"{service.name} ({unit.name})" if unit else service.name
    text = _("%(where)s koordinerer saken, besluttet %(on)s av %(who)s.") % {
        "where": where,
        "on": decided_on.strftime("%d.%m.%Y"),
        "who": who,
    }
    if not services_agree:
        text += " " + _("Tjenestene var uenige; kommunens beslutning (%(by)s): %(decision)s") % {
            "by": decision_by,
            "decision": decision,
        }
    entry = entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.SAMORDNING,
        text=text,
        data={
            "event": "coordination",
            "coordination": row.pk,
            "service": service.pk,
            "unit": unit.pk if unit else None,
            "services_agree": services_agree,
            "kategori": CATEGORY,
        },
    )
    row.entry_id = entry.pk
    row.save(update_fields=["entry_id"])
    return row


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def barnekoordinator_candidates(case: Case) -> list[tuple[User, Unit]]:
    """People doing case work in a unit of the case's kommune (the barnekoordinator may
    be in any service)."""
    from samarbeid.selectors import kommune_people

    return [(m.user, m.unit) for m in kommune_people(case)]


@transaction.atomic
def barnekoordinator_appoint(
    *,
    actor: User,
    case_id: Any,
    user_id: Any,
    unit_id: Any,
    guardian_ids: list[int],
    by_young_person: bool,
    consent_form: str,
    consent_note: str,
    consented_on: date | None,
    started_on: date | None,
) -> Barnekoordinator:
    """Appoint the child's barnekoordinator, with the consent of the parents (or of the
    young person, from the kommune's age for consenting alone)."""
    case = locked_case(actor, case_id, COORDINATE, None)
    if case.child_id is None:
        raise ValidationError({"__all__": _("Barnet må være identifisert før en barnekoordinator oppnevnes.")})
    if Barnekoordinator.objects.filter(case=case, ended_at__isnull=True).exists():
        raise ValidationError(
            {"__all__": _("Saken har allerede en barnekoordinator. Avslutt den rollen før du oppnevner en ny.")}
        )
    errors: dict[str, str] = {}
    pick = [(u, n) for u, n in barnekoordinator_candidates(case) if u.pk == _int(user_id) and n.pk == _int(unit_id)]
    if not pick:
        errors["person"] = _("Velg en ansatt i kommunen.")
    guardians = list(Guardian.objects.filter(child_id=case.child_id, pk__in=[_int(g) for g in guardian_ids or []]))
    if len(guardians) != len(set(guardian_ids or [])):
        errors["guardians"] = _("Velg blant barnets foresatte.")
    without = [g.full_name for g in guardians if not g.has_parental_responsibility]
    if without:
        errors["guardians"] = _("%(names)s har ikke foreldreansvar og kan ikke samtykke.") % {
            "names": ", ".join(without)
        }
    rules = AgeRules.for_kommune(case.kommune_id)
    age = age_of(case)
    if not guardians and not by_young_person:
        errors.setdefault("guardians", _("Barnekoordinator oppnevnes med samtykke: velg hvem som samtykket."))
    elif not guardians and (age is None or age < rules.consents_alone_from):
        errors.setdefault(
            "guardians",
            _("Barnet er under %(age)s år og kan ikke samtykke alene. Velg foresatte med foreldreansvar.")
            % {"age": rules.consents_alone_from},
        )
    if consent_form not in ConsentForm.values:
        errors["consent_form"] = _("Velg hvordan samtykket ble gitt.")
    elif consent_form == ConsentForm.ORAL and not consent_note.strip():
        errors["consent_note"] = _("Et muntlig samtykke krever et referat: skriv hva som ble sagt, og av hvem.")
    if consented_on is None:
        errors["consented_on"] = _("Skriv når samtykket ble gitt.")
    elif consented_on > timezone.localdate():
        errors["consented_on"] = _("Datoen kan ikke være fram i tid.")
    if started_on is None:
        errors["started_on"] = _("Skriv når rollen begynner.")
    if errors:
        raise ValidationError(errors)
    assert consented_on is not None and started_on is not None
    user, unit = pick[0]
    row = Barnekoordinator.objects.create(
        kommune_id=case.kommune_id,
        case=case,
        user=user,
        unit=unit,
        consent_by_young_person=by_young_person,
        consent_form=consent_form,
        consent_note=consent_note.strip(),
        consented_on=consented_on,
        started_on=started_on,
        category=CATEGORY,
        appointed_by=actor,
    )
    row.consent_guardians.set(guardians)
    givers = [g.full_name for g in guardians] + ([_("ungdommen selv")] if by_young_person else [])
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.BARNEKOORDINATOR,
        text=_("%(name)s (%(unit)s) er barnekoordinator fra %(from)s, med samtykke fra %(givers)s (%(on)s).")
        % {
            "name": user.full_name,
            "unit": unit.name,
            "from": started_on.strftime("%d.%m.%Y"),
            "givers": ", ".join(givers),
            "on": consented_on.strftime("%d.%m.%Y"),
        },
        data={"event": "appointed", "barnekoordinator": row.pk, "user": user.pk, "unit": unit.pk, "kategori": CATEGORY},
    )
    return row


@transaction.atomic
def barnekoordinator_end(*, actor: User, case_id: Any, reason: str) -> Barnekoordinator:
    case = locked_case(actor, case_id, COORDINATE, None)
    row = Barnekoordinator.objects.select_related("user").filter(case=case, ended_at__isnull=True).first()
    if row is None:
        raise ValidationError({"__all__": _("Saken har ingen barnekoordinator.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor rollen avsluttes.")})
    row.ended_at = timezone.now()
    row.ended_by = actor
    row.end_reason = reason.strip()
    row.save(update_fields=["ended_at", "ended_by", "end_reason"])
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.BARNEKOORDINATOR,
        text=_("%(name)s er ikke lenger barnekoordinator: %(reason)s")
        % {"name": row.user.full_name, "reason": row.end_reason},
        data={"event": "ended", "barnekoordinator": row.pk, "user": row.user_id, "kategori": CATEGORY},
    )
    return row


def summary_digest(summary: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(summary, sort_keys=True, default=str).encode()).hexdigest()


@transaction.atomic
def ip_prepared(*, actor: User, case_id: Any) -> str:
    """Record in the stafettlogg that the case's summary was handed to the individuell
    plan (with the digest of what was handed over, so the log can be compared with it)."""
    from samordning.selectors import ip_summary

    case = locked_case(actor, case_id, "innsyn_export", None)
    if not case.is_open:
        raise ValidationError({"__all__": _("Saken er avsluttet.")})
    digest = summary_digest(ip_summary(actor, case))
    entry_append(
        case=case,
        actor=actor,
        kind=EntryKind.SAMORDNING,
        text=_(
            "Saken er forberedt for individuell plan: mål, tiltak, deltakere og samtykker er oppsummert for overføring."
        ),
        data={"event": "ip_prepared", "sha256": digest, "kategori": CATEGORY},
    )
    return digest


def may_coordinate(user: User, case: Case) -> bool:
    return policy.can(user, COORDINATE, case)
