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

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
# How the innsyn report names them.
PURPOSE_NAMES = {
    SAKSBEHANDLING: _("Saksbehandling"),
    KOORDINERING: _("Koordinering"),
    INNSYN: _("Innsyn"),
    OVERSIKT: _("Oversikt"),
    UTSKRIFT: _("Utskrift"),
    SOK: _("Søk"),
}


def purpose_name(code: str) -> str:
    """The innsyn report's name of a purpose code (old rows without one: «–»)."""
    return str(PURPOSE_NAMES.get(code, code or "–"))


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
        log_read(
            user=reader, obj_type=obj_type, obj_id=case.pk, case=case, child_id=case.child_id, how=how, purpose=purpose
        )
    return CaseView(
        case=case,
        reader=reader,
        purpose=purpose,
        roles=held,
        categories=policy.readable_categories(reader, case, set(held)),
    )


def log_read(
    *,
    user: Any,
    obj_type: str,
    obj_id: int | None,
    purpose: str,
    case: Any = None,
    child_id: int | None = None,
    how: str = innsyn.PAGE,
    reason: str = "",
) -> None:
    """The one entry point that writes an innsynslogg row for a single read (a case, or an
    object of it the caller already opened: a consent page, the innsyn package, a
    samordning export, a step of the handlingsveileder), with its purpose. Views never call
    ``bti.innsyn.record_access`` themselves (tests/gate/test_log_entry_point.py)."""
    _check_purpose(purpose)
    innsyn.record_access(
        user=user,
        obj_type=obj_type,
        obj_id=obj_id,
        case=case,
        child_id=child_id,
        how=how,
        reason=reason,
        purpose=purpose,
    )


def log_list(reader: Any, cases: Iterable[Any], purpose: str, *, how: str = innsyn.PAGE) -> None:
    """A list or search showed these cases (Mine saker, Enhetens saker, the API lists, search
    hits): one innsynslogg row each, with the purpose, in one bulk insert."""
    _check_purpose(purpose)
    innsyn.record_many(user=reader, cases=list(cases), how=how, purpose=purpose)


def log_children(reader: Any, children: Iterable[Any], purpose: str, *, how: str = innsyn.API) -> None:
    """A list showed these children (the API's child list): one row each, one bulk insert."""
    _check_purpose(purpose)
    innsyn.record_many(user=reader, cases=list(children), how=how, purpose=purpose, obj_type="child")


# --- The family as an audience (issue 14, docs/adr/0021-family-portal.md) ----------------

# The role a family reader holds in a ``CaseView``; content providers that serve the family
# filter by it (held-back entries, C-15/C-18).
FAMILY_ROLE = "familie"


@dataclass(frozen=True)
class FamilyAudience:
    # (reader, case id) -> the case this family member may read now, or None (a pid that
    # matches no guardian, foreldreansvar ended, a protected address, another family's case).
    resolve: Callable[[Any, Any], Case | None]
    # (reader, case) -> the categories of that case the family member may read.
    categories: Callable[[Any, Case], frozenset[str]]


_FAMILY: list[FamilyAudience] = []


def register_family_audience(audience: FamilyAudience) -> None:
    _FAMILY[:] = [audience]


def open_family_case(reader: Any, case_id: Any, purpose: str = INNSYN) -> CaseView:
    """Open a case for a parent or the young person logged in with ID-porten: 404 unless
    the registered family audience says this person is the child's family with the right to
    read. The same ``CaseView`` as staff get, with the family role and the family's
    categories; the family's reads of its own case are not innsynslogg rows (that log is
    who *else* read the case)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.http import Http404

    _check_purpose(purpose)
    if not _FAMILY:
        raise ImproperlyConfigured("No family audience is registered (is 'familie' in INSTALLED_APPS?)")
    audience = _FAMILY[0]
    case = audience.resolve(reader, case_id)
    if case is None:
        raise Http404
    policy.gone_if_shredded(case)
    return CaseView(
        case=case,
        reader=reader,
        purpose=purpose,
        roles=frozenset({FAMILY_ROLE}),
        categories=audience.categories(reader, case),
    )


# --- Downloads rendered at fetch (issue 13 item 5) ---------------------------------------
#
# A stored PDF job keeps the categories it was rendered with and is refused at download
# when they differ (samarbeid.pdfjobs.pdf_job_still_valid). A download rendered at fetch
# (the innsyn package, the individuell plan) is always current; its page carries a stamp of
# what it showed in the download links, so a download after a consent change since the page
# was rendered says so and shows the fresh version with fresh links instead.

STAMP_PARAM = "grunnlag"
STALE_DOWNLOAD = _(
    "Innholdet er endret siden siden ble vist (for eksempel et samtykke som er gitt eller trukket). "
    "Se over den nye versjonen under og last ned på nytt."
)


def download_stamp(*parts: Any) -> str:
    """A short digest of what a page showed (its download links carry it). Letters only:
    a run of digits in a URL would look like a fødselsnummer to the access-log check."""
    payload = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16].translate(_LETTERS)


_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def stale_download(params: Any, stamp: str) -> bool:
    """The download was asked for from a page that showed something else than ``stamp``
    (no stamp: a direct link, handed out as it is now)."""
    given = str(params.get(STAMP_PARAM, "") or "")
    return bool(given) and given != stamp
