"""API for notifications and the leaders' aggregates: same services, selectors and policy as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti import policy
from bti.http import current_user
from bti.replica import replica_reads
from bti.security.stepup import STEP_UP_PERMISSIONS
from oversikt import selectors, services, sources
from oversikt.forms import OverviewFilterForm
from oversikt.models import Notification
from oversikt.serializers import AggregateRowSerializer, NotificationSerializer


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")


class NotificationListView(generics.ListAPIView[Notification]):
    """The logged-in user's notifications, newest first. ``?uleste=1`` for unread only."""

    access_rule = "authenticated"
    serializer_class = NotificationSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        user = current_user(self.request)
        return selectors.notifications_for(user, unread_only=self.request.query_params.get("uleste") == "1")


class NotificationReadView(APIView):
    """Mark one of your notifications as read (404 for anyone else's)."""

    access_rule = "authenticated"

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request: Request, notification_id: int) -> Response:
        notification = services.notification_mark_read(actor=current_user(request), notification_id=notification_id)
        return Response(NotificationSerializer(notification).data)


class UnreadCountView(APIView):
    access_rule = "authenticated"

    @extend_schema(responses={200: {"type": "object", "properties": {"uleste": {"type": "integer"}}}})
    def get(self, request: Request) -> Response:
        return Response({"uleste": selectors.unread_count(current_user(request))})


class AggregatesView(APIView):
    """The leader overview's aggregates as rows (the same as the CSV export). Counts
    below 5 are «<5». Kommune leaders get the kommune, unit leaders their units."""

    access_rule = "kommune-leader"
    permission_classes = STEP_UP_PERMISSIONS

    @extend_schema(
        parameters=[
            OpenApiParameter("fra", str, description="Fra dato (ÅÅÅÅ-MM-DD)"),
            OpenApiParameter("til", str, description="Til dato (ÅÅÅÅ-MM-DD)"),
            OpenApiParameter("tjeneste", int),
            OpenApiParameter("enhet", int),
            OpenApiParameter("niva", int),
        ],
        responses=AggregateRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        scope = policy.aggregate_scope(request.user)
        if scope is None:
            raise PermissionDenied
        form = OverviewFilterForm(request.query_params, scope=scope)
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        with replica_reads():  # after the access decision, which reads the primary
            ov = selectors.overview(scope, form.filters(), skipped_rules=sources.missing_rules())
        rows = [{"section": s, "label": label, "value": v} for s, label, v in selectors.overview_table(ov)]
        response = Response(AggregateRowSerializer(rows, many=True).data)
        if ov.refreshed_at is not None:
            # «Sist oppdatert» is also the last row («Oppdatert»), as in the CSV and Excel.
            response["Last-Modified"] = http_date(ov.refreshed_at.timestamp())
        return response
