"""Build cases through the service functions, as the personas would."""

from __future__ import annotations

from typing import Any

from bti.models import Unit
from cases import services
from cases.models import Case
from stafettlogg import services as log_services

VALID_FNR = "01010750160"  # valid checksum, synthetic
VALID_FNR_2 = "15076500565"


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def undring(
    personas, *, anonymous: bool = True, who: str = "barnehagelaerer", unit_name: str = "Lia barnehage"
) -> Case:
    kwargs: dict[str, Any] = (
        {"anonymous_label": "A.B."} if anonymous else {"child_name": "Emma Eksempel", "fnr": VALID_FNR}
    )
    return services.undring_create(
        actor=personas[who],
        unit_id=unit(unit_name).pk,
        observation="Emma virker trist og trekker seg unna i lek. Hva kan ligge bak?",
        **kwargs,
    )


def case_on_level(personas, level: int, *, who: str = "barnehagelaerer") -> Case:
    case = undring(personas, anonymous=False, who=who)
    return services.case_change_level(actor=personas[who], case_id=case.pk, to_level=level, reason="Vi går videre")


def consent_for_unit(personas, case: Case, unit_name: str = "Solberg skole", who: str = "barnehagelaerer") -> Any:
    """A consent that covers ``unit_name`` (a stafettholder in another unit needs a basis,
    issue 13 item 4). Emma (born 2007) consents herself."""
    from datetime import timedelta

    from django.utils import timezone

    from bti.categories import DEFAULT_CATEGORIES
    from consent import services as consent_services

    today = timezone.localdate()
    return consent_services.consent_register(
        actor=personas[who],
        case_id=case.pk,
        decision="given",
        guardian_ids=[],
        by_young_person=True,
        unit_ids=[unit(unit_name).pk],
        category_codes=[code for code, _name, _health, _sort in DEFAULT_CATEGORIES],
        purpose="Samarbeid om tiltak",
        form="written",
        child_view="Emma vil at skolen skal vite.",
        valid_from=today,
        valid_until=today + timedelta(days=365),
    )


def handover_to_school(personas, case: Case) -> Case:
    consent_for_unit(personas, case)
    log_services.handover_propose(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["kontaktlaerer"].pk
    )
    log_services.handover_accept(actor=personas["kontaktlaerer"], case_id=case.pk)
    case.refresh_from_db()
    return case
