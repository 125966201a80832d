"""/api/v1/ for the implementation support: thin adapters over ``implementering.services``,
``selectors`` and ``rules``, for the asking user's own kommune. Who may read or write is
``rules`` (404 otherwise, as on the pages); an anonymous feedback stores no author, and its
writer reads the answer with the code shown once."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti.models import User
from implementering import rules, selectors, services
from implementering.models import GroupKind, TrainingKind
from implementering.serializers import (
    CodeIn,
    FeedbackIn,
    FeedbackOut,
    FeedbackSentOut,
    ItemIn,
    ItemOut,
    ItemStatusIn,
    KartleggingOut,
    MemberIn,
    MemberOut,
    ProjectIn,
    ProjectOut,
    RegisteredOut,
    ReplyIn,
    ReplyOut,
    RoutineIn,
    RoutineOut,
    TrainingIn,
    UnitTrainingOut,
    feedback_row,
    item_row,
    routine_row,
)


def _actor(request: Request) -> User:
    return cast(User, request.user)


def _parsed(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _project(user: User) -> dict[str, Any]:
    project = services.project_for(user.kommune_id)  # type: ignore[arg-type]
    leader = project.project_leader
    order = {value: i for i, value in enumerate(GroupKind.values)}
    return {
        "name": project.name,
        "goal": project.goal,
        "project_leader": {"id": leader.pk, "full_name": leader.full_name} if leader else None,
        "may_edit": rules.is_koordinator(user),
        "members": [
            {"id": m.pk, "group": m.group, "name": m.name, "role": m.role}
            for m in sorted(project.members.all(), key=lambda m: (order.get(m.group, 9), m.name))
        ],
        "phases": [
            {
                "value": p["value"],
                "label": str(p["label"]),
                "status": p["status"],
                "done": p["done"],
                "items": [item_row(i) for i in p["items"]],
            }
            for p in selectors.plan_by_phase(project)
        ],
    }


class ProjectView(APIView):
    """GET: the kommune's BTI project (groups, plan by phase with status) for the
    BTI-koordinator and the kommune's leaders. PUT: name, goal, project leader (koordinator)."""

    access_rule = "object-policy"

    @extend_schema(responses=ProjectOut)
    def get(self, request: Request) -> Response:
        rules.require(rules.may_read_project(request.user))
        return Response(ProjectOut(_project(_actor(request))).data)

    @extend_schema(request=ProjectIn, responses=ProjectOut)
    def put(self, request: Request) -> Response:
        rules.require(rules.is_koordinator(request.user))
        data = _parsed(ProjectIn, request)
        services.project_save(
            actor=_actor(request), name=data["name"], goal=data["goal"], project_leader_id=data["project_leader_id"]
        )
        return Response(ProjectOut(_project(_actor(request))).data)


class MembersView(APIView):
    """Add a member to the steering group or the working group (koordinator)."""

    access_rule = "object-policy"

    @extend_schema(request=MemberIn, responses={201: MemberOut})
    def post(self, request: Request) -> Response:
        rules.require(rules.is_koordinator(request.user))
        data = _parsed(MemberIn, request)
        member = services.member_add(actor=_actor(request), **data)
        return Response(
            MemberOut({"id": member.pk, "group": member.group, "name": member.name, "role": member.role}).data,
            status=status.HTTP_201_CREATED,
        )


class ItemsView(APIView):
    """Add an activity to a phase of the plan (koordinator)."""

    access_rule = "object-policy"

    @extend_schema(request=ItemIn, responses={201: ItemOut})
    def post(self, request: Request) -> Response:
        rules.require(rules.is_koordinator(request.user))
        data = _parsed(ItemIn, request)
        item = services.item_add(actor=_actor(request), **data)
        return Response(ItemOut(item_row(item)).data, status=status.HTTP_201_CREATED)


class ItemStatusView(APIView):
    """Set an activity's status (koordinator)."""

    access_rule = "object-policy"

    @extend_schema(request=ItemStatusIn, responses=ItemOut)
    def post(self, request: Request, item_id: int) -> Response:
        rules.require(rules.is_koordinator(request.user))
        data = _parsed(ItemStatusIn, request)
        item = services.item_set_status(actor=_actor(request), item_id=item_id, status=data["status"])
        return Response(ItemOut(item_row(item)).data)


class KartleggingView(APIView):
    """GET: the kartlegging of existing routines, and the tiltak and samarbeidsfora of the
    tiltaksoversikt. POST: add a routine with its assessment (koordinator)."""

    access_rule = "object-policy"

    @extend_schema(responses=KartleggingOut)
    def get(self, request: Request) -> Response:
        user = _actor(request)
        rules.require(rules.may_read_project(user))
        project = services.project_for(user.kommune_id)  # type: ignore[arg-type]
        catalogue = selectors.catalogue_summary(user.kommune_id)  # type: ignore[arg-type]

        def item(c: Any) -> dict[str, Any]:
            return {
                "id": c.pk,
                "name": c.name,
                "service": c.service.name if c.service_id else None,
                "target_group": c.target_group,
            }

        body = {
            "may_edit": rules.is_koordinator(user),
            "routines": [routine_row(r) for r in project.routines.select_related("service")],
            "tiltak": [item(c) for c in catalogue["tiltak"]],
            "arenaer": [item(c) for c in catalogue["arenaer"]],
        }
        return Response(KartleggingOut(body).data)

    @extend_schema(request=RoutineIn, responses={201: RoutineOut})
    def post(self, request: Request) -> Response:
        rules.require(rules.is_koordinator(request.user))
        data = _parsed(RoutineIn, request)
        routine = services.routine_save(actor=_actor(request), **data)
        return Response(RoutineOut(routine_row(routine)).data, status=status.HTTP_201_CREATED)


class TrainingView(APIView):
    """GET: per unit, its staff and their BTI training (the koordinator: every unit; a unit
    leader: their own units). POST: register one training for several staff members."""

    access_rule = "object-policy"

    @extend_schema(responses=UnitTrainingOut(many=True))
    def get(self, request: Request) -> Response:
        units = selectors.training_units(_actor(request))
        rules.require(bool(units))
        rows = [
            {
                "id": row["unit"].pk,
                "name": row["unit"].name,
                "service": row["unit"].service.name,
                "total": row["total"],
                "counts": dict(zip(TrainingKind.values, row["counts"], strict=True)),
                "staff": [
                    {"id": p["user"].pk, "full_name": p["user"].full_name, "kinds": p["kinds"]} for p in row["staff"]
                ],
            }
            for row in selectors.training_overview(units)
        ]
        return Response(UnitTrainingOut(rows, many=True).data)

    @extend_schema(request=TrainingIn, responses={201: RegisteredOut})
    def post(self, request: Request) -> Response:
        rules.require(bool(selectors.training_units(_actor(request))))
        data = _parsed(TrainingIn, request)
        count = services.training_register(
            actor=_actor(request), user_ids=data["user_ids"], kind=data["kind"], completed_on=data["completed_on"]
        )
        return Response(RegisteredOut({"registered": count}).data, status=status.HTTP_201_CREATED)


def _may_answer_any(user: Any) -> bool:
    return rules.is_koordinator(user) or bool(rules.led_unit_ids(user))


class InboxView(APIView):
    """Feedback you may answer: to the BTI-koordinator (koordinator) or to units you lead.
    An anonymous one has no author."""

    access_rule = "object-policy"

    @extend_schema(responses=FeedbackOut(many=True))
    def get(self, request: Request) -> Response:
        rules.require(_may_answer_any(request.user))
        return Response(FeedbackOut([feedback_row(f) for f in selectors.inbox(_actor(request))], many=True).data)


class ReplyView(APIView):
    """Answer a feedback (404 for one you may not answer)."""

    access_rule = "object-policy"

    @extend_schema(request=ReplyIn, responses={201: ReplyOut})
    def post(self, request: Request, feedback_id: Any) -> Response:
        rules.require(_may_answer_any(request.user))
        rules.require(any(str(f.pk) == str(feedback_id) for f in selectors.inbox(_actor(request))))
        data = _parsed(ReplyIn, request)
        reply = services.feedback_reply(actor=_actor(request), feedback_id=feedback_id, text=data["text"])
        return Response(
            ReplyOut({"text": reply.text, "by": reply.by.full_name, "at": reply.at}).data,
            status=status.HTTP_201_CREATED,
        )


class FeedbackView(APIView):
    """GET: your named feedback with its answers. POST: send feedback to the
    BTI-koordinator or your unit's leader; ``anonymous`` stores no author and gives you a
    code, shown only in this answer, to read the reply with."""

    access_rule = "authenticated"

    @extend_schema(responses=FeedbackOut(many=True))
    def get(self, request: Request) -> Response:
        return Response(FeedbackOut([feedback_row(f) for f in selectors.mine(_actor(request))], many=True).data)

    @extend_schema(request=FeedbackIn, responses={201: FeedbackSentOut})
    def post(self, request: Request) -> Response:
        data = _parsed(FeedbackIn, request)
        _feedback, code = services.feedback_send(actor=_actor(request), **data)
        detail = (
            _("Tilbakemeldingen er sendt uten navn. Ta vare på koden: den er eneste måte å lese svaret på.")
            if code
            else _("Tilbakemeldingen er sendt. Svaret kommer her.")
        )
        return Response(
            FeedbackSentOut({"anonymous": bool(code), "code": code, "detail": detail}).data,
            status=status.HTTP_201_CREATED,
        )


class FeedbackByCodeView(APIView):
    """An anonymous feedback and its answers, by the code its writer was given (in the
    body, never in the URL)."""

    access_rule = "authenticated"

    @extend_schema(request=CodeIn, responses=FeedbackOut)
    def post(self, request: Request) -> Response:
        data = _parsed(CodeIn, request)
        found = services.feedback_by_code(actor=_actor(request), code=data["kode"])
        if found is None:
            raise ApiValidationError(
                {"kode": [_("Fant ingen tilbakemelding med denne koden. Sjekk at du har skrevet den riktig.")]}
            )
        return Response(FeedbackOut(feedback_row(found)).data)
