"""Changes to the retention rules: one function per change, the kommune's administrator
only, checked against the law (``arkiv.rules.minimum_for``), one transaction, and one
security event with before and after (as every change of the administration)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from arkiv.models import Disposal, RetentionRule
from arkiv.rules import FIELDS, MAX_YEARS, minimum_for
from bti.models import Service, User
from kommuneadmin.services.common import admin_kommune, record_change, scoped


def _snapshot(rule: RetentionRule | None) -> dict[str, Any] | None:
    if rule is None or rule.pk is None:
        return None
    return {name: getattr(rule, name) for name in FIELDS}


def validate(values: dict[str, Any], kind: str | None) -> dict[str, Any]:
    """Field errors for values outside the law; the cleaned values otherwise."""
    minimum = minimum_for(kind)
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, lower in (
        ("case_years", minimum.case_years),
        ("innsynslogg_years", minimum.innsynslogg_years),
        ("security_log_years", minimum.security_log_years),
    ):
        raw = values.get(name)
        try:
            number = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            errors[name] = _("Skriv et antall hele år.")
            continue
        if number < lower:
            errors[name] = _("Kortere enn loven tillater: minst %(years)s år (%(source)s).") % {
                "years": lower,
                "source": minimum.source,
            }
        elif number > MAX_YEARS:
            errors[name] = _("Skriv et antall år fra %(low)s til %(high)s.") % {"low": lower, "high": MAX_YEARS}
        else:
            clean[name] = number
    disposal = values.get("disposal")
    if disposal not in Disposal.values:
        errors["disposal"] = _("Velg bevares eller kasseres.")
    elif minimum.must_preserve and disposal != Disposal.BEVARES:
        errors["disposal"] = _("Opplysningene i denne tjenesten skal bevares (%(source)s); de kan ikke kasseres.") % {
            "source": minimum.source
        }
    else:
        clean["disposal"] = disposal
    if errors:
        raise ValidationError(errors)
    return clean


def _service(kommune_id: int, service_id: Any) -> Service | None:
    if service_id in (None, ""):
        return None
    try:
        return scoped(Service.objects.all(), kommune_id, service_id)
    except Http404 as exc:  # another kommune's id or a bad one: the same answer next to the field
        raise ValidationError({"service_id": _("Tjenesten finnes ikke i kommunen.")}) from exc


@transaction.atomic
def rule_set(
    *, actor: User, service_id: Any = None, request: HttpRequest | None = None, **values: Any
) -> RetentionRule:
    """Set the kommune's default rule (no service) or one service's own rule."""
    kommune_id = admin_kommune(actor)
    service = _service(kommune_id, service_id)
    clean = validate(values, service.kind if service else None)
    rule = RetentionRule.objects.select_for_update().filter(
        kommune_id=kommune_id, service=service
    ).first() or RetentionRule(kommune_id=kommune_id, service=service)
    before = _snapshot(rule)
    for name, value in clean.items():
        setattr(rule, name, value)
    rule.changed_by = actor
    rule.save()
    after = _snapshot(rule)
    if after != before:
        record_change(
            actor=actor,
            action="retention_rule_set",
            obj="retention_rule",
            obj_id=rule.pk,
            before=before,
            after=after,
            request=request,
            service=service.name if service else None,
        )
    return rule


@transaction.atomic
def rule_remove(*, actor: User, service_id: Any, request: HttpRequest | None = None) -> None:
    """Remove a service's own rule: the kommune's default (or the built-in one) applies again."""
    kommune_id = admin_kommune(actor)
    service = _service(kommune_id, service_id)
    if service is None:
        raise ValidationError({"service_id": _("Velg en tjeneste.")})
    rule = RetentionRule.objects.select_for_update().filter(kommune_id=kommune_id, service=service).first()
    if rule is None:
        raise ValidationError({"service_id": _("Tjenesten har ingen egen regel.")})
    before = _snapshot(rule)
    rule_id = rule.pk
    rule.delete()
    record_change(
        actor=actor,
        action="retention_rule_removed",
        obj="retention_rule",
        obj_id=rule_id,
        before=before,
        after=None,
        request=request,
        service=service.name,
    )
