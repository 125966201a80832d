"""Routes of the arkiv app for the whole-site checks and the access matrix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _service(personas: dict[str, Any]) -> dict[str, Any]:
    from bti.models import Service

    service = Service.objects.filter(kommune_id=personas["kommuneadmin"].kommune_id).order_by("pk").first()
    assert service is not None
    return {"service_id": service.pk}


def _delivery(personas: dict[str, Any]) -> dict[str, Any]:
    """A failed arkivmelding delivery of a case in the administrator's kommune."""
    from arkiv.models import Delivery, DeliveryStatus
    from cases.models import Case

    kommune_id = personas["kommuneadmin"].kommune_id
    case = Case.objects.filter(kommune_id=kommune_id).order_by("pk").first()
    assert case is not None
    row = Delivery.objects.create(
        kommune_id=kommune_id, case=case, transport="filedrop", status=DeliveryStatus.FEILET, attempts=5
    )
    return {"delivery_id": row.pk}


def _case(personas: dict[str, Any]) -> dict[str, Any]:
    from tests.routes import _case_kwargs

    return _case_kwargs(personas)


SAMPLE_KWARGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "arkiv-retention-remove": _service,
    "api-arkiv-retention-service": _service,
    "arkiv-delivery-retry": _delivery,
    "case-storage": _case,
    "api-case-storage": _case,
}
NOT_PAGES: dict[str, str] = {
    "arkiv-retention-remove": "POST only (a form on the retention page), tested in tests/arkiv/test_retention.py",
    "arkiv-delivery-retry": "POST only (a form on the delivery page), tested in tests/arkiv/test_arkivmelding.py",
}
ADMIN_GET = [
    "arkiv-retention",
    "arkiv-deliveries",
    "arkiv-kassasjon",
    "api-arkiv-retention",
    "api-arkiv-retention-service",
]
ADMIN_POST = ["arkiv-kassasjon", "arkiv-retention", "arkiv-retention-remove", "arkiv-delivery-retry"]


def matrix_kwargs(route: str) -> Callable[[Any], dict[str, Any]]:
    build = SAMPLE_KWARGS.get(route)
    if build is None:
        return lambda ctx: {}
    return lambda ctx: build(ctx.extra["personas"])
