"""API for consents, the category-scoped stafettlogg, the innsyn package and the leaders'
review: the same services, selectors and policy as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti import gate, innsyn, policy
from bti.http import current_user
from bti.limits import BoundedSerializer
from bti.security.stepup import STEP_UP_PERMISSIONS
from consent import selectors, services


class ConsentInSerializer(BoundedSerializer):
    decision = serializers.ChoiceField(choices=["given", "refused"])
    guardian_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    by_young_person = serializers.BooleanField(required=False, default=False)
    unit_ids = serializers.ListField(child=serializers.IntegerField())
    category_codes = serializers.ListField(child=serializers.CharField(max_length=40))
    purpose = serializers.CharField()
    form = serializers.CharField()
    oral_note = serializers.CharField(required=False, allow_blank=True, default="")
    child_view = serializers.CharField(required=False, allow_blank=True, default="")
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    renews_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class WithdrawInSerializer(BoundedSerializer):
    withdrawn_by_name = serializers.CharField(max_length=200)
    unit_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    category_code = serializers.CharField(required=False, allow_blank=True, default="")


def _consent_json(row: dict[str, Any]) -> dict[str, Any]:
    consent = row["consent"]
    return {
        "id": consent.pk,
        "decision": consent.decision,
        "status": row["status"],
        "givers": row["givers"],
        "purpose": consent.purpose,
        "form": consent.form,
        "valid_from": consent.valid_from,
        "valid_until": consent.valid_until,
        "recipients": [
            {
                "unit_id": u["unit"].pk,
                "unit": u["unit"].name,
                "categories": [
                    {"code": c["category"].code, "withdrawn_at": c["withdrawn_at"]} for c in u["categories"]
                ],
            }
            for u in row["units"]
        ],
    }


class ConsentListView(APIView):
    """The case's consents and refusals (GET); register one (POST, the case's own people)."""

    access_rule = "object-policy"

    @extend_schema(responses={200: dict})
    def get(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id)
        categories = policy.readable_categories(current_user(request), case)
        gate.log_read(
            user=request.user,
            obj_type="samtykke",
            obj_id=case.pk,
            case=case,
            how=innsyn.API,
            purpose=gate.SAKSBEHANDLING,
        )
        return Response({"results": [_consent_json(r) for r in selectors.consent_rows(case, categories)]})

    @extend_schema(request=ConsentInSerializer, responses={201: dict})
    def post(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id, "manage_consent")
        data = ConsentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = services.consent_register(actor=current_user(request), case_id=case.pk, **data.validated_data)
        row = next(r for r in selectors.consent_rows(case) if r["consent"].pk == consent.pk)
        return Response(_consent_json(row), status=status.HTTP_201_CREATED)


class ConsentWithdrawView(APIView):
    """Withdraw a consent, whole or for one recipient and/or category."""

    access_rule = "object-policy"

    @extend_schema(request=WithdrawInSerializer, responses={200: dict})
    def post(self, request: Request, case_id: int, consent_id: int) -> Response:
        case = policy.access_case(request.user, case_id, "manage_consent")
        data = WithdrawInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.consent_withdraw(
            actor=current_user(request),
            case_id=case.pk,
            consent_id=consent_id,
            **data.validated_data,
        )
        return Response({"withdrawn_scopes": count})


class TimelineView(APIView):
    """The stafettlogg narrowed to the reader's categories; others come as hidden stubs."""

    access_rule = "object-policy"

    @extend_schema(responses={200: dict})
    def get(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id)
        before = request.query_params.get("before_seq")
        items, _categories = selectors.timeline_for(
            current_user(request),
            case,
            before_seq=int(before) if before and before.isdigit() else None,
        )
        gate.log_read(
            user=request.user,
            obj_type="stafettlogg",
            obj_id=case.pk,
            case=case,
            how=innsyn.API,
            purpose=gate.SAKSBEHANDLING,
        )
        page = items[: selectors.PAGE_SIZE]
        return Response(
            {"results": [selectors.serialize_item(i) for i in page], "has_more": len(items) > selectors.PAGE_SIZE}
        )


class InnsynView(APIView):
    """The innsyn package for the case's child, machine-readable."""

    access_rule = "object-policy"
    permission_classes = STEP_UP_PERMISSIONS

    @extend_schema(responses={200: dict})
    def get(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id, "innsyn_export")
        gate.log_read(
            user=request.user, obj_type="innsyn", obj_id=case.pk, case=case, how=innsyn.API, purpose=gate.INNSYN
        )
        return Response(selectors.innsyn_package(case))


class ReviewView(APIView):
    """Unit leaders: reads of their units' cases from outside the unit and unusual volumes."""

    access_rule = "authenticated"

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        from consent import grants

        data = selectors.review_for_leader(current_user(request))
        return Response(
            {
                "outside": [
                    {
                        "id": e.pk,
                        "at": e.at,
                        "user": e.user.full_name,
                        "unit": e.unit.name if e.unit else "",
                        "case_id": e.case_id,
                        "what": e.obj_type,
                        "how": e.how,
                        "purpose": e.purpose,
                        "reviewed": e.reviewed,
                    }
                    for e in data["outside"]
                ],
                "volumes": [
                    {"user": v["user__full_name"], "day": v["day"], "cases": v["cases"]} for v in data["volumes"]
                ],
                "threshold": data["threshold"],
                "grants": [_grant_json(g) for g in grants.grants_for_leader(current_user(request))],
            }
        )


class MeldingInSerializer(BoundedSerializer):
    law = serializers.CharField(max_length=40)
    condition = serializers.CharField(max_length=40)
    violence_or_abuse = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    unit_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class MeldingView(APIView):
    """Melding til barnevernet on opplysningsplikt (no consent; law and condition required)."""

    access_rule = "object-policy"

    @extend_schema(request=MeldingInSerializer, responses={201: dict})
    def post(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id, "melding_barnevern")
        data = MeldingInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        involvement = services.melding_barnevern(actor=current_user(request), case_id=case.pk, **data.validated_data)
        return Response(
            {"involvement_id": involvement.pk, "unit_id": involvement.unit_id, "basis": involvement.basis},
            status=status.HTTP_201_CREATED,
        )


class DroftingInSerializer(BoundedSerializer):
    with_unit_id = serializers.IntegerField()
    text = serializers.CharField()


def _drofting_json(drofting: Any) -> dict[str, Any]:
    return {
        "id": drofting.pk,
        "with_unit": drofting.with_unit.name,
        "summary": drofting.summary,
        "age_years": drofting.age_years,
        "gender": drofting.gender,
        "warnings": drofting.warnings,
        "outcome": drofting.outcome,
        "flags": drofting.flags if not drofting.is_shared else [],
        "shared": drofting.is_shared,
    }


class DroftingConfirmSerializer(BoundedSerializer):
    fjern = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    behold = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)


class DroftingCreateView(APIView):
    """Prepare an anonym drøfting; the answer is the de-identified summary."""

    access_rule = "object-policy"

    @extend_schema(request=DroftingInSerializer, responses={201: dict})
    def post(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id, "anonym_drofting")
        data = DroftingInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        drofting = services.drofting_prepare(
            actor=current_user(request),
            case_id=case.pk,
            with_unit_id=data.validated_data["with_unit_id"],
            text=data.validated_data["text"],
        )
        return Response(_drofting_json(drofting), status=status.HTTP_201_CREATED)


class DroftingConfirmView(APIView):
    """The writer removes or keeps each flagged word; then the summary is shared."""

    access_rule = "object-policy"

    @extend_schema(request=DroftingConfirmSerializer, responses={200: dict})
    def post(self, request: Request, drofting_id: int) -> Response:
        data = DroftingConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if selectors.drofting_for_reader(current_user(request), drofting_id) is None:
            raise Http404
        drofting = services.drofting_confirm(
            actor=current_user(request),
            drofting_id=drofting_id,
            remove=data.validated_data["fjern"],
            keep=data.validated_data["behold"],
        )
        return Response(_drofting_json(drofting))


class DroftingReadView(APIView):
    """The summary only, for the service it is discussed with (never the case)."""

    access_rule = "object-policy"

    @extend_schema(responses={200: dict})
    def get(self, request: Request, drofting_id: int) -> Response:
        drofting = selectors.drofting_for_reader(current_user(request), drofting_id)
        if drofting is None:
            raise Http404
        return Response(_drofting_json(drofting))


# --- Time-limited access (consent.grants) ----------------------------------------------


class GrantInSerializer(BoundedSerializer):
    user_id = serializers.IntegerField()
    unit_id = serializers.IntegerField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    reason = serializers.CharField()


def _grant_json(grant: Any) -> dict[str, Any]:
    from consent.grants import grant_status

    return {
        "id": grant.pk,
        "case_id": grant.case_id,
        "user_id": grant.user_id,
        "user": grant.user.full_name,
        "unit": grant.unit.name,
        "valid_from": grant.valid_from,
        "valid_until": grant.valid_until,
        "reason": grant.reason,
        "granted_by": grant.granted_by.full_name,
        "status": grant_status(grant),
    }


class GrantListView(APIView):
    """A case's time-limited grants (GET) and giving one (POST): leaders of the owning unit."""

    access_rule = "object-policy"

    @extend_schema(responses={200: dict})
    def get(self, request: Request, case_id: int) -> Response:
        from consent import grants

        case = grants.leader_case(current_user(request), case_id)
        gate.log_read(
            user=request.user,
            obj_type="tilganger",
            obj_id=case.pk,
            case=case,
            how=innsyn.API,
            purpose=gate.SAKSBEHANDLING,
        )
        return Response({"results": [_grant_json(g) for g in grants.grants_for_case(case)]})

    @extend_schema(request=GrantInSerializer, responses={201: dict})
    def post(self, request: Request, case_id: int) -> Response:
        from consent import grants

        case = grants.leader_case(current_user(request), case_id)
        data = GrantInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = grants.access_grant_create(
            actor=current_user(request),
            case_id=case.pk,
            request=request._request,
            **data.validated_data,
        )
        return Response(_grant_json(grant), status=status.HTTP_201_CREATED)


class GrantEndView(APIView):
    access_rule = "object-policy"

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, case_id: int, grant_id: int) -> Response:
        from consent import grants

        grant = grants.access_grant_end(
            actor=current_user(request),
            case_id=case_id,
            grant_id=grant_id,
            request=request._request,
        )
        return Response(_grant_json(grant))


# --- innsyn per person (issue 15 item 5; docs/adr/0027) --------------------------------------


class _KommuneAdmin(BasePermission):
    message = "Bare kommunens administrator kan gi innsyn per person."

    def has_permission(self, request: Request, view: Any) -> bool:
        return policy.administered_kommune_id(request.user) is not None


class PersonSearchSerializer(BoundedSerializer):
    query = serializers.CharField(max_length=100, min_length=2)


class PersonSearchView(APIView):
    """Find the child of an innsyn request by fødselsnummer or name (POST: never in a URL)."""

    access_rule = "kommune-admin"
    permission_classes = [*STEP_UP_PERMISSIONS, _KommuneAdmin]

    @extend_schema(request=PersonSearchSerializer, responses={200: dict})
    def post(self, request: Request) -> Response:
        data = PersonSearchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kommune_id = policy.administered_kommune_id(request.user) or 0
        hits = selectors.find_children_for_innsyn(kommune_id, data.validated_data["query"])
        gate.log_children(request.user, hits, gate.INNSYN, how=innsyn.SEARCH)
        return Response(
            {
                "results": [
                    {
                        "id": c.pk,
                        "name": c.full_name,
                        "birth_date": c.birth_date.isoformat() if c.birth_date else None,
                    }
                    for c in hits
                ]
            }
        )


class PersonInnsynView(APIView):
    """Everything the kommune holds about one child across cases and units (GDPR art. 15)."""

    access_rule = "kommune-admin"
    permission_classes = [*STEP_UP_PERMISSIONS, _KommuneAdmin]

    @extend_schema(responses={200: dict})
    def get(self, request: Request, child_id: int) -> Response:
        kommune_id = policy.administered_kommune_id(request.user) or 0
        child = selectors.innsyn_child(kommune_id, child_id)
        if child is None:
            raise Http404
        cases = selectors.cases_of_child(kommune_id, child)
        for case in cases:
            gate.log_read(
                user=request.user,
                obj_type="innsyn_person",
                obj_id=child.pk,
                case=case,
                how=innsyn.API,
                purpose=gate.INNSYN,
            )
        if not cases:
            gate.log_read(
                user=request.user,
                obj_type="innsyn_person",
                obj_id=child.pk,
                child_id=child.pk,
                how=innsyn.API,
                purpose=gate.INNSYN,
            )
        return Response(selectors.person_innsyn_package(kommune_id, child, cases))
