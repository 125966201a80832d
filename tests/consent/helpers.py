"""Build cases in each consent state through the service functions, as the personas would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from bti.models import Membership, MembershipRole, Unit, User
from cases import services as case_services
from cases.models import Case, Guardian
from consent import services
from consent.models import AnonymDrofting, Consent
from stafettlogg import services as log_services

SECRET_NOTE = "Hemmelig notat om Emma fra barnehagen"
STATES = ("none", "valid", "expired", "withdrawn", "refused", "other_category", "barnevern")


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def barnevern_user(personas: dict[str, Any]) -> User:
    """A barnevern worker for the tests (the demo personas have none)."""
    user, _ = User.objects.get_or_create(
        email="bente.vern@eksempel.kommune.no",
        defaults={
            "full_name": "Bente Vern",
            "title": "Saksbehandler",
            "kommune": personas["ppt"].kommune,
            # Like the demo personas: exempt from the second factor in demo mode (bti/security).
            "is_demo": True,
        },
    )
    Membership.objects.get_or_create(user=user, unit=unit("Barneverntjenesten"), role=MembershipRole.ANSATT)
    return user


def identified_case(personas: dict[str, Any], *, age: int = 9, level: int = 2) -> tuple[Case, Guardian]:
    today = timezone.localdate()
    case = case_services.undring_create(
        actor=personas["barnehagelaerer"],
        unit_id=unit("Lia barnehage").pk,
        observation="Emma virker trist og trekker seg unna i lek.",
        child_name="Emma Eksempel",
        birth_date=date(today.year - age, 1, 15)
        if today >= date(today.year, 1, 15)
        else date(today.year - age - 1, 1, 15),
        gender="jente",
    )
    case = case_services.case_change_level(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_level=level, reason="Vi går videre"
    )
    guardian = case_services.guardian_add(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        full_name="Marit Eksempel",
        relation="mor",
        has_parental_responsibility=True,
        address="Storgata 1",
    )
    log_services.note_add(actor=personas["barnehagelaerer"], case_id=case.pk, kind="notat", text=SECRET_NOTE)
    return case, guardian


def give_consent(
    personas: dict[str, Any],
    case: Case,
    guardian: Guardian,
    *,
    categories: tuple[str, ...] = ("stafettlogg", "plan_tiltak"),
    decision: str = "given",
    valid_from: date | None = None,
    valid_until: date | None = None,
    unit_name: str = "PPT Eksempel",
) -> Consent:
    today = timezone.localdate()
    return services.consent_register(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        decision=decision,
        guardian_ids=[guardian.pk],
        by_young_person=False,
        unit_ids=[unit(unit_name).pk],
        category_codes=list(categories),
        purpose="Vurdering av behov for spesialpedagogisk hjelp",
        form="written",
        child_view="Emma vil gjerne ha hjelp med lesing.",
        valid_from=valid_from or today,
        valid_until=valid_until or today + timedelta(days=365),
    )


@dataclass
class StateCase:
    state: str
    case: Case
    guardian: Guardian
    consent: Consent = None  # type: ignore[assignment]
    drofting: AnonymDrofting = None  # type: ignore[assignment]
    extra: dict[str, Any] = field(default_factory=dict)


def case_in_state(personas: dict[str, Any], state: str) -> StateCase:
    case, guardian = identified_case(personas)
    ctx = StateCase(state=state, case=case, guardian=guardian)
    today = timezone.localdate()
    if state == "valid":
        ctx.consent = give_consent(personas, case, guardian)
    elif state == "expired":
        ctx.consent = give_consent(
            personas, case, guardian, valid_from=today - timedelta(days=400), valid_until=today - timedelta(days=1)
        )
    elif state == "withdrawn":
        ctx.consent = give_consent(personas, case, guardian)
        services.consent_withdraw(
            actor=personas["barnehagelaerer"], case_id=case.pk, consent_id=ctx.consent.pk, withdrawn_by_name="Marit"
        )
    elif state == "refused":
        ctx.consent = give_consent(personas, case, guardian, decision="refused")
    elif state == "other_category":
        ctx.consent = give_consent(personas, case, guardian, categories=("kartlegging",))
    elif state == "barnevern":
        services.melding_barnevern(
            actor=personas["barnehagelaerer"],
            case_id=case.pk,
            law="bhl_46",
            condition="mishandling",
            description="Blåmerker",
            violence_or_abuse=True,
        )
    elif state != "none":
        raise ValueError(state)
    if ctx.consent is None:
        # Routes that need a consent id get one the personas can address (a refusal or an old one).
        ctx.consent = give_consent(personas, case, guardian, decision="refused", unit_name="NAV Eksempel")
    ctx.drofting = services.drofting_prepare(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        with_unit_id=unit("PPT Eksempel").pk,
        text="Emma Eksempel (9) sliter med lesing.",
    )
    ctx.extra["drofting_flagged"] = services.drofting_prepare(
        actor=personas["barnehagelaerer"],
        case_id=case.pk,
        with_unit_id=unit("PPT Eksempel").pk,
        text="Hun leker mest med Mimmi.",
    )
    assert ctx.extra["drofting_flagged"].flags == ["Mimmi"]
    return ctx
