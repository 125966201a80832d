from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti import languages, selectors
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
    # The person's own choice (empty: the kommune's) and the language they are served in.
    language = serializers.CharField(allow_blank=True)
    language_shown = serializers.CharField()
    memberships = MembershipSerializer(many=True)


class MeLanguageInput(BoundedSerializer):
    language = serializers.ChoiceField(
        choices=[("", ""), *settings.LANGUAGES],
        error_messages={
            "invalid_choice": _("Velg et av språkene i listen (nb, nn eller en), eller tomt for kommunens.")
        },
    )


class MeView(APIView):
    """The logged-in user and their units."""

    access_rule = "authenticated"

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(self._me(current_user(request))).data)

    @extend_schema(request=MeLanguageInput, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        """The person's language (the switcher's choice over the API; ADR 0030)."""
        user = current_user(request)
        data = MeLanguageInput(data=request.data)
        data.is_valid(raise_exception=True)
        languages.user_set_language(user=user, language=data.validated_data["language"])
        if request.auth is None:  # a browser session (a token has no session to keep it in)
            languages.remember_in_session(request._request, user)
        return Response(MeSerializer(self._me(user)).data)

    @staticmethod
    def _me(user: Any) -> dict[str, Any]:
        return {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "language_shown": languages.language_for(user) or settings.LANGUAGE_CODE,
            "memberships": list(selectors.active_memberships(user)),
        }
