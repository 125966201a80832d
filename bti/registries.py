"""Registries the core offers to the feature apps (DESIGN.md §2: the core imports no app).

An app contributes by calling ``register_*`` in its ``AppConfig.ready``; the core and the
lower apps only read the registries. Nothing here is per request or cached from the
database: entries are code (functions, URL names), fixed at start-up.

* Settings pages of the kommune's administration (``register_settings_page``): the
  settings section lists every registered page; an app adds its own (retention rules,
  survey settings) without editing the section.
* Staff login resolvers (``register_staff_login_resolver``): after an OpenID Connect staff
  login has found (or not found) the user, each resolver may create the user or bring the
  user's memberships in line with the identity provider's claims.
* Links on Min side (``register_home_link``): an app's entry page for the people who may
  use it (the kommune's administration, the BTI-koordinator's page).
* Case panels (``register_case_panel``): sections of the case page that an app above
  ``cases`` serves itself; the case page loads each from its URL (htmx, with a link
  without JavaScript), so the case page's own queries stay the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# --- Settings pages of the kommune's administration -----------------------------------


@dataclass(frozen=True)
class SettingsPage:
    key: str
    title: Any  # a lazy translation
    description: Any
    url_name: str  # reversed without arguments; the view is guarded by ``bti.access.kommune_admin``
    order: int = 100


_SETTINGS_PAGES: dict[str, SettingsPage] = {}


def register_settings_page(page: SettingsPage) -> None:
    _SETTINGS_PAGES[page.key] = page


def settings_pages() -> list[SettingsPage]:
    return sorted(_SETTINGS_PAGES.values(), key=lambda p: (p.order, p.key))


# --- Staff login resolvers ------------------------------------------------------------

# (provider, claims, user found by the core or None) -> the user to log in, or None.
# A resolver may raise ``bti.security.oidc.OidcError`` to refuse the login.
StaffLoginResolver = Callable[..., Any]
_STAFF_LOGIN_RESOLVERS: list[StaffLoginResolver] = []


def register_staff_login_resolver(resolver: StaffLoginResolver) -> None:
    if resolver not in _STAFF_LOGIN_RESOLVERS:
        _STAFF_LOGIN_RESOLVERS.append(resolver)


def resolve_staff_login(*, provider: Any, claims: dict[str, Any], user: Any) -> Any:
    """Run every registered resolver in order; each gets the previous one's answer."""
    for resolver in _STAFF_LOGIN_RESOLVERS:
        user = resolver(provider=provider, claims=claims, user=user)
    return user


# --- Case panels ----------------------------------------------------------------------


@dataclass(frozen=True)
class CasePanel:
    key: str
    title: Any
    url_name: str  # takes ``case_id``; the view checks the access policy itself
    order: int = 100


_CASE_PANELS: dict[str, CasePanel] = {}


def register_case_panel(panel: CasePanel) -> None:
    _CASE_PANELS[panel.key] = panel


def case_panels() -> list[CasePanel]:
    return sorted(_CASE_PANELS.values(), key=lambda p: (p.order, p.key))


# --- Links on Min side ----------------------------------------------------------------


@dataclass(frozen=True)
class HomeLink:
    key: str
    title: Any
    url_name: str
    # Shown to a user with these kommune roles (codes of ``KommuneRoleKind`` in the user's
    # own kommune)? Min side reads the roles once; a link costs no query of its own.
    visible: Callable[[frozenset[str]], bool]
    order: int = 100


_HOME_LINKS: dict[str, HomeLink] = {}


def register_home_link(link: HomeLink) -> None:
    _HOME_LINKS[link.key] = link


def home_links(kommune_roles: frozenset[str]) -> list[HomeLink]:
    links = sorted(_HOME_LINKS.values(), key=lambda k: (k.order, k.key))
    return [link for link in links if link.visible(kommune_roles)]


# --- Demo workload --------------------------------------------------------------------

# (personas by key) -> how many cases it created. Called by ``manage.py seed_demo`` after
# the personas exist; each seeder writes through its app's services and is idempotent.
DemoSeeder = Callable[[dict[str, Any]], int]
_DEMO_SEEDERS: dict[str, tuple[int, DemoSeeder]] = {}


def register_demo_seeder(key: str, seeder: DemoSeeder, order: int = 100) -> None:
    _DEMO_SEEDERS[key] = (order, seeder)


def demo_seeders() -> list[DemoSeeder]:
    return [seeder for _order, seeder in sorted(_DEMO_SEEDERS.values(), key=lambda s: s[0])]


# --- Entries appended -----------------------------------------------------------------

# Called by ``stafettlogg.services.entry_append`` inside the writer's transaction, after the
# entry is saved: (case=, actor=, entry=) -> None. An app above the log reacts to an action
# there (the handlingsveileder ticks the trinn the action fulfils) without the log, the
# core or the acting app importing it. A listener writes through its own services.
EntryListener = Callable[..., Any]
_ENTRY_LISTENERS: list[EntryListener] = []


def register_entry_listener(listener: EntryListener) -> None:
    if listener not in _ENTRY_LISTENERS:
        _ENTRY_LISTENERS.append(listener)


def entry_appended(*, case: Any, actor: Any, entry: Any) -> None:
    for listener in _ENTRY_LISTENERS:
        listener(case=case, actor=actor, entry=entry)
