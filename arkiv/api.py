"""API for the retention rules: the same services as the page, for the kommune's own
administrator with step-up for a browser session (``kommuneadmin.api.AdminView``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arkiv import rules, selectors, services
from arkiv.models import Disposal
from bti import gate, innsyn
from bti.http import current_user
from bti.models import Service
from kommuneadmin.api import AdminView
from kommuneadmin.services.common import scoped


class RetentionIn(serializers.Serializer):
    service_id = serializers.IntegerField(required=False, allow_null=True)
    case_years = serializers.IntegerField()
    disposal = serializers.ChoiceField(choices=Disposal.choices)
    innsynslogg_years = serializers.IntegerField()
    security_log_years = serializers.IntegerField()


def _payload(kommune_id: int) -> dict[str, Any]:
    return {
        "default": rules.kommune_default(kommune_id).as_dict(),
        "services": [
            {"service_id": service.pk, "service": service.name, **rule.as_dict()}
            for service, rule in rules.effective_rules(kommune_id)
        ],
    }


class RetentionView(AdminView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response(_payload(self.kommune_id))

    @extend_schema(request=RetentionIn, responses={200: dict})
    def put(self, request: Request) -> Response:
        data = RetentionIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.rule_set(actor=self.actor, request=request._request, **data.validated_data)
        return Response(_payload(self.kommune_id))


class RetentionServiceView(AdminView):
    @extend_schema(operation_id="v1_kommune_oppbevaring_service_retrieve", responses={200: dict})
    def get(self, request: Request, service_id: int) -> Response:
        service = scoped(Service.objects.all(), self.kommune_id, service_id)
        return Response(
            {"service_id": service.pk, "service": service.name, **rules.rule_for_service(service).as_dict()}
        )

    @extend_schema(responses={204: None})
    def delete(self, request: Request, service_id: int) -> Response:
        services.rule_remove(actor=self.actor, service_id=service_id, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- What is registered and when it is deleted (issue 15 item 6) --------------------------


class StorageCount(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    count = serializers.IntegerField()


class CaseStorageOut(serializers.Serializer):
    case = serializers.IntegerField()
    counts = StorageCount(many=True)
    rule = serializers.CharField()
    case_years = serializers.IntegerField()
    disposal = serializers.ChoiceField(choices=Disposal.choices)
    closed_on = serializers.DateField(allow_null=True)
    kept_until = serializers.DateField(allow_null=True)
    innsynslogg_years = serializers.IntegerField()
    delivery_status = serializers.CharField(allow_blank=True)


def storage_payload(view: Any) -> dict[str, Any]:
    case = view.case
    info = selectors.storage_info(case, view)
    return {
        "case": case.pk,
        "counts": [{"kind": key, "title": str(label), "count": n} for label, n, key in info["rows"]],
        "rule": info["rule_text"],
        "case_years": info["case_years"],
        "disposal": info["rule"].disposal,
        "closed_on": info["closed_on"],
        "kept_until": info["kept_until"],
        "innsynslogg_years": info["innsynslogg_years"],
        "delivery_status": info["delivery_status"],
    }


class CaseStorageView(APIView):
    """What the case holds (counts), until when, and whether it goes to the archive or is
    deleted; 410 once it is deleted."""

    access_rule = "object-policy"

    @extend_schema(responses=CaseStorageOut)
    def get(self, request: Request, case_id: int) -> Response:
        view = gate.open_case(current_user(request), case_id, gate.SAKSBEHANDLING, obj_type="lagring", how=innsyn.API)
        return Response(CaseStorageOut(storage_payload(view)).data)
