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


def handover_to_school(personas, case: Case) -> Case:
    log_services.handover_propose(
        actor=personas["barnehagelaerer"], case_id=case.pk, to_user_id=personas["kontaktlaerer"].pk
    )
    log_services.handover_accept(actor=personas["kontaktlaerer"], case_id=case.pk)
    case.refresh_from_db()
    return case
