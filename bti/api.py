from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti import selectors
from bti.http import current_user
from bti.limits import BoundedSerializer


class MembershipSerializer(BoundedSerializer):
    unit_id = serializers.IntegerField(source="unit.id")
    unit = serializers.CharField(source="unit.name")
    service = serializers.CharField(source="unit.service.name")
    role = serializers.CharField()


class MeSerializer(BoundedSerializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    memberships = MembershipSerializer(many=True)


class MeView(APIView):
    """The logged-in user and their units."""

    access_rule = "authenticated"

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = current_user(request)
        data = {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "memberships": list(selectors.active_memberships(user)),
        }
        return Response(MeSerializer(data).data)
