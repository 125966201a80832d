"""Sample URL kwargs of the administration routes (merged into tests/routes.py) and their
rows of the access matrix (tests/consent/matrix.py). The objects are throwaway rows of
Eksempel kommune, so a POST of the matrix (deactivate, end, remove) harms no persona."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bti.models import KommuneRole, Membership, Service, ServiceKind, Unit, User

THROWAWAY_EMAIL = "matrise.person@eksempel.kommune.no"


def _kommune_id(personas: dict[str, Any]) -> int:
    return int(personas["kommuneadmin"].kommune_id)


def throwaway(personas: dict[str, Any]) -> dict[str, Any]:
    """A service, a unit without cases, an invited person with a membership and a role."""
    from bti.security.models import OidcKind, OidcProvider
    from kommuneadmin.models import GroupMapping, StaffImport

    kid = _kommune_id(personas)
    service, _ = Service.objects.get_or_create(
        kommune_id=kid, name="Matrisetjeneste", defaults={"kind": ServiceKind.ANNET, "category": "hjelpe"}
    )
    unit, _ = Unit.objects.get_or_create(kommune_id=kid, name="Matriseenhet", defaults={"service": service})
    person = User.objects.filter(email=THROWAWAY_EMAIL).first()
    if person is None:
        person = User(email=THROWAWAY_EMAIL, full_name="Matrise Person", kommune_id=kid)
        person.set_unusable_password()
        person.save()
    membership, _ = Membership.objects.get_or_create(user=person, unit=unit, role="ansatt")
    role, _ = KommuneRole.objects.get_or_create(kommune_id=kid, user=person, role="analytiker")
    provider, _ = OidcProvider.objects.get_or_create(
        slug="matrise-entra",
        defaults={
            "kommune_id": kid,
            "name": "Matrise Entra",
            "kind": OidcKind.STAFF,
            "issuer": "https://login.example/matrise",
            "client_id": "matrise",
            "client_secret_env": "OIDC_SECRET_MATRISE",
        },
    )
    mapping, _ = GroupMapping.objects.get_or_create(
        kommune_id=kid, provider=provider, group_id="matrise", unit=unit, role="ansatt",
        defaults={"created_by": personas["kommuneadmin"]},
    )  # fmt: skip
    staff_import = StaffImport.objects.filter(kommune_id=kid, file_name="matrise.csv").first()
    if staff_import is None:
        from kommuneadmin.services.imports import build_plan

        content = "E-post;Navn;Enhet\nmatrise.to@eksempel.kommune.no;Matrise To;Matriseenhet\n"
        staff_import = StaffImport.objects.create(
            kommune_id=kid,
            uploaded_by=personas["kommuneadmin"],
            file_name="matrise.csv",
            content=content,
            digest=build_plan(kid, content).digest,
        )
    return {
        "service": service,
        "unit": unit,
        "person": person,
        "membership": membership,
        "role": role,
        "provider": provider,
        "mapping": mapping,
        "import": staff_import,
    }


def _invitation(personas: dict[str, Any]) -> dict[str, Any]:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from kommuneadmin.invitations import tokens

    person = throwaway(personas)["person"]
    return {"uidb64": urlsafe_base64_encode(force_bytes(person.pk)), "token": tokens.make_token(person)}


def _pick(key: str, kwarg: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda personas: {kwarg: throwaway(personas)[key].pk}


SAMPLE_KWARGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "ka-service": _pick("service", "service_id"),
    "ka-unit": _pick("unit", "unit_id"),
    "ka-unit-close": _pick("unit", "unit_id"),
    "ka-unit-merge": _pick("unit", "unit_id"),
    "ka-unit-reopen": _pick("unit", "unit_id"),
    "ka-person": _pick("person", "user_id"),
    "ka-person-status": _pick("person", "user_id"),
    "ka-person-invite": _pick("person", "user_id"),
    "ka-membership-new": _pick("person", "user_id"),
    "ka-role-add": _pick("person", "user_id"),
    "ka-membership": _pick("membership", "membership_id"),
    "ka-membership-end": _pick("membership", "membership_id"),
    "ka-role-remove": _pick("role", "role_id"),
    "ka-provider": _pick("provider", "provider_id"),
    "ka-mapping-new": _pick("provider", "provider_id"),
    "ka-mapping-remove": _pick("mapping", "mapping_id"),
    "ka-import-preview": _pick("import", "import_id"),
    "ka-import-apply": _pick("import", "import_id"),
    "ka-category": lambda personas: {"code": "stafettlogg"},
    "invitation-accept": _invitation,
}

NOT_PAGES = {
    "ka-unit-reopen": "POST only, tested in tests/kommuneadmin",
    "ka-person-status": "POST only, tested in tests/kommuneadmin",
    "ka-person-invite": "POST only, tested in tests/kommuneadmin",
    "ka-membership-end": "POST only, tested in tests/kommuneadmin",
    "ka-role-remove": "POST only, tested in tests/kommuneadmin",
    "ka-mapping-remove": "POST only, tested in tests/kommuneadmin",
    "ka-import-apply": "POST only, tested in tests/kommuneadmin",
    "ka-import-example": "CSV download, tested in tests/kommuneadmin/test_import.py",
}

GET_ROUTES = [
    "ka-home",
    "ka-log",
    "ka-services",
    "ka-service-new",
    "ka-service",
    "ka-unit-new",
    "ka-unit",
    "ka-unit-close",
    "ka-unit-merge",
    "ka-staff",
    "ka-staff-new",
    "ka-person",
    "ka-membership-new",
    "ka-role-add",
    "ka-membership",
    "ka-import",
    "ka-import-example",
    "ka-import-preview",
    "ka-settings",
    "ka-age-rules",
    "ka-followup",
    "ka-language",
    "ka-categories",
    "ka-category",
    "ka-providers",
    "ka-provider-new",
    "ka-provider",
    "ka-mapping-new",
]
POST_ROUTES = [
    "ka-unit-reopen",
    "ka-unit-close",
    "ka-person-status",
    "ka-person-invite",
    "ka-membership-end",
    "ka-role-remove",
    "ka-mapping-remove",
    "ka-import-apply",
]


def matrix_kwargs(route: str) -> Callable[[Any], dict[str, Any]]:
    """The matrix's kwargs builder (it gets the consent state's context) for a route."""
    build = SAMPLE_KWARGS.get(route)
    if build is None:
        return lambda ctx: {}
    return lambda ctx: build(ctx.extra["personas"])


# API routes: GET rows, and POST rows with an empty JSON body (400 for the administrator:
# the body is checked after the permission).
API_GET = [
    "api-ka-staff",
    "api-ka-person",
    "api-ka-membership",
    "api-ka-role",
    "api-ka-units",
    "api-ka-import-apply",
    "api-ka-age-rules",
    "api-ka-language",
]
API_POST = [
    "api-ka-staff",
    "api-ka-person-active",
    "api-ka-memberships",
    "api-ka-roles",
    "api-ka-units",
    "api-ka-import",
    "api-ka-import-apply",
]
SAMPLE_KWARGS.update(
    {
        "api-ka-person": _pick("person", "user_id"),
        "api-ka-person-active": _pick("person", "user_id"),
        "api-ka-memberships": _pick("person", "user_id"),
        "api-ka-roles": _pick("person", "user_id"),
        "api-ka-membership": _pick("membership", "membership_id"),
        "api-ka-role": _pick("role", "role_id"),
        "api-ka-import-apply": _pick("import", "import_id"),
    }
)


def _grant_for(case: Any, personas: dict[str, Any]) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from consent.models import AccessGrant

    grant = AccessGrant.objects.filter(case=case).first()
    if grant is None:
        nina = personas["barnehagelaerer2"]
        today = timezone.localdate()
        grant = AccessGrant.objects.create(
            kommune_id=case.kommune_id, case=case, user=nina, unit=Unit.objects.get(name="Solsikken barnehage"),
            reason="Matrise", valid_from=today, valid_until=today + timedelta(days=3), granted_by=personas["styrer"],
        )  # fmt: skip
    return grant


def grant_kw(ctx: Any) -> dict[str, Any]:
    """A time-limited grant on the consent state's case (tests/consent/matrix.py)."""
    return {"case_id": ctx.case.pk, "grant_id": _grant_for(ctx.case, ctx.extra["personas"]).pk}


def _grant_page(personas: dict[str, Any]) -> dict[str, Any]:
    from tests.routes import _case_kwargs

    return _case_kwargs(personas)


def _grant_end(personas: dict[str, Any]) -> dict[str, Any]:
    from cases.models import Case
    from tests.routes import _case_kwargs

    kwargs = _case_kwargs(personas)
    return {**kwargs, "grant_id": _grant_for(Case.objects.get(pk=kwargs["case_id"]), personas).pk}


SAMPLE_KWARGS.update({"case-access-grants": _grant_page, "case-access-grant-end": _grant_end})
NOT_PAGES["case-access-grant-end"] = "POST only, tested in tests/consent/test_access_grants.py"


# Samordning (issue 16 item 4): the pages hang off the sample case of tests/routes.py.
for _name in (
    "samordning",
    "samordning-koordinering",
    "samordning-barnekoordinator",
    "samordning-barnekoordinator-slutt",
    "individuell-plan",
    "individuell-plan-json",
    "individuell-plan-pdf",
    "individuell-plan-merk",
):
    SAMPLE_KWARGS[_name] = _grant_page
NOT_PAGES.update(
    {
        "individuell-plan-json": "JSON download, tested in tests/samordning",
        "individuell-plan-pdf": "PDF download, tested in tests/samordning",
        "individuell-plan-merk": "POST only, tested in tests/samordning",
    }
)
