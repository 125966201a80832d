"""API of the kommune's administration: the same services and selectors as the pages,
for the kommune's own administrator (403 for others), with step-up for a browser
session (a token issued to an integration, such as an HR sync, has no session to step up)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti import policy
from bti.models import KommuneRole, Membership, User
from bti.security.stepup import has_recent_auth
from kommuneadmin import selectors
from kommuneadmin.koordinator import koordinator_kommune, koordinator_view
from kommuneadmin.services import imports, settings, staff, units


class IsKommuneAdmin(BasePermission):
    message = "Bare kommunens administrator har tilgang."

    def has_permission(self, request: Request, view: Any) -> bool:
        return policy.administered_kommune_id(request.user) is not None


class SteppedUp(BasePermission):
    message = "Bekreft innloggingen på nytt før denne handlingen (tofaktor)."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            return True
        return has_recent_auth(request._request)


class AdminView(APIView):
    access_rule = "kommune-admin"
    # SteppedUp below asks session users for a recent second factor (tests/bti/test_stepup.py).
    requires_recent_auth = True

    def get_permissions(self) -> list[Any]:
        return [*super().get_permissions(), IsKommuneAdmin(), SteppedUp()]

    @property
    def kommune_id(self) -> int:
        found = policy.administered_kommune_id(self.request.user)
        if found is None:
            raise PermissionDenied
        return found

    @property
    def actor(self) -> User:
        user = self.request.user
        assert isinstance(user, User)
        return user


def _membership(m: Membership) -> dict[str, Any]:
    return {
        "id": m.pk,
        "unit_id": m.unit_id,
        "unit": m.unit.name,
        "role": m.role,
        "valid_from": m.valid_from,
        "valid_until": m.valid_until,
    }


def _role(r: KommuneRole) -> dict[str, Any]:
    return {"id": r.pk, "role": r.role}


def _person(user: User, memberships: list[Membership], roles: list[KommuneRole]) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "title": user.title,
        "is_active": user.is_active,
        "last_login": user.last_login,
        "memberships": [_membership(m) for m in memberships],
        "kommune_roles": [_role(r) for r in roles],
    }


class InviteIn(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    full_name = serializers.CharField(max_length=150)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    send = serializers.BooleanField(required=False, default=True)


class PersonIn(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    full_name = serializers.CharField(max_length=150)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class StaffView(AdminView):
    """The kommune's people (``?q=`` searches); POST invites one."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        people = selectors.staff(self.kommune_id, q=request.query_params.get("q", ""))[:500]
        return Response({"results": [_person(u, u.current, u.roles) for u in people]})  # type: ignore[attr-defined]

    @extend_schema(request=InviteIn, responses={201: dict})
    def post(self, request: Request) -> Response:
        data = InviteIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = staff.staff_invite(actor=self.actor, request=request._request, **data.validated_data)
        return Response(_person(user, [], []), status=status.HTTP_201_CREATED)


def _person_response(kommune_id: int, user_id: Any) -> Response:
    person = selectors.person(kommune_id, user_id)
    return Response(_person(person.user, person.memberships, person.kommune_roles))


class PersonView(AdminView):
    @extend_schema(operation_id="v1_kommune_person_retrieve", responses={200: dict})
    def get(self, request: Request, user_id: int) -> Response:
        return _person_response(self.kommune_id, user_id)

    @extend_schema(request=PersonIn, responses={200: dict})
    def patch(self, request: Request, user_id: int) -> Response:
        data = PersonIn(data=request.data)
        data.is_valid(raise_exception=True)
        staff.staff_update(actor=self.actor, user_id=user_id, request=request._request, **data.validated_data)
        return _person_response(self.kommune_id, user_id)


class ActiveIn(serializers.Serializer):
    active = serializers.BooleanField()


class PersonActiveView(AdminView):
    """Deactivate (sessions end now) or reactivate a person."""

    @extend_schema(request=ActiveIn, responses={200: dict})
    def post(self, request: Request, user_id: int) -> Response:
        data = ActiveIn(data=request.data)
        data.is_valid(raise_exception=True)
        staff.staff_set_active(
            actor=self.actor, user_id=user_id, active=data.validated_data["active"], request=request._request
        )
        return _person_response(self.kommune_id, user_id)


class MembershipIn(serializers.Serializer):
    unit_id = serializers.IntegerField()
    role = serializers.CharField(max_length=20)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class DatesIn(serializers.Serializer):
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class MembershipCreateView(AdminView):
    @extend_schema(request=MembershipIn, responses={201: dict})
    def post(self, request: Request, user_id: int) -> Response:
        data = MembershipIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership = staff.membership_add(
            actor=self.actor, user_id=user_id, request=request._request, **data.validated_data
        )
        return Response(_membership(membership), status=status.HTTP_201_CREATED)


class MembershipView(AdminView):
    """GET: the membership. PATCH: change the dates. DELETE: end it from today."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, membership_id: int) -> Response:
        return Response(_membership(selectors.membership(self.kommune_id, membership_id)))

    @extend_schema(request=DatesIn, responses={200: dict})
    def patch(self, request: Request, membership_id: int) -> Response:
        data = DatesIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership = staff.membership_update(
            actor=self.actor, membership_id=membership_id, request=request._request, **data.validated_data
        )
        return Response(_membership(membership))

    @extend_schema(request=None, responses={200: dict})
    def delete(self, request: Request, membership_id: int) -> Response:
        outcome = staff.membership_end(actor=self.actor, membership_id=membership_id, request=request._request)
        return Response({"outcome": outcome})


class RoleIn(serializers.Serializer):
    role = serializers.CharField(max_length=20)


class RoleCreateView(AdminView):
    @extend_schema(request=RoleIn, responses={201: dict})
    def post(self, request: Request, user_id: int) -> Response:
        data = RoleIn(data=request.data)
        data.is_valid(raise_exception=True)
        found = staff.kommune_role_add(
            actor=self.actor, user_id=user_id, role=data.validated_data["role"], request=request._request
        )
        return Response(_role(found), status=status.HTTP_201_CREATED)


class RoleView(AdminView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, role_id: int) -> Response:
        return Response(_role(selectors.kommune_role(self.kommune_id, role_id)))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, role_id: int) -> Response:
        staff.kommune_role_remove(actor=self.actor, role_id=role_id, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UnitIn(serializers.Serializer):
    service_id = serializers.IntegerField()
    name = serializers.CharField(max_length=150)


class UnitsView(AdminView):
    """Services with their units (GET); POST creates a unit."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "results": [
                    {
                        "id": s.pk,
                        "name": s.name,
                        "kind": s.kind,
                        "category": s.category,
                        "units": [{"id": u.pk, "name": u.name, "is_active": u.is_active} for u in s.units.all()],
                    }
                    for s in selectors.services_with_units(self.kommune_id)
                ]
            }
        )

    @extend_schema(request=UnitIn, responses={201: dict})
    def post(self, request: Request) -> Response:
        data = UnitIn(data=request.data)
        data.is_valid(raise_exception=True)
        unit = units.unit_create(actor=self.actor, request=request._request, **data.validated_data)
        return Response(
            {"id": unit.pk, "name": unit.name, "service_id": unit.service_id}, status=status.HTTP_201_CREATED
        )


class KommuneLanguageIn(serializers.Serializer):
    language = serializers.CharField(max_length=8)


class KommuneLanguageView(AdminView):
    """The kommune's administrative language (GET; PUT changes it, logged before/after)."""

    @extend_schema(responses={200: dict}, operation_id="v1_kommune_language_retrieve")
    def get(self, request: Request) -> Response:
        from bti.models import Kommune

        return Response({"language": Kommune.objects.get(pk=self.kommune_id).language})

    @extend_schema(request=KommuneLanguageIn, responses={200: dict}, operation_id="v1_kommune_language_update")
    def put(self, request: Request) -> Response:
        data = KommuneLanguageIn(data=request.data)
        data.is_valid(raise_exception=True)
        settings.kommune_language_update(
            actor=self.actor, language=data.validated_data["language"], request=request._request
        )
        return self.get(request)


class ImportView(AdminView):
    """POST a CSV (multipart ``file``, or the body as text/csv): its preview, nothing written."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={201: dict},
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Send CSV-filen i feltet «file»."]}, status=status.HTTP_400_BAD_REQUEST)
        staff_import, plan = imports.import_upload(
            actor=self.actor,
            file_name=upload.name or "",
            raw=upload.read(imports.MAX_BYTES + 1),
            send_invitations=str(request.data.get("send_invitations", "")).lower() in {"1", "true", "on"},
            request=request._request,
        )
        return Response(_plan(staff_import.pk, plan), status=status.HTTP_201_CREATED)


def _plan(import_id: int, plan: imports.Plan) -> dict[str, Any]:
    return {
        "id": import_id,
        "digest": plan.digest,
        "summary": plan.summary,
        "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in plan.problems],
        "changes": [{"row": c.row, "kind": c.kind, "text": c.text} for c in plan.changes],
    }


class DigestIn(serializers.Serializer):
    digest = serializers.CharField(max_length=64)


class ImportApplyView(AdminView):
    """GET: the preview now. POST ``{"digest"}``: apply all of it, or nothing (400)."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, import_id: int) -> Response:
        staff_import, plan = imports.import_preview(actor=self.actor, import_id=import_id)
        return Response({**_plan(staff_import.pk, plan), "status": staff_import.status})

    @extend_schema(operation_id="v1_kommune_import_apply", request=DigestIn, responses={200: dict})
    def post(self, request: Request, import_id: int) -> Response:
        data = DigestIn(data=request.data)
        data.is_valid(raise_exception=True)
        plan = imports.import_apply(
            actor=self.actor, import_id=import_id, digest=data.validated_data["digest"], request=request._request
        )
        return Response({"summary": plan.summary})


class AgeRulesIn(serializers.Serializer):
    inform_from = serializers.IntegerField()
    great_weight_from = serializers.IntegerField()
    consents_alone_from = serializers.IntegerField()
    health_consents_alone_from = serializers.IntegerField()


class AgeRulesView(AdminView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        from consent.models import AgeRules

        return Response(settings.age_snapshot(AgeRules.for_kommune(self.kommune_id)))

    @extend_schema(request=AgeRulesIn, responses={200: dict})
    def put(self, request: Request) -> Response:
        data = AgeRulesIn(data=request.data)
        data.is_valid(raise_exception=True)
        rules = settings.age_rules_update(actor=self.actor, request=request._request, **data.validated_data)
        return Response(settings.age_snapshot(rules))


class KoordinatorView(APIView):
    """The BTI-koordinator's figures (no case content; small counts «<5»)."""

    access_rule = "kommune-leader"

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        kid = koordinator_kommune(request.user)
        if kid is None:
            raise PermissionDenied
        view = koordinator_view(kid)
        return Response(
            {
                "units": [
                    {
                        "unit": g.unit.name,
                        "service": g.unit.service.name,
                        "guide": g.guide,
                        "guide_version": g.version,
                        "handovers_waiting": g.handovers,
                        "open_alarms": g.alarms,
                    }
                    for g in view.guides
                ],
                "open_cases": view.open_total,
                "open_by_level": [{"label": r.label, "value": r.value} for r in view.by_level],
                "open_by_service": [{"label": r.label, "value": r.value} for r in view.by_service],
                "staff_without_login": {
                    "months": view.months,
                    "people": [
                        {"full_name": row["user"].full_name, "units": row["units"], "last_login": row["last_login"]}
                        for row in view.inactive_staff
                    ],
                },
            }
        )
