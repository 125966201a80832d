"""The read gate: one call opens a case for a reader and a purpose
(docs/adr/0013-read-gate-and-category-model.md, DESIGN.md §2 «The read gate»).

``open_case(reader, case_id, purpose)`` asks the access policy (404 for missing and
forbidden alike), works out the reader's roles and the categories they may read (the
one valid-basis rule, ``bti.basis``), writes the innsynslogg row with the purpose, and
returns a read-only ``CaseView``. Content comes from the view, already filtered by
category: ``view.content("goals")``, ``view.content("meetings")`` … The content itself
is served by providers the apps register here (``register_content``), so the core
imports no feature app; a view asking for content nobody registered fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from bti import innsyn, policy
from bti.categories import may_read

if TYPE_CHECKING:
    from cases.models import Case

# Why a person reads (shown in the innsyn report): the code is stored on every innsynslogg row.
SAKSBEHANDLING = "saksbehandling"
KOORDINERING = "koordinering"
INNSYN = "innsyn"
OVERSIKT = "oversikt"
UTSKRIFT = "utskrift"
SOK = "sok"
PURPOSES = (SAKSBEHANDLING, KOORDINERING, INNSYN, OVERSIKT, UTSKRIFT, SOK)


@dataclass(frozen=True)
class CaseView:
    """What one reader may see of one case, for one purpose. Read-only: services fetch
    their own rows (row-locked) to change anything."""

    case: Case
    reader: Any
    purpose: str
    roles: frozenset[str]
    categories: frozenset[str]
    _loaded: dict[tuple[str, tuple[Any, ...]], Any] = field(default_factory=dict, compare=False, repr=False)

    def may_read(self, category: str) -> bool:
        return may_read(self.categories, category)

    def category_q(self) -> Q:
        """A filter for a content model's ``category`` column."""
        return policy.category_q(self.categories)

    def can(self, action: str) -> bool:
        return policy.can(self.reader, action, self.case, set(self.roles))

    def content(self, name: str, *args: Any) -> Any:
        """Content of the case the reader may read, from the provider registered as ``name``
        (loaded once per view and arguments)."""
        key = (name, args)
        if key not in self._loaded:
            provider = _CONTENT.get(name)
            if provider is None:
                raise LookupError(f"No content provider registered as {name!r} (register it in AppConfig.ready)")
            self._loaded[key] = provider(self, *args)
        return self._loaded[key]


ContentProvider = Callable[..., Any]
_CONTENT: dict[str, ContentProvider] = {}


def register_content(name: str, provider: ContentProvider) -> None:
    """An app serves one kind of case content: ``provider(view, *args)`` returns it,
    filtered by ``view.categories`` (and by ``view.roles`` where fields differ)."""
    _CONTENT[name] = provider


def content_names() -> list[str]:
    return sorted(_CONTENT)


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown read purpose {purpose!r}; use one of bti.gate.PURPOSES")


def open_case(
    reader: Any,
    case_id: Any,
    purpose: str,
    *,
    need: str = "view",
    obj_type: str = "case",
    how: str = innsyn.PAGE,
    log: bool = True,
) -> CaseView:
    """Open a case for reading: 404 unless the reader may ``need`` it; the innsynslogg row
    (with ``purpose``) is written here, in the same request."""
    _check_purpose(purpose)
    case = policy.access_case(reader, case_id, need)
    return view_of(reader, case, purpose, log=log, obj_type=obj_type, how=how)


def view_of(
    reader: Any,
    case: Case,
    purpose: str,
    *,
    log: bool = False,
    obj_type: str = "case",
    how: str = innsyn.PAGE,
    roles: set[str] | None = None,
) -> CaseView:
    """A view of a case the caller already has from ``bti.policy.access_case`` (a page that
    also acts on it, a background job rendering for the person who asked). With ``log``
    the innsynslogg row is written as ``open_case`` does; a job's download logs the read."""
    _check_purpose(purpose)
    held = frozenset(policy.case_roles(reader, case) if roles is None else roles)
    if log:
        innsyn.record_access(
            user=reader, obj_type=obj_type, obj_id=case.pk, case=case, child_id=case.child_id, how=how, purpose=purpose
        )
    return CaseView(
        case=case,
        reader=reader,
        purpose=purpose,
        roles=held,
        categories=policy.readable_categories(reader, case, set(held)),
    )


def log_list(reader: Any, cases: Iterable[Any], purpose: str, *, how: str = innsyn.PAGE) -> None:
    """A list or search showed these cases: one innsynslogg row each, in one bulk insert."""
    _check_purpose(purpose)
    innsyn.record_many(user=reader, cases=list(cases), how=how, purpose=purpose)
