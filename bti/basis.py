"""The one valid-basis rule: «does this unit have a basis for this category of this case
now» (docs/adr/0013-read-gate-and-category-model.md).

The rule itself (consent given, in its period, not withdrawn, not overridden by a later
refusal; or another legal basis such as opplysningsplikt) lives in the consent app, which
registers it here in ``ConsentConfig.ready``; the core imports no feature app. The
policy (visibility and readable categories), the services (transitions, involvement,
withdrawal), the notifications and the overview all ask through the functions below.
Nothing is cached: every call reads the database (invariant 2). Without a registered
rule every call fails loudly instead of opening or closing cases silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone

from bti.categories import may_read

# Units may be given as ids or as a one-column id subquery (``policy.case_unit_ids``).
UnitIds = Iterable[int] | QuerySet[Any]


@dataclass(frozen=True)
class BasisRule:
    # (units, day) -> a one-column queryset of the case ids those units have any basis for.
    case_ids: Callable[[UnitIds, date], QuerySet[Any]]
    # (units, case id, day) -> the categories they have a basis for ("*" for a legal basis
    # that covers the whole case); empty when none.
    categories: Callable[[UnitIds, int, date], frozenset[str]]
    # kommune id -> [(code, name)] of the kommune's information categories, in order.
    kommune_categories: Callable[[int], list[tuple[str, str]]]
    # (case id, day) -> a one-column queryset of the units with any basis for that case.
    unit_ids: Callable[[int, date], QuerySet[Any]]
    # (units, day) -> {case id: categories} for every case they have a basis for: the
    # answer of ``categories`` for many cases at once (lists, in a fixed number of queries).
    categories_by_case: Callable[[UnitIds, date], dict[int, frozenset[str]]]


_RULE: list[BasisRule] = []


def register_basis_rule(rule: BasisRule) -> None:
    """Install the rule (one per process; a second registration replaces the first)."""
    _RULE[:] = [rule]


def _rule() -> BasisRule:
    if not _RULE:
        raise ImproperlyConfigured(
            "No valid-basis rule is registered: the consent app registers it in ConsentConfig.ready "
            "(is 'consent' in INSTALLED_APPS?)."
        )
    return _RULE[0]


def basis_case_ids(unit_ids: UnitIds, day: date | None = None) -> QuerySet[Any]:
    """Ids of the cases the units have a basis for on ``day`` (today), as an id subquery."""
    return _rule().case_ids(unit_ids, day or timezone.localdate())


def basis_unit_ids(case_id: int, day: date | None = None) -> QuerySet[Any]:
    """Ids of the units with any basis for one case on ``day`` (today), as an id subquery."""
    return _rule().unit_ids(case_id, day or timezone.localdate())


def basis_categories(*, unit_ids: UnitIds, case_id: int, day: date | None = None) -> frozenset[str]:
    """The categories of one case the units have a basis for now."""
    return _rule().categories(unit_ids, case_id, day or timezone.localdate())


def basis_categories_by_case(unit_ids: UnitIds, day: date | None = None) -> dict[int, frozenset[str]]:
    """``basis_categories`` for every case the units have any basis for, in one call."""
    return _rule().categories_by_case(unit_ids, day or timezone.localdate())


def has_basis(*, unit_ids: UnitIds, case_id: int, category: str | None = None, day: date | None = None) -> bool:
    """Any basis (``category=None``) or a basis covering ``category``."""
    categories = basis_categories(unit_ids=unit_ids, case_id=case_id, day=day)
    return bool(categories) if category is None else may_read(categories, category)


def kommune_categories(kommune_id: int) -> list[tuple[str, str]]:
    """The kommune's configurable category list, (code, name)."""
    return _rule().kommune_categories(kommune_id)


def check_category(kommune_id: int, code: str | None, default: str) -> str:
    """The category to store: ``default`` when none was chosen, else ``code`` if the kommune
    has it. A code the kommune does not have is a ``ValidationError`` on ``category``."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if not code:
        return default
    if code not in {c for c, _name in kommune_categories(kommune_id)}:
        raise ValidationError({"category": _("Velg en opplysningskategori som kommunen har.")})
    return code
