"""The valid-basis rule, registered with the core (``bti.basis``) in ``ConsentConfig.ready``.

One rule, four former copies (bti/policy.py, samarbeid/services.py, twice in
consent/services.py): a unit has a basis for a category of a case on a day when

* a consent scope for (case, unit, category) is given, ``valid_from`` ≤ day ≤
  ``valid_until`` (open end allowed), not withdrawn, and no refusal for the same
  (case, unit, category) was registered after it (a refusal overrides an older consent);
* or the unit is involved on another legal basis (opplysningsplikt), which covers the
  whole case («*»).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from bti.basis import BasisRule, UnitIds
from bti.categories import ALL
from consent.models import ConsentDecision, ConsentScope, Involvement, LegalBasis


def valid_scopes(unit_ids: UnitIds, day: date, case_id: int | None = None) -> QuerySet[ConsentScope]:
    """The consent scopes that give one of ``unit_ids`` a basis on ``day``."""
    later_refusal = ConsentScope.objects.filter(
        case_id=OuterRef("case_id"),
        unit_id=OuterRef("unit_id"),
        category_id=OuterRef("category_id"),
        consent__decision=ConsentDecision.REFUSED,
        consent__registered_at__gt=OuterRef("consent__registered_at"),
    )
    qs = ConsentScope.objects.filter(
        unit_id__in=unit_ids,
        withdrawn_at__isnull=True,
        consent__decision=ConsentDecision.GIVEN,
        consent__valid_from__lte=day,
    ).filter(Q(consent__valid_until__isnull=True) | Q(consent__valid_until__gte=day))
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return qs.exclude(Exists(later_refusal))


def legal_involvements(unit_ids: UnitIds, case_id: int | None = None) -> QuerySet[Involvement]:
    """Active involvements on a basis other than consent: these never wait on consent."""
    qs = Involvement.objects.filter(unit_id__in=unit_ids, ended_at__isnull=True).exclude(basis=LegalBasis.CONSENT)
    return qs.filter(case_id=case_id) if case_id is not None else qs


def case_ids(unit_ids: UnitIds, day: date) -> QuerySet[Any]:
    return valid_scopes(unit_ids, day).values("case_id").union(legal_involvements(unit_ids).values("case_id"), all=True)


def categories(unit_ids: UnitIds, case_id: int, day: date) -> frozenset[str]:
    if legal_involvements(unit_ids, case_id).exists():
        return frozenset({ALL})
    return frozenset(valid_scopes(unit_ids, day, case_id).values_list("category__code", flat=True))


def categories_by_case(unit_ids: UnitIds, day: date) -> dict[int, frozenset[str]]:
    """``categories`` for every case at once: two queries whatever the number of cases."""
    found: dict[int, set[str]] = {}
    for case_id, code in valid_scopes(unit_ids, day).values_list("case_id", "category__code"):
        found.setdefault(case_id, set()).add(code)
    for case_id in legal_involvements(unit_ids).values_list("case_id", flat=True):
        found[case_id] = {ALL}  # a legal basis covers the whole case, as in ``categories``
    return {case_id: frozenset(codes) for case_id, codes in found.items()}


def kommune_categories(kommune_id: int) -> list[tuple[str, str]]:
    from bti.languages import written
    from consent.services import categories_for

    # The kommune's names in the reader's language where it gave a nynorsk one (ADR 0030).
    return [(c.code, written(c, "name")) for c in categories_for(kommune_id)]


def unit_ids(case_id: int, day: date) -> QuerySet[Any]:
    """The units with any basis for one case: a valid consent scope or a legal involvement."""
    consented = valid_scopes(ConsentScope.objects.filter(case_id=case_id).values("unit_id"), day, case_id)
    return consented.values("unit_id").union(legal_involvements_of_case(case_id).values("unit_id"), all=True)


def legal_involvements_of_case(case_id: int) -> QuerySet[Involvement]:
    return Involvement.objects.filter(case_id=case_id, ended_at__isnull=True).exclude(basis=LegalBasis.CONSENT)


RULE = BasisRule(
    case_ids=case_ids,
    categories=categories,
    kommune_categories=kommune_categories,
    unit_ids=unit_ids,
    categories_by_case=categories_by_case,
)
