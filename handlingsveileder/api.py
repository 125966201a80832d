"""API for guides, versions and a case's step progress: the same selectors, rules and services as the HTML."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti import gate, policy
from bti.innsyn import API
from bti.limits import BoundedSerializer
from bti.written import WrittenList, WrittenText
from handlingsveileder import rules, selectors, services


class ToolSerializer(BoundedSerializer):
    id = serializers.IntegerField()
    title = WrittenText("title")
    url = serializers.CharField()
    is_file = serializers.BooleanField()


class StepSerializer(BoundedSerializer):
    id = serializers.IntegerField()
    key = serializers.UUIDField()
    level = serializers.IntegerField()
    position = serializers.IntegerField()
    # The kommune's texts in the reader's language (bti.written, ADR 0030).
    title = WrittenText("title")
    summary = WrittenText("summary")
    what = WrittenText("what")
    how = WrittenText("how")
    who = WrittenText("who")
    checklist = WrittenList("checklist")
    deadline_days = serializers.IntegerField(allow_null=True)
    deadline_from = serializers.CharField()
    tools = ToolSerializer(many=True, source="tools.all")


class VersionSummarySerializer(BoundedSerializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    note = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class GuideSerializer(BoundedSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    category = serializers.CharField()
    service_id = serializers.IntegerField(allow_null=True)
    is_default = serializers.BooleanField()


class GuideDetailSerializer(GuideSerializer):
    versions = VersionSummarySerializer(many=True)
    effective_version_id = serializers.IntegerField(allow_null=True)


class VersionSerializer(VersionSummarySerializer):
    guide_id = serializers.IntegerField()
    steps = StepSerializer(many=True)


class StepProgressSerializer(BoundedSerializer):
    step_id = serializers.IntegerField(source="step.id")
    step_key = serializers.UUIDField(source="step.key")
    title = WrittenText("title", source="step")
    position = serializers.IntegerField(source="step.position")
    status = serializers.CharField()
    is_current = serializers.BooleanField()
    checked = serializers.SerializerMethodField()
    due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()

    def get_checked(self, row: dict[str, Any]) -> list[int]:
        return [item["index"] for item in row["checklist"] if item["checked"]]


class CaseStepsSerializer(BoundedSerializer):
    case_id = serializers.IntegerField(source="case.id")
    version_id = serializers.IntegerField(source="version.id")
    version_number = serializers.IntegerField(source="version.number")
    level = serializers.IntegerField()
    level_label = serializers.CharField()
    newer_version_id = serializers.IntegerField(source="newer_version.id", allow_null=True, default=None)
    steps = StepProgressSerializer(many=True)


class StepActionSerializer(BoundedSerializer):
    action = serializers.ChoiceField(choices=["checklist", "done", "skip"])
    checked = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class GuideListView(APIView):
    """The handlingsveiledere of the user's kommune."""

    access_rule = "authenticated"

    @extend_schema(responses=GuideSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(GuideSerializer(selectors.guides_for(request.user), many=True).data)


class GuideDetailView(APIView):
    """One guide with its versions (drafts only for its editors)."""

    access_rule = "object-policy"

    @extend_schema(responses=GuideDetailSerializer)
    def get(self, request: Request, guide_id: int) -> Response:
        guide = selectors.guide_for_read(request.user, guide_id)
        versions = [v for v in selectors.versions_of(guide) if not v.is_draft or rules.may_edit(request.user, guide)]
        effective = services.effective_version(guide)
        data = {
            "id": guide.pk,
            "name": guide.name,
            "category": guide.category,
            "service_id": guide.service_id,
            "is_default": guide.is_default,
            "versions": versions,
            "effective_version_id": effective.pk if effective else None,
        }
        return Response(GuideDetailSerializer(data).data)


class VersionDetailView(APIView):
    """A version with its trinn, checklists, deadlines and tools."""

    access_rule = "object-policy"

    @extend_schema(responses=VersionSerializer)
    def get(self, request: Request, version_id: int) -> Response:
        version = selectors.version_for_read(request.user, version_id)
        steps = [s for lvl in selectors.version_levels(version) for s in lvl["steps"]]
        data = {
            **{f: getattr(version, f) for f in ("id", "number", "status", "note", "published_at", "guide_id")},
            "steps": steps,
        }
        return Response(VersionSerializer(data).data)


class CaseStepsView(APIView):
    """A case's trinn on its current nivå with progress (the case page's step panel)."""

    access_rule = "object-policy"

    @extend_schema(responses=CaseStepsSerializer)
    def get(self, request: Request, case_id: int) -> Response:
        case = policy.access_case(request.user, case_id)
        gate.log_read(
            user=request.user,
            obj_type="case_steps",
            obj_id=case.pk,
            case=case,
            child_id=case.child_id,
            how=API,
            purpose=gate.SAKSBEHANDLING,
        )
        return Response(CaseStepsSerializer(selectors.case_step_panel(request.user, case)).data)


class CaseStepActionView(APIView):
    """Tick the checklist, complete or skip (with reason) a trinn; written to the stafettlogg."""

    access_rule = "object-policy"

    @extend_schema(request=StepActionSerializer, responses=CaseStepsSerializer)
    def post(self, request: Request, case_id: int, step_id: int) -> Response:
        body = StepActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        action = body.validated_data["action"]
        actor: Any = request.user
        if action == "done":
            services.step_complete(
                actor=actor, case_id=case_id, step_id=step_id, checked=body.validated_data["checked"]
            )
        elif action == "skip":
            services.step_skip(actor=actor, case_id=case_id, step_id=step_id, reason=body.validated_data["reason"])
        else:
            services.step_checklist_save(
                actor=actor, case_id=case_id, step_id=step_id, checked=body.validated_data["checked"]
            )
        case = policy.access_case(request.user, case_id)
        return Response(CaseStepsSerializer(selectors.case_step_panel(request.user, case)).data)
