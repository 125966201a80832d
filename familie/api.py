"""The family's API (issue 14): /api/v1/familie/…, for the person logged in through
ID-porten (the session's ``citizen`` marker, no Django user). Every read of case content is
``bti.gate.open_family_case``, the same family audience as the portal pages: what a parent
sees here is what the pages show, held-back entries are left out entirely."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti import gate
from familie import identity, selectors, services
from familie.identity import FamilyReader


def _reader(request: Request) -> FamilyReader:
    reader = FamilyReader.from_session(request._request.session)
    if reader is None:
        raise NotAuthenticated
    return reader


# In the schema: the family's ID-porten login lives in the session cookie (an endpoint without
# it answers 403), so the operations name the cookie, not «no authentication».
FAMILY_AUTH: Any = [{"cookieAuth": []}]


class _FamilyView(APIView):
    """No staff authentication: the family is known by the ID-porten marker in the session.
    GET only (no CSRF-bearing writes)."""

    access_rule = "public"
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    pagination_class = None

    def view(self, request: Request, case_id: Any) -> gate.CaseView:
        return gate.open_family_case(_reader(request), case_id, gate.INNSYN)


@extend_schema(auth=FAMILY_AUTH)
class FamilyCasesView(_FamilyView):
    @extend_schema(operation_id="familie_cases_list", responses={200: dict})
    def get(self, request: Request) -> Response:
        reader = _reader(request)
        return Response(
            [
                {
                    "id": c.pk,
                    "child": c.child.full_name if c.child else "",
                    "unit": c.owner_unit.name,
                    "level": c.level,
                    "status": c.status,
                }
                for c in identity.family_cases(reader)
            ]
        )


@extend_schema(auth=FAMILY_AUTH)
class FamilyLogView(_FamilyView):
    @extend_schema(operation_id="familie_case_log", responses={200: dict})
    def get(self, request: Request, case_id: int) -> Response:
        view = self.view(request, case_id)
        return Response(
            [
                {
                    "seq": e.seq,
                    "kind": e.kind,
                    "kind_label": str(e.kind_label),
                    "created_at": e.created_at,
                    "unit": e.author_unit.name if e.author_unit else None,
                    "text": e.shown_text,
                }
                for e in view.content("family_entries")
            ]
        )


@extend_schema(auth=FAMILY_AUTH)
class FamilyConsentsView(_FamilyView):
    @extend_schema(operation_id="familie_case_consents", responses={200: dict})
    def get(self, request: Request, case_id: int) -> Response:
        view = self.view(request, case_id)
        member = identity.member_for(view.reader, view.case)
        return Response(
            [
                {
                    "id": c.pk,
                    "decision": c.decision,
                    "purpose": c.purpose,
                    "valid_from": c.valid_from,
                    "valid_until": c.valid_until,
                    "by_young_person": c.by_young_person,
                    "guardians": [g.full_name for g in c.guardians.all()],
                    "scopes": [
                        {"unit": s.unit.name, "category": s.category.code, "withdrawn": s.withdrawn_at is not None}
                        for s in c.scopes.all()
                    ],
                    "may_renew": member is not None and services.may_renew(member, c),
                }
                for c in selectors.consents_of(view)
            ]
        )


@extend_schema(auth=FAMILY_AUTH)
class FamilyReadsView(_FamilyView):
    @extend_schema(operation_id="familie_case_reads", responses={200: dict})
    def get(self, request: Request, case_id: int) -> Response:
        view = self.view(request, case_id)
        return Response(
            [
                {
                    "at": r.at,
                    "name": r.user.full_name if r.user else "",
                    "unit": r.unit.name if r.unit else None,
                    "service": r.unit.service.name if r.unit else None,
                    "purpose": r.purpose,
                }
                for r in selectors.reads_of(view)
            ]
        )
