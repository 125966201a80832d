"""The access policy: the one place that answers «may this user see/do this».

Views, the API, PDFs, search, exports, dashboards and the admin ask here; nothing checks
permissions on its own (DESIGN.md §2, invariant 1).

Visibility of a case is the union of *rules*, each a function from a user to a
one-column queryset of case ids (an id subquery). The consent issue adds a rule for involved units with a valid basis
by appending to ``VISIBILITY_RULES``; nothing else changes. Every rule is evaluated per
request from the database (no cached grants), so a withdrawn consent or an ended
membership takes effect on the next request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from bti import basis
from bti.categories import ALL, BARNEVERN
from bti.models import Membership, MembershipRole

if TYPE_CHECKING:
    from bti.models import User
    from cases.models import Case

# Roles that do case work in their unit. A fagadministrator configures guides; that
# role alone gives no access to the unit's cases.
CASE_ROLES = (MembershipRole.ANSATT, MembershipRole.LEDER)
# ``stafettlogg.models.HandoverStatus`` values the roles are read from (a test pins them).
HOLDER_ACTIVE = "active"
HOLDER_PROPOSED = "proposed"


# One request's memberships: asked for by the case roles, the innsynslogg and the
# navigation, read once per request (the scope is opened by
# ``bti.middleware.RequestScopeMiddleware``). Outside a request nothing is cached, and
# no request ever sees another request's rows: an ended membership counts on the next one.
_request_memberships: ContextVar[dict[int, list[tuple[int, str]]] | None] = ContextVar(
    "bti_request_memberships", default=None
)


@contextmanager
def request_scope() -> Iterator[None]:
    token = _request_memberships.set({})
    try:
        yield
    finally:
        _request_memberships.reset(token)


def memberships(user: User) -> list[tuple[int, str]]:
    """(unit id, role) of the user's active memberships today, ordered; once per request."""
    cache = _request_memberships.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    rows = list(_active_memberships(user).order_by("unit_id", "role").values_list("unit_id", "role"))
    if cache is not None:
        cache[user.pk] = rows
    return rows


# While the visibility SQL is compiled once per process (``visible_case_ids``), «today»
# is a placeholder date that is swapped for the real one on every request.
_compiling_day: ContextVar[date | None] = ContextVar("bti_compiling_day", default=None)


def _today() -> date:
    return _compiling_day.get() or timezone.localdate()


def _active_memberships(user: User) -> QuerySet[Membership]:
    today = _today()
    return Membership.objects.filter(user=user, valid_from__lte=today).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def case_unit_ids(user: User) -> QuerySet[Membership, Any]:
    """Units where the user does case work (ansatt or leder), as an id subquery."""
    return _active_memberships(user).filter(role__in=CASE_ROLES).values("unit_id")


def is_fagadministrator(user: User) -> bool:
    """A fagadministrator in some unit of the user's kommune (maintains guides and the tiltak catalogue)."""
    return _active_memberships(user).filter(role=MembershipRole.FAGADMIN).exists()


def leader_unit_ids(user: User) -> QuerySet[Membership, Any]:
    return _active_memberships(user).filter(role=MembershipRole.LEDER).values("unit_id")


# --- Visibility rules -----------------------------------------------------------------
#
# Each rule is a function from a user to a one-column queryset of the case ids it opens
# (an id subquery, never a list). ``cases_visible_to`` is the case rows whose id is in the
# UNION ALL of them: PostgreSQL answers each rule from its own index and, for a single
# case, pushes ``id = X`` into every branch; lists no longer test an OR of six subqueries
# on every case of the kommune (docs/performance.md).


# --- What the apps register (AppConfig.ready): the core imports no feature app ---------
#
# The case and child models (``cases``), the stafettholder rows (``stafettlogg``) and the
# time-limited grants (``consent``) are registered by the apps that own them, as the
# visibility rules above the core are (``register_visibility_rule``). Without a
# registration a call raises ``ImproperlyConfigured``: no rule is silently missing.


@dataclass(frozen=True)
class CaseModels:
    case: Any  # cases.Case
    child: Any  # cases.Child


_CASE_MODELS: list[CaseModels] = []
# (user, case) -> the user's Stafettholder rows on the case (a queryset with ``status``).
HolderSource = Callable[[Any, Any], QuerySet[Any]]
_HOLDERS: list[HolderSource] = []
# (user, today) -> the user's grants in their period today, not ended (a queryset with ``case_id``).
GrantSource = Callable[[Any, date], QuerySet[Any]]
_GRANTS: list[GrantSource] = []


def register_case_models(*, case: Any, child: Any) -> None:
    """The case loader of the policy and the gate (registered by ``cases``)."""
    _CASE_MODELS[:] = [CaseModels(case=case, child=child)]


def register_holder_source(source: HolderSource) -> None:
    """The stafettholder rows of a user on a case (registered by ``stafettlogg``)."""
    _HOLDERS[:] = [source]


def register_grant_source(source: GrantSource) -> None:
    """A unit leader's time-limited grants to a user (registered by ``consent``)."""
    _GRANTS[:] = [source]


def _registered(found: list[Any], what: str) -> Any:
    if not found:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"No {what} is registered with bti.policy (the owning app registers it in ready)")
    return found[0]


def case_model() -> Any:
    return _registered(_CASE_MODELS, "case model").case


def child_model() -> Any:
    return _registered(_CASE_MODELS, "case model").child


def holder_rows(user: User, case: Case) -> QuerySet[Any]:
    return _registered(_HOLDERS, "stafettholder source")(user, case)


def rule_owner_unit(user: User) -> QuerySet[Any]:
    """Members (ansatt, leder) of the unit that owns the case."""
    return case_model().objects.filter(owner_unit_id__in=case_unit_ids(user)).values("pk")


def _current_grants(user: User) -> QuerySet[Any]:
    """A unit leader's time-limited grants to the user, in their period today, not ended."""
    return _registered(_GRANTS, "grant source")(user, _today())


def rule_explicit_grant(user: User) -> QuerySet[Any]:
    """A time-limited grant for one case (consent.AccessGrant): it begins and ends by itself."""
    return _current_grants(user).values("case_id")


def rule_involved_with_basis(user: User) -> QuerySet[Any]:
    """Members of a unit with a valid basis on the case: a consent scope or another legal
    basis, by the one rule of ``bti.basis`` (registered by the consent app)."""
    return basis.basis_case_ids(case_unit_ids(user), _today())


# The stafettholder (and a person a handover is proposed to) is registered by
# ``stafettlogg``, the receiver of a proposed overgang by ``samarbeid``.
VISIBILITY_RULES: list[Callable[[User], QuerySet[Any]]] = [
    rule_owner_unit,
    rule_explicit_grant,
    rule_involved_with_basis,
]


def register_visibility_rule(rule: Callable[[User], QuerySet[Any]]) -> None:
    """Add a rule (a user -> one-column queryset of case ids) to the union."""
    if rule not in VISIBILITY_RULES:
        VISIBILITY_RULES.append(rule)


def _visible_ids_queryset(user: User) -> QuerySet[Any]:
    first, *rest = (rule(user) for rule in VISIBILITY_RULES)
    return first.union(*rest, all=True) if rest else first


# Compiling the six-branch UNION through the ORM costs ~4 ms of Python on every request;
# its SQL only differs by the user's id and today's date. It is compiled once per process
# (and per set of rules) with placeholder values, which are swapped for the real ones on
# each call. The rows are still read from the database on every request (invariant 2).
_SQL_USER = -7_000_000_007
_SQL_DAY = date(1901, 1, 1)
_compiled: dict[tuple[Callable[[User], QuerySet[Any]], ...], tuple[str, list[Any]]] = {}


def _compiled_visibility() -> tuple[str, list[Any]]:
    from bti.models import User as UserModel

    key = tuple(VISIBILITY_RULES)
    if key not in _compiled:
        token = _compiling_day.set(_SQL_DAY)
        try:
            sql, params = _visible_ids_queryset(UserModel(pk=_SQL_USER)).query.sql_with_params()
        finally:
            _compiling_day.reset(token)
        _compiled[key] = (sql, list(params))
    return _compiled[key]


def visible_case_ids(user: User) -> RawSQL:
    """The ids of every case the user may open: one UNION ALL subquery of the rules."""
    sql, params = _compiled_visibility()
    today = timezone.localdate()
    bound = [user.pk if p == _SQL_USER else today if p == _SQL_DAY else p for p in params]
    return RawSQL(sql, bound)  # noqa: S611  # nosec B611 - our own compiled SQL; values are bound parameters


def cases_visible_to(user: User | Any) -> QuerySet[Case]:
    """Every case the user may open. Kommune leaders without a unit see none: they get
    aggregates elsewhere. Anonymous and inactive users see nothing."""
    model = case_model()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return model.objects.none()
    return model.objects.filter(pk__in=visible_case_ids(user), kommune_id=user.kommune_id or 0)


def access_case(user: User | Any, case_id: Any, need: str = "view", *, for_update: bool = False) -> Case:
    """The case, if the user may ``need`` it; otherwise 404 (the same for missing and
    forbidden, so ids cannot be probed)."""
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        raise Http404 from None
    # The case's data key comes in the same query (bti/sealing.py: one key fetch per case read).
    qs = cases_visible_to(user).filter(pk=pk).select_related("child", "owner_unit", "owner_unit__service", "data_key")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    case = qs.first()
    if case is None:
        _log_denied(user, pk, need)
        raise Http404
    gone_if_shredded(case)
    if need != "view" and not can(user, need, case):
        _log_denied(user, pk, need)
        raise Http404
    return case


def gone_if_shredded(case: Case) -> None:
    """410 for a case deleted at the end of its retention; otherwise hold its data key for
    the request, if the query that loaded the case joined it (``select_related("data_key")``)."""
    from bti import sealing
    from bti.errors import CaseGone

    if case.shredded_at is not None:
        raise CaseGone(case.pk, case.shred_note, case.shredded_at)
    if "data_key" in case._state.fields_cache:
        key = case._state.fields_cache["data_key"]
        sealing.remember(case.pk, key.wrapped if key is not None else None)


def children_visible_to(user: User | Any) -> QuerySet[Any]:
    """Children of the cases the user may see (never a child registry of its own)."""
    return child_model().objects.filter(pk__in=cases_visible_to(user).filter(child__isnull=False).values("child_id"))


def access_child(user: User | Any, child_id: Any) -> Any:
    try:
        pk = int(child_id)
    except (TypeError, ValueError):
        raise Http404 from None
    child = children_visible_to(user).filter(pk=pk).first()
    if child is None:
        raise Http404
    return child


def _log_denied(user: Any, case_id: int, need: str) -> None:
    """Audit a refusal (missing and forbidden alike) in the security log."""
    from bti.security import audit
    from bti.security.models import SecurityEventKind

    audit.record(
        SecurityEventKind.ACCESS_DENIED,
        user=user if getattr(user, "is_authenticated", False) else None,
        detail={"object": "case", "id": case_id, "need": need},
    )


# --- Actions on a visible case --------------------------------------------------------


def is_active_stafettholder(user: User, case: Case) -> bool:
    return holder_rows(user, case).filter(status=HOLDER_ACTIVE).exists()


def is_owner_member(user: User, case: Case) -> bool:
    return case_unit_ids(user).filter(unit_id=case.owner_unit_id).exists()


def is_owner_leader(user: User, case: Case) -> bool:
    return leader_unit_ids(user).filter(unit_id=case.owner_unit_id).exists()


def case_roles(user: User, case: Case) -> set[str]:
    """The user's relations to one case (one query per relation, used on the case page)."""
    roles: set[str] = set()
    in_owner = {role for unit_id, role in memberships(user) if unit_id == case.owner_unit_id}
    if in_owner & set(CASE_ROLES):
        roles.add("owner_member")
    if MembershipRole.LEDER in in_owner:
        roles.add("owner_leader")
    for status in holder_rows(user, case).values_list("status", flat=True):
        if status == HOLDER_ACTIVE:
            roles.add("stafettholder")
        elif status == HOLDER_PROPOSED:
            roles.add("proposed_stafettholder")
    return roles


# Consent, melding til barnevernet, anonym drøfting and the innsyn package: the case's own
# people (owner unit, stafettholder), also on a closed case (innsyn is asked for later).
FULL_READER_ACTIONS = {"manage_consent", "melding_barnevern", "anonym_drofting", "innsyn_export"}


def can(user: User, action: str, case: Case, roles: set[str] | None = None) -> bool:
    """May the user (who can already see ``case``) do ``action`` on it?

    Coordinating actions belong to the stafettholder; on nivå 0, before there is one,
    to the owning unit; a unit leader may always step in. Closed cases are read-only
    except for reopening.
    """
    roles = case_roles(user, case) if roles is None else roles
    if action in FULL_READER_ACTIONS:
        return bool(roles & {"stafettholder", "owner_member", "owner_leader"})
    coordinator = "stafettholder" in roles or "owner_leader" in roles or (case.level == 0 and "owner_member" in roles)
    worker = bool(roles & {"stafettholder", "owner_member", "owner_leader"})
    if action == "view":
        return True
    if action == "reopen":
        return not case.is_open and ("owner_leader" in roles or "stafettholder" in roles or "owner_member" in roles)
    if not case.is_open:
        return False
    if action in {"add_note", "correct_entry"}:
        return worker
    if action == "nivå0":
        return case.level == 0 and coordinator
    if action in {"identify", "change_level", "close"}:
        return coordinator
    if action == "propose_handover":
        return case.level >= 1 and ("stafettholder" in roles or "owner_leader" in roles)
    if action == "respond_handover":
        return "proposed_stafettholder" in roles
    if action == "plan":
        # Goals, tiltak, evaluations, meetings: the people working on the case, from nivå 1.
        return case.level >= 1 and worker
    if action == "transfer":
        # An overgang moves the whole case: the stafettholder or the owning unit's leader.
        return case.level >= 1 and ("stafettholder" in roles or "owner_leader" in roles)
    if action == "see_protected_address":
        return bool(roles & {"owner_member", "owner_leader"})
    return False


# --- Aggregates -----------------------------------------------------------------------


@dataclass(frozen=True)
class AggregateScope:
    """What a leader's overview may count: the whole kommune, or only some units."""

    kommune_id: int
    unit_ids: frozenset[int] | None  # None: every unit of the kommune


def aggregate_scope(user: User | Any) -> AggregateScope | None:
    """Who sees the de-identified leader overview, and of what: a kommune leader
    (``KommuneRole``) the whole kommune, a unit leader their own units, others nothing.
    This grants counts only, never a case (``cases_visible_to`` is unchanged)."""
    from bti.models import AGGREGATE_ROLES

    if not getattr(user, "is_authenticated", False) or not user.is_active or user.kommune_id is None:
        return None
    if has_kommune_role(user, user.kommune_id, AGGREGATE_ROLES):
        return AggregateScope(user.kommune_id, None)
    units = frozenset(leader_unit_ids(user).filter(unit__kommune_id=user.kommune_id).values_list("unit_id", flat=True))
    return AggregateScope(user.kommune_id, units) if units else None


def administered_kommune_id(user: User | Any) -> int | None:
    """The kommune whose administration the user runs (``KommuneRole`` administrator of
    their own kommune), or None. Administration is people, units and settings: it opens
    no case (``cases_visible_to`` is unchanged)."""
    from bti.models import KommuneRole, KommuneRoleKind

    if not getattr(user, "is_authenticated", False) or not user.is_active or user.kommune_id is None:
        return None
    found = KommuneRole.objects.filter(
        user=user, kommune_id=user.kommune_id, role=KommuneRoleKind.ADMINISTRATOR
    ).exists()
    return user.kommune_id if found else None


# --- Information categories (consent issue #6, docs/adr/0011-consent-entry-categories-and-the-gate.md) ----


def readable_categories(user: User, case: Case, roles: set[str] | None = None) -> frozenset[str]:
    """The information categories of ``case`` the user may read: everything (``"*"``) for
    the case's own people, an explicit grant and a legal-basis involvement; otherwise the
    categories of their unit's valid consent scopes. Evaluated per call, never cached."""
    roles = case_roles(user, case) if roles is None else roles
    if roles & {"owner_member", "owner_leader", "stafettholder"}:
        return frozenset({ALL})
    if _current_grants(user).filter(case_id=case.pk).exists():
        return frozenset({ALL})
    return basis.basis_categories(unit_ids=case_unit_ids(user), case_id=case.pk)


def category_q(categories: frozenset[str]) -> Q:
    """A ``Q`` on a content model with a ``category`` column (entries, goals, tiltak,
    evaluations, meetings) matching the given categories."""
    if ALL in categories:
        return Q()
    return Q(category__in=sorted(categories))


def listed_entries_q(categories: frozenset[str]) -> Q:
    """Entries a reader sees at least as «skjult»: all but the barnevern category, which
    only its readers learn exists (C-21)."""
    if ALL in categories or BARNEVERN in categories:
        return Q()
    return ~Q(category=BARNEVERN)


# --- KoRus and kommune roles (issue 19) -------------------------------------------------


def korus_kommune_ids(user: User | Any) -> frozenset[int]:
    """The kommuner the user's KoRus follows today (empty for everyone else)."""
    from bti.models import KorusKommune

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    today = timezone.localdate()
    rows = (
        KorusKommune.objects.filter(korus__members__user=user, korus__members__is_active=True, since__lte=today)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .values_list("kommune_id", flat=True)
    )
    return frozenset(rows)


def kommune_roles_of(user: User | Any) -> frozenset[tuple[int, str]]:
    """(kommune id, role) of the user's kommune roles; read once per request, like memberships."""
    from bti.models import KommuneRole

    cache = _request_memberships.get()
    key = -int(user.pk)  # negative keys: kommune roles, beside the memberships of the same request
    if cache is not None and key in cache:
        return frozenset(cache[key])
    rows = list(KommuneRole.objects.filter(user=user).values_list("kommune_id", "role"))
    if cache is not None:
        cache[key] = rows
    return frozenset(rows)


def has_kommune_role(user: User | Any, kommune_id: int, roles: tuple[str, ...]) -> bool:
    """A kommune role in the user's own kommune (roles in another kommune count for nothing)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.kommune_id != kommune_id:
        return False
    return any(k == kommune_id and role in roles for k, role in kommune_roles_of(user))
