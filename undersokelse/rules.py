"""Who may do what with the BTI-undersøkelsen (on top of ``bti.policy``).

* Run a round (create, invite, open, close, remind, report): the kommune's BTI-koordinator,
  and KoRus staff while their KoRus follows the kommune.
* See results: those, and the kommune's leaders with aggregate roles (kommunalsjef, analytiker).
* Answer: anyone working in an invited unit, once.

Everyone else gets 404 for a kommune's rounds, the same as for a kommune that does not
exist, so a KoRus cannot probe which kommuner run a survey.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from bti import policy
from bti.models import AGGREGATE_ROLES, Kommune, KommuneRoleKind
from undersokelse.models import SurveyRound

MANAGE = "manage"
RESULTS = "results"


def rights(user: Any, kommune_id: int) -> set[str]:
    found: set[str] = set()
    if kommune_id in policy.korus_kommune_ids(user) or policy.has_kommune_role(
        user, kommune_id, (KommuneRoleKind.BTI_KOORDINATOR,)
    ):
        found |= {MANAGE, RESULTS}
    elif policy.has_kommune_role(user, kommune_id, AGGREGATE_ROLES):
        found.add(RESULTS)
    return found


def managed_kommuner(user: Any) -> list[Kommune]:
    """Kommuner whose rounds the user runs or reads results of (KoRus: the followed ones)."""
    ids = set(policy.korus_kommune_ids(user))
    if getattr(user, "kommune_id", None) and rights(user, user.kommune_id):
        ids.add(user.kommune_id)
    return list(Kommune.objects.filter(pk__in=ids).order_by("name")) if ids else []


def kommune_for(user: Any, kommune_id: Any, need: str = RESULTS) -> Kommune:
    try:
        pk = int(kommune_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if need not in rights(user, pk):
        raise Http404
    kommune = Kommune.objects.filter(pk=pk).first()
    if kommune is None:
        raise Http404
    return kommune


def round_for(user: Any, round_id: Any, need: str = RESULTS, *, for_update: bool = False) -> SurveyRound:
    """The round, if the user may ``need`` it; otherwise 404 (missing and forbidden alike)."""
    try:
        pk = int(round_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = SurveyRound.objects.filter(pk=pk).select_related("kommune", "korus")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    survey = qs.first()
    if survey is None or need not in rights(user, survey.kommune_id):
        raise Http404
    return survey
