"""The retention rules in force: the built-in defaults, the lower bounds of the law, and
which rule applies to a service (its own, else the kommune's, else the default).

Sources (docs/retention.md, ../shared/reference/legal-and-security.md):

* R-02 (Normen faktaark 25, pasientjournalloven): health records are kept at least 10
  years after the last entry, so the health services' cases are kept 10 years at least.
* R-03 (Riksarkivarens forskrift § 7-29): records from helsestasjon and
  skolehelsetjenesten are preserved (bevares); they may not be set to kassasjon.
* R-01/R-04/R-08 (GDPR art. 5(1)(e), arkivforskrifta): other cases are kept only as long
  as the purpose needs, then destroyed; the kommune sets the time. R-11: no BTI-specific
  rule exists; the default is 5 years after closing, at least 1 (the family's innsyn
  and complaints need the case after it is closed).
* L-05 (Kjernejournal): the use log is kept 5 years, the technical log 2 years; Normen
  has no number (section 9, item 1). Defaults: innsynslogg 5 years (at least 2), security
  log 2 years (at least 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from arkiv.models import Disposal, RetentionRule
from bti.models import Service, ServiceKind

MAX_YEARS = 100
# Health services: a journal is kept at least 10 years.
HEALTH_KINDS = frozenset(
    {ServiceKind.HELSESTASJON, ServiceKind.PSYKISK_HELSE, ServiceKind.FYSIO_ERGO, ServiceKind.TANNHELSE}
)
# Preserved for ever, never kassasjon.
PRESERVED_KINDS = frozenset({ServiceKind.HELSESTASJON})

FIELDS = ("case_years", "disposal", "innsynslogg_years", "security_log_years")


@dataclass(frozen=True)
class Minimum:
    case_years: int
    innsynslogg_years: int
    security_log_years: int
    must_preserve: bool
    source: Any  # a lazy translation naming the law


@dataclass(frozen=True)
class Rule:
    case_years: int
    disposal: str
    innsynslogg_years: int
    security_log_years: int
    origin: str  # "standard", "kommune" or "tjeneste"
    source: Any

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_years": self.case_years,
            "disposal": self.disposal,
            "innsynslogg_years": self.innsynslogg_years,
            "security_log_years": self.security_log_years,
            "origin": self.origin,
            "source": str(self.source),
        }

    @property
    def label(self) -> str:
        return f"{self.origin}:{self.case_years}:{self.disposal}"


def minimum_for(kind: str | None) -> Minimum:
    """The lower bound of the law for a kind of service (None: the kommune's default,
    which has to satisfy the general bound only; a service rule is checked again)."""
    if kind in PRESERVED_KINDS:
        return Minimum(10, 2, 1, True, _("Riksarkivarens forskrift § 7-29 og pasientjournalloven (10 år, bevares)"))
    if kind in HEALTH_KINDS:
        return Minimum(10, 2, 1, False, _("Pasientjournalloven og Normen faktaark 25 (minst 10 år)"))
    return Minimum(1, 2, 1, False, _("GDPR art. 5 nr. 1 bokstav e og arkivforskrifta (kommunen fastsetter)"))


def default_for(kind: str | None) -> Rule:
    minimum = minimum_for(kind)
    if minimum.must_preserve:
        return Rule(10, Disposal.BEVARES, 5, 2, "standard", minimum.source)
    if kind in HEALTH_KINDS:
        return Rule(10, Disposal.KASSERES, 5, 2, "standard", minimum.source)
    return Rule(5, Disposal.KASSERES, 5, 2, "standard", minimum.source)


def _from_row(row: RetentionRule, origin: str, source: Any) -> Rule:
    return Rule(row.case_years, row.disposal, row.innsynslogg_years, row.security_log_years, origin, source)


def effective_rules(kommune_id: int) -> list[tuple[Service, Rule]]:
    """Every service of the kommune with the rule in force for it (two queries)."""
    rows = {r.service_id: r for r in RetentionRule.objects.filter(kommune_id=kommune_id)}
    out = []
    for service in Service.objects.filter(kommune_id=kommune_id).order_by("name"):
        out.append((service, _resolve(service, rows)))
    return out


def _resolve(service: Service, rows: dict[int | None, RetentionRule]) -> Rule:
    minimum = minimum_for(service.kind)
    if service.pk in rows:
        return _from_row(rows[service.pk], "tjeneste", minimum.source)
    own = rows.get(None)
    if own is not None:
        rule = _from_row(own, "kommune", minimum.source)
        # The kommune's default never lowers a service below its law.
        if rule.case_years < minimum.case_years or (minimum.must_preserve and rule.disposal != Disposal.BEVARES):
            return default_for(service.kind)
        return rule
    return default_for(service.kind)


def rule_for_service(service: Service) -> Rule:
    rows = {r.service_id: r for r in RetentionRule.objects.filter(kommune_id=service.kommune_id)}
    return _resolve(service, rows)


def kommune_default(kommune_id: int) -> Rule:
    own = RetentionRule.objects.filter(kommune_id=kommune_id, service__isnull=True).first()
    if own is None:
        return default_for(None)
    return _from_row(own, "kommune", minimum_for(None).source)


@dataclass(frozen=True)
class Due:
    """When a closed case's retention ends and what then happens (Noark 5: the
    kassasjonsdato is computed from the day the mappe is closed, R-06)."""

    on: date
    disposal: str
    rule: Rule


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year + years, day=28)


def due_for(closed_on: date | None, service: Service) -> Due | None:
    """The end of retention of a case closed on ``closed_on`` and owned by a unit of
    ``service``; None for an open case (its time has not started)."""
    if closed_on is None:
        return None
    rule = rule_for_service(service)
    return Due(add_years(closed_on, rule.case_years), rule.disposal, rule)


def innsynslogg_retention(kommune_id: int) -> tuple[int, str]:
    """How long the kommune's innsynslogg is kept: the longest of its own rule and its
    services' rules (one month's partition holds every service's reads), with a
    description for the record of a dropped month (bti/partitions.py)."""
    rules = [kommune_default(kommune_id)] + [rule for _service, rule in effective_rules(kommune_id)]
    longest = max(rules, key=lambda r: r.innsynslogg_years)
    return (
        longest.innsynslogg_years,
        f"kommune {kommune_id}: {longest.origin}, innsynslogg {longest.innsynslogg_years} år",
    )
