"""/api/v1/ for children and cases: thin adapters over cases.services and bti.policy."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti import gate, innsyn, policy
from bti.models import User
from cases import selectors, services
from cases.serializers import (
    CaseDetailSerializer,
    CaseListSerializer,
    ChildSerializer,
    GuardianCreateSerializer,
    GuardianSerializer,
    IdentifySerializer,
    LevelChangeSerializer,
    ReasonSerializer,
    SharingSerializer,
    UndringCreateSerializer,
)


class ById(CursorPagination):
    ordering = "-id"
    page_size = 50


def case_detail_response(request: Request, case_id: int, *, status_code: int = 200) -> Response:
    user = actor(request)
    # The read gate: roles, readable categories and the innsynslogg row (with its purpose).
    view = gate.open_case(user, case_id, gate.SAKSBEHANDLING, how=innsyn.API)
    case = selectors.annotate_holder(view.case)
    context = {
        "guardians": _gated_guardians(view),
        "allowed_actions": selectors.allowed_actions(user, case),
        "pending_handover": selectors.pending_handover(case),
    }
    return Response(CaseDetailSerializer(case, context=context).data, status=status_code)


def _gated_guardians(view: gate.CaseView) -> list[dict[str, Any]]:
    """As the case page: a reader with no category (a pending proposal without a basis)
    gets no guardians (issue 13 item 4)."""
    return selectors.guardians_for(view.reader, view.case, set(view.roles)) if view.categories else []


def actor(request: Request) -> User:
    """The logged-in user (DRF's IsAuthenticated ran before any handler)."""
    return cast(User, request.user)


def parsed(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ChildListView(ListAPIView[Any]):
    """Children of the cases you may see, each under the name your cases registered. A
    child is registered with a case (POST /cases/ or /cases/<id>/identify/), never on its
    own: a caseless child row would be data without a purpose, and its answer (201 or
    «already registered») told anyone whether a fødselsnummer was known (issue 20)."""

    access_rule = "object-policy"
    serializer_class = ChildSerializer
    pagination_class = ById

    def get_queryset(self) -> Any:
        return selectors.children_for(cast(User, self.request.user))

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        gate.log_children(actor(self.request), page or [], gate.SAKSBEHANDLING, how=innsyn.API)
        return page


class ChildDetailView(APIView):
    access_rule = "object-policy"

    @extend_schema(responses=ChildSerializer)
    def get(self, request: Request, child_id: int) -> Response:
        child = policy.access_child(request.user, child_id)
        child = selectors.children_for(actor(request)).get(pk=child.pk)
        gate.log_read(
            user=request.user,
            obj_type="child",
            obj_id=child.pk,
            child_id=child.pk,
            how=innsyn.API,
            purpose=gate.SAKSBEHANDLING,
        )
        return Response(ChildSerializer(child).data)


class CaseListView(ListAPIView[Any]):
    """Cases you may see (same policy as the pages). POST registers a new undring on nivå 0."""

    access_rule = "object-policy"
    serializer_class = CaseListSerializer
    pagination_class = ById

    def get_queryset(self) -> Any:
        qs = selectors._with_holder(policy.cases_visible_to(self.request.user))
        level = self.request.query_params.get("level")
        if level in {"0", "1", "2", "3"}:
            qs = qs.filter(level=int(level))
        state = self.request.query_params.get("status")
        if state in {"open", "closed"}:
            qs = qs.filter(status=state)
        return qs

    def paginate_queryset(self, queryset: Any) -> Any:
        """The page shown is logged in the innsynslogg (one bulk insert, purpose saksbehandling)."""
        page = super().paginate_queryset(queryset)
        gate.log_list(actor(self.request), page or [], gate.SAKSBEHANDLING, how=innsyn.API)
        return page

    @extend_schema(request=UndringCreateSerializer, responses={201: CaseDetailSerializer})
    def post(self, request: Request) -> Response:
        data = parsed(UndringCreateSerializer, request)
        case = services.undring_create(actor=actor(request), unit_id=data.pop("unit"), **data)
        return case_detail_response(request, case.pk, status_code=status.HTTP_201_CREATED)


class CaseDetailView(APIView):
    access_rule = "object-policy"

    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request: Request, case_id: int) -> Response:
        return case_detail_response(request, case_id)


class CaseLevelView(APIView):
    """Change the level along the transition table (from nivå 0 this is the beslutning)."""

    access_rule = "object-policy"

    @extend_schema(request=LevelChangeSerializer, responses=CaseDetailSerializer)
    def post(self, request: Request, case_id: int) -> Response:
        data = parsed(LevelChangeSerializer, request)
        services.case_change_level(
            actor=actor(request),
            case_id=case_id,
            to_level=data["to_level"],
            reason=data["reason"],
            expected_version=data["version"],
            stafettholder_id=data["stafettholder"],
        )
        return case_detail_response(request, case_id)


class CaseCloseView(APIView):
    access_rule = "object-policy"

    @extend_schema(request=ReasonSerializer, responses=CaseDetailSerializer)
    def post(self, request: Request, case_id: int) -> Response:
        data = parsed(ReasonSerializer, request)
        services.case_close(
            actor=actor(request), case_id=case_id, reason=data["reason"], expected_version=data["version"]
        )
        return case_detail_response(request, case_id)


class CaseReopenView(APIView):
    access_rule = "object-policy"

    @extend_schema(request=ReasonSerializer, responses=CaseDetailSerializer)
    def post(self, request: Request, case_id: int) -> Response:
        data = parsed(ReasonSerializer, request)
        services.case_reopen(
            actor=actor(request), case_id=case_id, reason=data["reason"], expected_version=data["version"]
        )
        return case_detail_response(request, case_id)


class CaseIdentifyView(APIView):
    access_rule = "object-policy"

    @extend_schema(request=IdentifySerializer, responses=CaseDetailSerializer)
    def post(self, request: Request, case_id: int) -> Response:
        data = parsed(IdentifySerializer, request)
        version = data.pop("version")
        services.case_identify(actor=actor(request), case_id=case_id, expected_version=version, **data)
        return case_detail_response(request, case_id)


class CaseSharingView(APIView):
    access_rule = "object-policy"

    @extend_schema(request=SharingSerializer, responses=CaseDetailSerializer)
    def post(self, request: Request, case_id: int) -> Response:
        data = parsed(SharingSerializer, request)
        services.case_record_sharing(
            actor=actor(request),
            case_id=case_id,
            with_whom=data["with_whom"],
            text=data["text"],
            other_service=data["other_service"],
            expected_version=data["version"],
        )
        return case_detail_response(request, case_id)


class CaseGuardiansView(APIView):
    access_rule = "object-policy"

    @extend_schema(responses=GuardianSerializer(many=True))
    def get(self, request: Request, case_id: int) -> Response:
        view = gate.open_case(actor(request), case_id, gate.SAKSBEHANDLING, obj_type="guardians", how=innsyn.API)
        return Response(GuardianSerializer(_gated_guardians(view), many=True).data)

    @extend_schema(request=GuardianCreateSerializer, responses={201: GuardianSerializer(many=True)})
    def post(self, request: Request, case_id: int) -> Response:
        data = parsed(GuardianCreateSerializer, request)
        services.guardian_add(actor=actor(request), case_id=case_id, **data)
        case = policy.access_case(request.user, case_id)
        return Response(GuardianSerializer(selectors.guardians_for(actor(request), case), many=True).data, status=201)
