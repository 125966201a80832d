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
* Panels on Min side (``register_home_panel``): content an app shows on Min side (the
  survey and implementation panels); the function gets the request and returns
  ``(template name, context)`` or None when it has nothing to show to this user.
* The citizens' landing page (``register_citizen_home``): where a person logged in with
  ID-porten lands (the family portal); without one the core's placeholder page.
* Case panels (``register_case_panel``): sections of the case page that an app above
  ``cases`` serves itself; the case page loads each from its URL (htmx, with a link
  without JavaScript), so the case page's own queries stay the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

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


# --- Panels on Min side ---------------------------------------------------------------

HomePanel = Callable[[HttpRequest], tuple[str, dict[str, Any]] | None]
_HOME_PANELS: list[HomePanel] = []


def register_home_panel(panel: HomePanel) -> None:
    if panel not in _HOME_PANELS:
        _HOME_PANELS.append(panel)


def home_panels(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    return [shown for panel in _HOME_PANELS if (shown := panel(request)) is not None]


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


# --- Cases opened ---------------------------------------------------------------------

# Called by ``cases.services`` inside the transaction that opened a case (an undring, also
# from the family portal): (case=) -> None. The handlingsveileder attaches the unit's guide
# to it without ``cases`` importing the handlingsveileder.
CaseListener = Callable[..., Any]
_CASE_OPENED: list[CaseListener] = []


def register_case_opened(listener: CaseListener) -> None:
    if listener not in _CASE_OPENED:
        _CASE_OPENED.append(listener)


def case_opened(*, case: Any) -> None:
    for listener in _CASE_OPENED:
        listener(case=case)


# --- Follow-up rule sources -----------------------------------------------------------

# The overview's oppfølgingsbrudd rules read rows the apps above it provide (``samarbeid``:
# tiltak past their evaluation date; ``consent``: consents about to expire): each app
# registers its selector under the source's name (``oversikt/sources.py`` names them and
# their rows). An unregistered source is None: the rule is reported as not available.
FollowupSource = Callable[..., Any]
_FOLLOWUP_SOURCES: dict[str, FollowupSource] = {}


def register_followup_source(name: str, source: FollowupSource) -> None:
    _FOLLOWUP_SOURCES[name] = source


def followup_source(name: str) -> FollowupSource | None:
    return _FOLLOWUP_SOURCES.get(name)


# --- The citizens' landing page -------------------------------------------------------

_CITIZEN: dict[str, str] = {}


def register_citizen_home(url_name: str, demo_login_url_name: str = "") -> None:
    """The page a citizen lands on after login, and (DEMO_MODE only) the test ID-porten."""
    _CITIZEN.clear()
    _CITIZEN["home"] = url_name
    if demo_login_url_name:
        _CITIZEN["demo_login"] = demo_login_url_name


def citizen_home_url_name() -> str | None:
    return _CITIZEN.get("home")


def citizen_demo_login_url_name() -> str | None:
    return _CITIZEN.get("demo_login")


# --- notifiers ---------------------------------------------------------------------------
# An app that sends notifications registers one notifier per event here (the overview's
# «Du er foreslått som stafettholder» …); the app the event happens in calls ``notify``
# without importing the notifying app (no stafettlogg⇄oversikt cycle). No silent skip: an
# event nobody registered a notifier for raises.
Notifier = Callable[..., Any]
_NOTIFIERS: dict[str, Notifier] = {}


def register_notifier(event: str, notifier: Notifier) -> None:
    _NOTIFIERS[event] = notifier


def notify(event: str, **kwargs: Any) -> Any:
    notifier = _NOTIFIERS.get(event)
    if notifier is None:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"No notifier registered for {event!r} (register it in AppConfig.ready)")
    return notifier(**kwargs)


# --- the archive copy's status ------------------------------------------------------------
# The close page says what became of the case's archive copy; the archive app registers
# the answer (samarbeid does not import arkiv). A read, not a notification: its own
# registry. No silent skip: without a registered source the close page fails loudly.
ArchiveStatus = Callable[..., "dict[str, Any] | None"]
_ARCHIVE_STATUS: list[ArchiveStatus] = []


def register_archive_status(source: ArchiveStatus) -> None:
    _ARCHIVE_STATUS[:] = [source]


def archive_status(*, case: Any) -> dict[str, Any] | None:
    if not _ARCHIVE_STATUS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("No archive status source is registered (the arkiv app registers it in ready)")
    return _ARCHIVE_STATUS[0](case=case)


# --- What is registered and when it is deleted (issue 15 item 6, docs/adr/0026) ------------
# The arkiv app answers; the family portal shows it without importing arkiv.
StorageInfo = Callable[[Any], dict[str, Any]]
_STORAGE_INFO: list[StorageInfo] = []


def register_storage_info(source: StorageInfo) -> None:
    _STORAGE_INFO[:] = [source]


def storage_info(case: Any) -> dict[str, Any] | None:
    """Counts, rule and dates for a case (``arkiv.selectors.storage_info``); None without arkiv."""
    return _STORAGE_INFO[0](case) if _STORAGE_INFO else None
