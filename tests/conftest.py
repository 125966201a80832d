"""Shared fixtures: the demo kommune's personas (STYLE.md §5) and fast test settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from bti.i18n_catalogues import compile_stale
from bti.models import User
from bti.personas import PERSONAS
from demo.seed import seed_demo

PASSWORD = "test-passord-123"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config: pytest.Config) -> None:
    # The .mo files are built, not committed (`make deps`); a run straight after editing a
    # .po, or on a checkout that never ran make, gets them here.
    compile_stale()


@pytest.fixture(autouse=True)
def _fast_settings(settings: Any, tmp_path: Any) -> None:
    # Only what tests must change: a fast hasher. Celery is eager in settings when TESTING.
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.DEMO_MODE = True
    # Each test's checkpoints of the logs in a folder of its own (bti/integrity.py).
    settings.LOG_ANCHOR_DIR = tmp_path / "sjekkpunkter"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The demo kommune (units, personas, handlingsveiledere) is built once per test
    session, committed in the test database; each test's transaction rolls back to it.
    pytest-django runs the transactional tests (which flush every table) after the others,
    and ``personas`` builds it again for whatever runs after a flush."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        seed_demo(password=PASSWORD)


def _seeded_personas() -> dict[str, User] | None:
    by_email = {u.email: u for u in User.objects.filter(email__in=[p.email for p in PERSONAS])}
    if len(by_email) != len(PERSONAS):
        return None
    return {p.key: by_email[p.email] for p in PERSONAS}


@pytest.fixture
def personas(db: None) -> dict[str, User]:
    """One named user per persona, in «Eksempel kommune» (and one in «Nabo kommune»)."""
    return _seeded_personas() or seed_demo(password=PASSWORD)


@pytest.fixture
def login(client: Client) -> Any:
    def _login(user: User) -> Client:
        client.force_login(user, backend="bti.auth_backends.EmailBackend")
        return client

    return _login


@pytest.fixture(scope="session")
def oidc_server() -> Any:
    """A local OpenID Connect provider on 127.0.0.1 for the whole test session."""
    from tests.oidc_provider import LocalOidcProvider

    provider = LocalOidcProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_providers(oidc_server: Any, personas: dict[str, User], monkeypatch: Any) -> dict[str, Any]:
    """Entra ID (staff) and ID-porten (citizens) for «Eksempel kommune», both pointing at
    the local provider; the client secret comes from the environment as in production."""
    from bti.security.models import OidcKind, OidcProvider

    oidc_server.reset()
    monkeypatch.setenv("OIDC_SECRET_TEST", oidc_server.client_secret)
    kommune = personas["barnehagelaerer"].kommune
    common = {"kommune": kommune, "issuer": oidc_server.issuer, "client_id": oidc_server.client_id}
    staff = OidcProvider.objects.create(
        slug="entra-eksempel",
        name="Logg inn med Microsoft",
        kind=OidcKind.STAFF,
        client_secret_env="OIDC_SECRET_TEST",
        **common,
    )
    citizen = OidcProvider.objects.create(
        slug="idporten-eksempel",
        name="Logg inn med ID-porten",
        kind=OidcKind.CITIZEN,
        client_secret_env="OIDC_SECRET_TEST",
        required_acr="idporten-loa-high",
        scopes="openid profile",
        **common,
    )
    return {"server": oidc_server, "staff": staff, "citizen": citizen}
