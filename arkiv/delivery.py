"""Delivering a case's arkivmelding (issue 15 item 2, docs/adr/0025): one service function
per change, each in one transaction.

- ``request(case=, actor=)``: a new delivery (status «venter») and its Celery task; called
  when a case is closed (the AVSLUTNING entry's listener) and on demand.
- ``attempt(delivery_id)``: build the message from the case, validate it, send it through
  the configured transport; record «sendt», «kvittert» (the archive's kvittering) or
  «feilet» with the error. ``arkiv.tasks_delivery.deliver`` retries a failure with backoff,
  at most ``MAX_ATTEMPTS`` times; the administrator can start it again (``retry``).
- ``acknowledged(case)``: true once the archive's kvittering is recorded. The shredding
  (issue 15 item 3) asks this first: nothing is deleted before the archive has it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from arkiv import arkivmelding, selectors, transports
from arkiv.models import Delivery, DeliveryStatus
from bti.models import User
from cases.models import Case
from kommuneadmin.services.common import admin_kommune, record_change

MAX_ATTEMPTS = 5


def acknowledged(case: Case) -> bool:
    """True once the kommune's archive has acknowledged (kvittering recorded) the case."""
    return selectors.is_acknowledged(case)


def backoff(attempts: int) -> int:
    """Seconds before the next attempt: 1, 2, 4, 8 … minutes, at most an hour."""
    return int(min(60 * 2 ** max(attempts - 1, 0), 3600))


def _enqueue(delivery: Delivery, countdown: float | None = None) -> None:
    from arkiv.tasks_delivery import deliver
    from bti.outbox import enqueue

    enqueue(deliver, delivery.pk, countdown=countdown)


@transaction.atomic
def request(*, case: Case, actor: User | None) -> Delivery:
    """A new arkivmelding for the case; an open delivery of the case is reused."""
    open_one = (
        Delivery.objects.select_for_update()
        .filter(case=case, status__in=[DeliveryStatus.VENTER, DeliveryStatus.FEILET])
        .first()
    )
    if open_one is not None:
        open_one.status = DeliveryStatus.VENTER
        open_one.attempts = 0
        open_one.save(update_fields=["status", "attempts"])
        delivery = open_one
    else:
        delivery = Delivery.objects.create(
            kommune_id=case.kommune_id,
            case=case,
            transport=transports.configured().name,
            requested_by=actor,
        )
    _enqueue(delivery)
    return delivery


def schedule_retry(delivery: Delivery) -> bool:
    """Queue the next attempt of a failed delivery, if it has attempts left."""
    if delivery.status != DeliveryStatus.FEILET or delivery.attempts >= MAX_ATTEMPTS:
        return False
    _enqueue(delivery, countdown=backoff(delivery.attempts))
    return True


def _record_kvittering(delivery: Delivery, kvittering: bytes) -> None:
    ids = arkivmelding.parse_kvittering(kvittering)
    delivery.kvittering = kvittering.decode("utf-8", "replace")
    delivery.status = DeliveryStatus.KVITTERT
    delivery.acknowledged_at = timezone.now()
    delivery.reference = delivery.reference or ids["mappe"]
    delivery.last_error = ""


@transaction.atomic
def attempt(delivery_id: int, transport: transports.Transport | None = None) -> Delivery | None:
    """One attempt. Idempotent: a delivery already kvittert or sendt (waiting for its
    kvittering) is left alone."""
    delivery = (
        Delivery.objects.select_for_update().select_related("case", "case__owner_unit").filter(pk=delivery_id).first()
    )
    if delivery is None or delivery.status in (DeliveryStatus.KVITTERT, DeliveryStatus.SENDT):
        return delivery
    if delivery.case.shredded_at is not None:  # kassert (docs/adr/0026): nothing left to send
        delivery.status = DeliveryStatus.FEILET
        delivery.last_error = _("Saken er slettet etter regel; arkivmeldingen kan ikke lages.")
        delivery.save(update_fields=["status", "last_error"])
        return delivery
    transport = transport or transports.configured()
    delivery.transport = transport.name
    delivery.attempts += 1
    try:
        package = arkivmelding.build(delivery.case)
        delivery.message_sha256 = package.sha256
        result = transport.send(package, delivery_id=delivery.pk)
        delivery.reference = result.reference
        delivery.sent_at = timezone.now()
        delivery.status = DeliveryStatus.SENDT
        delivery.last_error = ""
        if result.kvittering is not None:
            _record_kvittering(delivery, result.kvittering)
    except (transports.TransportError, arkivmelding.InvalidMessage, ValueError, OSError) as exc:
        delivery.status = DeliveryStatus.FEILET
        delivery.last_error = str(exc)[:2000] or type(exc).__name__
    delivery.save()
    return delivery


@transaction.atomic
def poll(delivery_id: int, transport: transports.Transport | None = None) -> Delivery | None:
    """Pick up the kvittering of a delivery the archive has been given (file drop)."""
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.SENDT:
        return delivery
    transport = transport or transports.configured()
    try:
        kvittering = transport.poll(delivery.reference)
        if kvittering is None:
            return delivery
        _record_kvittering(delivery, kvittering)
    except (transports.TransportError, ValueError) as exc:
        delivery.status = DeliveryStatus.FEILET
        delivery.last_error = str(exc)[:2000]
    delivery.save()
    return delivery


@transaction.atomic
def retry(*, actor: User, delivery_id: Any, request: HttpRequest | None = None) -> Delivery:
    """The kommune administrator starts a failed delivery again (a fresh round of attempts)."""
    kommune_id = admin_kommune(actor)
    delivery = Delivery.objects.select_for_update().filter(kommune_id=kommune_id, pk=delivery_id).first()
    if delivery is None:
        raise Http404
    if delivery.status != DeliveryStatus.FEILET:
        raise ValidationError({"delivery": _("Bare en levering som har feilet, kan sendes på nytt.")})
    before = {"status": delivery.status, "attempts": delivery.attempts}
    delivery.status = DeliveryStatus.VENTER
    delivery.attempts = 0
    delivery.save(update_fields=["status", "attempts"])
    record_change(
        actor=actor,
        action="archive_delivery_retry",
        obj="archive_delivery",
        obj_id=delivery.pk,
        before=before,
        after={"status": delivery.status, "attempts": 0},
        request=request,
    )
    _enqueue(delivery)
    return delivery


def on_entry(*, case: Any, actor: Any, entry: Any) -> None:
    """Entry listener: a case closed (its AVSLUTNING entry) gets its arkivmelding."""
    from stafettlogg.models import EntryKind

    if entry.kind == EntryKind.AVSLUTNING:
        request(case=case, actor=actor)


def close_status(*, case: Case) -> dict[str, Any] | None:
    """What the close page says about the archive copy (registered with
    ``bti.registries.register_archive_status``, so samarbeid does not import this app)."""
    delivery = selectors.latest_delivery(case)
    if delivery is None:
        return None
    return {
        "status": delivery.status,
        "label": delivery.get_status_display(),
        "attempts": delivery.attempts,
        "error": delivery.last_error,
        "sent_at": delivery.sent_at,
        "acknowledged_at": delivery.acknowledged_at,
    }
