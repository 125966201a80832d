"""The API for plans, tiltak, evaluations, meetings, transitions, print jobs and the
tiltak catalogue: the same services and access policy as the HTML pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti import gate, innsyn
from bti.http import current_user
from bti.security.stepup import STEP_UP_PERMISSIONS
from samarbeid import printing, selectors, services
from samarbeid import serializers as s
from samarbeid.models import PdfJobStatus, Transition


def _valid(serializer_class: Any, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _open(request: Request, case_id: int, obj_type: str, purpose: str = gate.SAKSBEHANDLING) -> gate.CaseView:
    """The case through the read gate (which writes the innsynslogg row, ``how="api"``)."""
    return gate.open_case(current_user(request), case_id, purpose, obj_type=obj_type, how=innsyn.API)


class GoalsApi(APIView):
    """The plan of a case: its goals with their tiltak."""

    access_rule = "object-policy"

    @extend_schema(responses=s.GoalSerializer(many=True))
    def get(self, request: Request, case_id: int) -> Response:
        view = _open(request, case_id, "plan")
        return Response(s.GoalSerializer(view.content("goals"), many=True).data)

    @extend_schema(request=s.GoalInput, responses={201: s.GoalSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        goal = services.goal_create(actor=current_user(request), case_id=case_id, **_valid(s.GoalInput, request))
        return Response(s.GoalSerializer(goal).data, status=status.HTTP_201_CREATED)


class MeasuresApi(APIView):
    access_rule = "object-policy"

    @extend_schema(responses=s.MeasureSerializer(many=True))
    def get(self, request: Request, case_id: int) -> Response:
        measures = _open(request, case_id, "plan").content("measures")
        return Response(s.MeasureSerializer(measures, many=True).data)

    @extend_schema(request=s.MeasureInput, responses={201: s.MeasureSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        measure = services.measure_create(
            actor=current_user(request), case_id=case_id, **_valid(s.MeasureInput, request)
        )
        return Response(s.MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)


class MeasureStatusApi(APIView):
    access_rule = "object-policy"

    @extend_schema(request=s.MeasureStatusInput, responses=s.MeasureSerializer)
    def post(self, request: Request, case_id: int, measure_id: int) -> Response:
        data = _valid(s.MeasureStatusInput, request)
        measure = services.measure_set_status(
            actor=current_user(request), case_id=case_id, measure_id=measure_id, **data
        )
        return Response(s.MeasureSerializer(measure).data)


class EvaluationsApi(APIView):
    access_rule = "object-policy"

    @extend_schema(responses=s.EvaluationSerializer(many=True))
    def get(self, request: Request, case_id: int, measure_id: int) -> Response:
        view = _open(request, case_id, "plan")
        measure = view.content("measure", measure_id)
        if measure is None:
            raise Http404
        items: Any = view.content("evaluations", measure)
        return Response(s.EvaluationSerializer(items, many=True).data)

    @extend_schema(request=s.EvaluationInput, responses={201: s.EvaluationSerializer})
    def post(self, request: Request, case_id: int, measure_id: int) -> Response:
        evaluation = services.evaluation_record(
            actor=current_user(request),
            case_id=case_id,
            measure_id=measure_id,
            **_valid(s.EvaluationInput, request),
        )
        return Response(s.EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


class MeetingsApi(APIView):
    access_rule = "object-policy"

    @extend_schema(responses=s.MeetingSerializer(many=True))
    def get(self, request: Request, case_id: int) -> Response:
        view = _open(request, case_id, "meeting")
        return Response(s.MeetingSerializer(view.content("meetings"), many=True).data)

    @extend_schema(request=s.MeetingInput, responses={201: s.MeetingSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        meeting = services.meeting_schedule(
            actor=current_user(request), case_id=case_id, **_valid(s.MeetingInput, request)
        )
        return Response(s.MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingReferatApi(APIView):
    access_rule = "object-policy"

    @extend_schema(request=s.ReferatInput, responses=s.MeetingSerializer)
    def post(self, request: Request, case_id: int, meeting_id: int) -> Response:
        data = _valid(s.ReferatInput, request)
        if data.get("new_measure"):
            data["new_measure"] = dict(data["new_measure"])
        meeting = services.meeting_write_referat(
            actor=current_user(request), case_id=case_id, meeting_id=meeting_id, **data
        )
        return Response(s.MeetingSerializer(meeting).data)


class MeetingChangeApi(APIView):
    """Move a planned meeting or change its place; the participants are told and the .ics
    file's SEQUENCE goes up (the same service as the meeting page's «Endre møtet»)."""

    access_rule = "object-policy"

    @extend_schema(request=s.MeetingChangeInput, responses=s.MeetingSerializer)
    def post(self, request: Request, case_id: int, meeting_id: int) -> Response:
        data = _valid(s.MeetingChangeInput, request)
        meeting = services.meeting_change(actor=current_user(request), case_id=case_id, meeting_id=meeting_id, **data)
        return Response(s.MeetingSerializer(meeting).data)


class MeetingCancelApi(APIView):
    """Cancel a planned meeting with a reason; its .ics becomes a cancellation."""

    access_rule = "object-policy"

    @extend_schema(request=s.MeetingCancelInput, responses=s.MeetingSerializer)
    def post(self, request: Request, case_id: int, meeting_id: int) -> Response:
        data = _valid(s.MeetingCancelInput, request)
        meeting = services.meeting_cancel(actor=current_user(request), case_id=case_id, meeting_id=meeting_id, **data)
        return Response(s.MeetingSerializer(meeting).data)


class TransitionsApi(APIView):
    access_rule = "object-policy"

    @extend_schema(responses=s.TransitionSerializer(many=True))
    def get(self, request: Request, case_id: int) -> Response:
        case = _open(request, case_id, "transition", gate.KOORDINERING).case
        return Response(s.TransitionSerializer(selectors.transitions(case), many=True).data)

    @extend_schema(request=s.TransitionInput, responses={201: s.TransitionSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        user = current_user(request)
        transition = services.transition_propose(actor=user, case_id=case_id, **_valid(s.TransitionInput, request))
        return Response(s.TransitionSerializer(transition).data, status=status.HTTP_201_CREATED)


class TransitionAnswerApi(APIView):
    """Accept or decline a transition to your unit."""

    access_rule = "object-policy"

    @extend_schema(request=s.TransitionAnswerInput, responses=s.TransitionSerializer)
    def post(self, request: Request, case_id: int, transition_id: int, answer: str) -> Response:
        data = _valid(s.TransitionAnswerInput, request)
        result: Transition
        if answer == "accept":
            result = services.transition_accept(
                actor=current_user(request),
                case_id=case_id,
                transition_id=transition_id,
                stafettholder_id=data["stafettholder_id"],
            )
        elif answer == "decline":
            result = services.transition_decline(
                actor=current_user(request),
                case_id=case_id,
                transition_id=transition_id,
                reason=data["reason"],
            )
        else:
            raise Http404
        return Response(s.TransitionSerializer(result).data)


class PdfJobsApi(APIView):
    """Order a PDF (always rendered in the background through the API)."""

    access_rule = "object-policy"
    permission_classes = STEP_UP_PERMISSIONS

    @extend_schema(request=s.PdfJobInput, responses={202: s.PdfJobSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        view = gate.open_case(current_user(request), case_id, gate.UTSKRIFT, obj_type="print", log=False)
        case = view.case
        data = _valid(s.PdfJobInput, request)
        spec = printing.spec_from_params(view=view, kind=data.pop("kind"), params=data)
        job = services.pdf_job_create(
            actor=current_user(request),
            case_id=case.pk,
            kind=spec.kind,
            params=spec.params(),
            entry_count=spec.entry_count,
        )
        job.refresh_from_db()
        return Response(s.PdfJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class PdfJobApi(APIView):
    access_rule = "authenticated"

    @extend_schema(responses=s.PdfJobSerializer)
    def get(self, request: Request, job_id: int) -> Response:
        job = selectors.my_job(current_user(request), job_id)
        if job is None:
            raise Http404
        return Response(s.PdfJobSerializer(job).data)


class PdfJobRetryApi(APIView):
    """Order a failed PDF again (the same selection, checked again): 202 with the new job."""

    access_rule = "authenticated"
    permission_classes = STEP_UP_PERMISSIONS

    @extend_schema(request=None, responses={202: s.PdfJobSerializer})
    def post(self, request: Request, job_id: int) -> Response:
        job = selectors.my_job(current_user(request), job_id)
        if job is None:
            raise Http404
        new = services.pdf_job_retry(actor=current_user(request), job_id=job.pk)
        new.refresh_from_db()
        return Response(s.PdfJobSerializer(new).data, status=status.HTTP_202_ACCEPTED)


class PdfJobDownloadApi(APIView):
    """The finished PDF, for the person who asked, until the link expires."""

    access_rule = "authenticated"
    permission_classes = STEP_UP_PERMISSIONS

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, job_id: int) -> HttpResponse:
        from django.core.files.storage import default_storage

        job = selectors.my_job(current_user(request), job_id)
        if job is None or job.status != PdfJobStatus.DONE or not job.file_name:
            raise Http404
        if job.expires_at is None or job.expires_at < timezone.now():
            return Response({"detail": "Lenken er utløpt. Bestill utskriften på nytt."}, status=status.HTTP_410_GONE)
        view = gate.open_case(current_user(request), job.case_id, gate.UTSKRIFT, log=False)
        case = view.case
        if not services.pdf_job_still_valid(job, view):
            return Response(
                {"detail": "Samtykket eller tilgangen er endret siden utskriften ble laget. Bestill en ny utskrift."},
                status=status.HTTP_409_CONFLICT,
            )
        with default_storage.open(job.file_name, "rb") as handle:
            content = handle.read()
        return printing.deliver(request, case=case, kind=job.kind, content=content, filename=f"{job.kind}-{job.pk}.pdf")


class CatalogueApi(APIView):
    """The kommune's tiltaksoversikt (search with ``?q=``); fagadministratorer add to it."""

    access_rule = "authenticated"

    @extend_schema(responses=s.CatalogueItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        user = current_user(request)
        params = request.query_params
        items = selectors.catalogue(user, q=params.get("q", ""), level=params.get("level", ""))
        return Response(s.CatalogueItemSerializer(items, many=True).data)

    @extend_schema(request=s.CatalogueItemSerializer, responses={201: s.CatalogueItemSerializer})
    def post(self, request: Request) -> Response:
        serializer = s.CatalogueItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        service = data.get("service")
        item = services.catalogue_item_save(
            actor=current_user(request),
            name=data["name"],
            description=data["description"],
            kind=data.get("kind", "tiltak"),
            service_id=service.pk if service else None,
            target_group=data.get("target_group", ""),
            level=data.get("level", "alle"),
            contact=data.get("contact", ""),
            is_active=data.get("is_active", True),
            name_nn=data.get("name_nn", ""),
            description_nn=data.get("description_nn", ""),
        )
        return Response(s.CatalogueItemSerializer(item).data, status=status.HTTP_201_CREATED)
