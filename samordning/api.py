"""API of the samordning app: the same services, selectors and policy as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti import gate, innsyn, policy
from bti.models import User
from samordning import selectors, services


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _panel_json(user: User, case: Any) -> dict[str, Any]:
    panel = selectors.panel(user, case)
    if not panel.readable:
        return {"readable": False}
    c, b = panel.coordination, panel.barnekoordinator
    return {
        "readable": True,
        "coordination": {
            "service": c.service.name,
            "unit": c.unit.name if c.unit else None,
            "child_view": c.child_view,
            "parents_view": c.parents_view,
            "decided_by": c.decided_by,
            "decided_on": c.decided_on,
            "services_agree": c.services_agree,
            "disagreement": c.disagreement,
            "kommune_decision": c.kommune_decision,
            "kommune_decided_by": c.kommune_decided_by,
        }
        if c
        else None,
        "barnekoordinator": {"name": b.user.full_name, "unit": b.unit.name, "from": b.started_on} if b else None,
    }


class CoordinationIn(serializers.Serializer):
    service_id = serializers.IntegerField()
    unit_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    child_view = serializers.CharField(allow_blank=True)
    parents_view = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(allow_blank=True, max_length=200)
    decided_on = serializers.DateField()
    services_agree = serializers.BooleanField()
    disagreement = serializers.CharField(required=False, allow_blank=True, default="")
    kommune_decision = serializers.CharField(required=False, allow_blank=True, default="")
    kommune_decided_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class SamordningView(APIView):
    """Who coordinates and the barnekoordinator (GET, case readers with the category);
    POST records who coordinates (the stafettholder or the owning unit's leader)."""

    access_rule = "object-policy"

    @extend_schema(responses={200: dict})
    def get(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id)
        gate.log_read(
            user=request.user,
            obj_type="samordning",
            obj_id=case.pk,
            case=case,
            how=innsyn.API,
            purpose=gate.KOORDINERING,
        )
        return Response(_panel_json(_user(request), case))

    @extend_schema(request=CoordinationIn, responses={201: dict})
    def post(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id, services.COORDINATE)
        data = CoordinationIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.coordination_record(actor=_user(request), case_id=case.pk, **data.validated_data)
        return Response(_panel_json(_user(request), case), status=status.HTTP_201_CREATED)


class BarnekoordinatorIn(serializers.Serializer):
    user_id = serializers.IntegerField()
    unit_id = serializers.IntegerField()
    guardian_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    by_young_person = serializers.BooleanField(required=False, default=False)
    consent_form = serializers.CharField(max_length=10)
    consent_note = serializers.CharField(required=False, allow_blank=True, default="")
    consented_on = serializers.DateField()
    started_on = serializers.DateField()


class EndIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class BarnekoordinatorView(APIView):
    """POST: appoint the barnekoordinator (with consent); the coordinators only."""

    access_rule = "object-policy"

    @extend_schema(request=BarnekoordinatorIn, responses={201: dict})
    def post(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id, services.COORDINATE)
        data = BarnekoordinatorIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.barnekoordinator_appoint(actor=_user(request), case_id=case.pk, **data.validated_data)
        return Response(_panel_json(_user(request), case), status=status.HTTP_201_CREATED)


class BarnekoordinatorEndView(APIView):
    access_rule = "object-policy"

    @extend_schema(request=EndIn, responses={200: dict})
    def post(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id, services.COORDINATE)
        data = EndIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.barnekoordinator_end(actor=_user(request), case_id=case.pk, reason=data.validated_data["reason"])
        return Response(_panel_json(_user(request), case))


class IndividualPlanView(APIView):
    """The summary the individuell plan can take over (the case's own people)."""

    access_rule = "object-policy"

    @extend_schema(responses={200: dict})
    def get(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id, "innsyn_export")
        gate.log_read(
            user=request.user,
            obj_type="individuell_plan",
            obj_id=case.pk,
            case=case,
            how=innsyn.API,
            purpose=gate.KOORDINERING,
        )
        summary = selectors.ip_summary(_user(request), case)
        return Response({**summary, "sha256": services.summary_digest(summary)})
