"""/api/v1/ for the stafettlogg and stafettholder handover."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti import gate, innsyn
from bti.http import current_user
from cases.api import actor, case_detail_response, parsed
from cases.serializers import CaseDetailSerializer
from stafettlogg import selectors, services
from stafettlogg.serializers import (
    CorrectionSerializer,
    DeclineSerializer,
    EntryPageSerializer,
    EntrySerializer,
    HandoverProposeSerializer,
    NoteCreateSerializer,
)


class EntryListView(APIView):
    """The case's stafettlogg, newest first; keyset pages of 50 via ``?before=<seq>``; ``?kind=`` filters."""

    access_rule = "object-policy"

    @extend_schema(
        parameters=[
            OpenApiParameter("before", int, description="Vis loggføringer med lavere nummer enn dette"),
            OpenApiParameter("kind", str, description="Bare denne typen"),
        ],
        responses=EntryPageSerializer,
    )
    def get(self, request: Request, case_id: int) -> Response:
        before_raw = request.query_params.get("before")
        before = int(before_raw) if before_raw and before_raw.isdigit() else None
        view = gate.open_case(
            current_user(request), case_id, gate.SAKSBEHANDLING, obj_type="stafettlogg", how=innsyn.API
        )
        rows = view.content("entries", request.query_params.get("kind", ""), before)
        page, more = rows[: selectors.PAGE_SIZE], len(rows) > selectors.PAGE_SIZE
        return Response(
            {"results": EntrySerializer(page, many=True).data, "next_before": page[-1].seq if more and page else None}
        )

    @extend_schema(request=NoteCreateSerializer, responses={201: EntrySerializer})
    def post(self, request: Request, case_id: int) -> Response:
        data = parsed(NoteCreateSerializer, request)
        entry = services.note_add(
            actor=actor(request),
            case_id=case_id,
            kind=data["kind"],
            text=data["text"],
            category=data["category"],
            expected_version=data["version"],
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class EntryCorrectView(APIView):
    access_rule = "object-policy"

    @extend_schema(request=CorrectionSerializer, responses={201: EntrySerializer})
    def post(self, request: Request, case_id: int, entry_id: int) -> Response:
        data = parsed(CorrectionSerializer, request)
        entry = services.entry_correct(actor=actor(request), case_id=case_id, entry_id=entry_id, **data)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class HandoverProposeView(APIView):
    access_rule = "object-policy"

    @extend_schema(request=HandoverProposeSerializer, responses=CaseDetailSerializer)
    def post(self, request: Request, case_id: int) -> Response:
        data = parsed(HandoverProposeSerializer, request)
        services.handover_propose(
            actor=actor(request),
            case_id=case_id,
            to_user_id=data["to_user"],
            to_unit_id=data["to_unit"],
            message=data["message"],
            expected_version=data["version"],
        )
        return case_detail_response(request, case_id)


def _respond(fn: Any, request: Request, case_id: int, **kwargs: Any) -> Response:
    fn(actor=actor(request), case_id=case_id, **kwargs)
    return case_detail_response(request, case_id)


class HandoverAcceptView(APIView):
    access_rule = "object-policy"

    @extend_schema(request=None, responses=CaseDetailSerializer)
    def post(self, request: Request, case_id: int) -> Response:
        return _respond(services.handover_accept, request, case_id)


class HandoverDeclineView(APIView):
    access_rule = "object-policy"

    @extend_schema(request=DeclineSerializer, responses=CaseDetailSerializer)
    def post(self, request: Request, case_id: int) -> Response:
        data = parsed(DeclineSerializer, request)
        services.handover_decline(actor=actor(request), case_id=case_id, reason=data["reason"])
        # The person who declined may no longer see the case: answer with 204.
        return Response(status=status.HTTP_204_NO_CONTENT)


class HandoverWithdrawView(APIView):
    access_rule = "object-policy"

    @extend_schema(request=None, responses=CaseDetailSerializer)
    def post(self, request: Request, case_id: int) -> Response:
        return _respond(services.handover_withdraw, request, case_id)
