"""/api/v1/ for the BTI-undersøkelsen: thin adapters over ``undersokelse.services``,
``selectors``, ``rules`` and ``report``, so the API sees, hides and refuses exactly what the
pages do (docs/adr/0016).

* Rounds of a kommune are 404 for anyone ``rules`` does not let see them (a KoRus for a
  kommune it does not follow, staff, another kommune) — the same answer as a missing id.
* An answer goes through ``services.answer_submit``: nothing about the writer is stored
  with it; a second answer is 409, a text that may name someone is 400 until ``confirmed``.
* Results come from ``selectors.round_results`` (one protection of the whole tree), so a
  suppressed group's numbers are never in the JSON, and free text only for groups of five
  or more. The CSV report needs a recent second factor, like every export.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bti.models import User
from bti.security.stepup import STEP_UP_PERMISSIONS
from undersokelse import questions, report, rules, selectors, services
from undersokelse.models import SurveyRound
from undersokelse.serializers import (
    AnswerFormOut,
    AnswerIn,
    InvitationOut,
    KommuneOut,
    ReceiptOut,
    RemindOut,
    ResultsOut,
    RoundDetailOut,
    RoundIn,
    RoundOut,
    round_row,
)

REFUSAL = OpenApiResponse(response=OpenApiTypes.OBJECT, description="Avvist, med grunn i «detail».")


def _actor(request: Request) -> User:
    return cast(User, request.user)


def _parsed(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _detail(request: Request, survey: SurveyRound, *, status_code: int = 200) -> Response:
    rows, invited, answered = selectors.participation(survey)
    data = {
        **round_row(survey),
        "may_manage": rules.MANAGE in rules.rights(request.user, survey.kommune_id),
        "invited": invited,
        "answered": answered,
        "units": [
            {
                "id": r.unit.pk,
                "name": r.unit.name,
                "service": r.unit.service.name,
                "invited": r.invited,
                "answered": r.answered,
            }
            for r in rows
        ],
    }
    return Response(RoundDetailOut(data).data, status=status_code)


class KommunerView(APIView):
    """The kommuner whose survey rounds you run or read (KoRus: those it follows)."""

    access_rule = "authenticated"

    @extend_schema(responses=KommuneOut(many=True))
    def get(self, request: Request) -> Response:
        rows = [
            {"id": k.pk, "name": k.name, "may_manage": rules.MANAGE in rules.rights(request.user, k.pk)}
            for k in rules.managed_kommuner(request.user)
        ]
        return Response(KommuneOut(rows, many=True).data)


class InvitationsView(APIView):
    """Open rounds you are invited to answer, and whether you have answered."""

    access_rule = "authenticated"

    @extend_schema(responses=InvitationOut(many=True))
    def get(self, request: Request) -> Response:
        rows = [
            {"round": round_row(i["round"]), "answered": i["answered"]} for i in selectors.invitations(_actor(request))
        ]
        return Response(InvitationOut(rows, many=True).data)


class RoundsView(APIView):
    """GET: the kommune's rounds. POST: a new round as a draft (KoRus, BTI-koordinator)."""

    access_rule = "object-policy"

    @extend_schema(responses=RoundOut(many=True))
    def get(self, request: Request, kommune_id: int) -> Response:
        kommune = rules.kommune_for(request.user, kommune_id, rules.RESULTS)
        rounds = list(selectors.rounds_of(kommune.pk)[:200])
        return Response(RoundOut([round_row(r) for r in rounds], many=True).data)

    @extend_schema(request=RoundIn, responses={201: RoundDetailOut})
    def post(self, request: Request, kommune_id: int) -> Response:
        kommune = rules.kommune_for(request.user, kommune_id, rules.MANAGE)
        data = _parsed(RoundIn, request)
        survey = services.round_save(
            actor=_actor(request),
            kommune_id=kommune.pk,
            title=data["title"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            unit_ids=services.invited_unit_ids(
                kommune_id=kommune.pk, unit_ids=data["unit_ids"], service_ids=data["service_ids"]
            ),
        )
        return _detail(request, survey, status_code=status.HTTP_201_CREATED)


class RoundView(APIView):
    """GET: the round with participation per invited unit (counts, never who). PUT: change
    a draft (name, period, invited units)."""

    access_rule = "object-policy"

    @extend_schema(responses=RoundDetailOut)
    def get(self, request: Request, round_id: int) -> Response:
        return _detail(request, rules.round_for(request.user, round_id, rules.RESULTS))

    @extend_schema(request=RoundIn, responses=RoundDetailOut)
    def put(self, request: Request, round_id: int) -> Response:
        survey = rules.round_for(request.user, round_id, rules.MANAGE)
        data = _parsed(RoundIn, request)
        services.round_save(
            actor=_actor(request),
            kommune_id=survey.kommune_id,
            title=data["title"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            unit_ids=services.invited_unit_ids(
                kommune_id=survey.kommune_id, unit_ids=data["unit_ids"], service_ids=data["service_ids"]
            ),
            round_id=survey.pk,
        )
        return _detail(request, rules.round_for(request.user, survey.pk, rules.RESULTS))


class _RoundStep(APIView):
    """A POST that moves a round on (``step`` is the service function)."""

    access_rule = "object-policy"
    step: Any = None

    @extend_schema(request=None, responses=RoundDetailOut)
    def post(self, request: Request, round_id: int) -> Response:
        survey = rules.round_for(request.user, round_id, rules.MANAGE)
        return _detail(request, type(self).step(actor=_actor(request), round_id=survey.pk))


class RoundOpenView(_RoundStep):
    """Open a draft: everyone working in an invited unit is invited by e-mail."""

    step = staticmethod(services.round_open)


class RoundCloseView(_RoundStep):
    """Close an open round: small groups are coarsened, answers shuffled, results readable."""

    step = staticmethod(services.round_close)


class RoundRemindView(APIView):
    """E-mail everyone invited who has not answered (at most once a day). Nobody learns who."""

    access_rule = "object-policy"

    @extend_schema(request=None, responses=RemindOut)
    def post(self, request: Request, round_id: int) -> Response:
        survey = rules.round_for(request.user, round_id, rules.MANAGE)
        count = services.reminders_send(actor=_actor(request), round_id=survey.pk)
        return Response(RemindOut({"reminded": count}).data)


def _answer_round(request: Request, round_id: int) -> tuple[SurveyRound, list[Any]]:
    """The round and the invited units the user works in; 404 for anyone not invited
    (the same answer as a missing round, as on the page)."""
    survey = SurveyRound.objects.filter(pk=round_id).select_related("kommune", "korus").first()
    units = services.answer_units(_actor(request), survey) if survey else []
    if survey is None or not units:
        raise Http404
    return survey, units


def _question(q: questions.Question) -> dict[str, Any]:
    row: dict[str, Any] = {"key": q.key, "text": str(q.text), "kind": q.kind}
    if q.kind != questions.TEXT:
        row["choices"] = [
            {"value": value, "label": str(label)} for value, label in [*questions.SCALES[q.kind], questions.DONT_KNOW]
        ]
    return row


class AnswerView(APIView):
    """GET: the questions, your units and whether you have answered. POST: your anonymous
    answer, once. No user id is stored with it; only a separate mark that you answered."""

    access_rule = "authenticated"

    @extend_schema(responses=AnswerFormOut)
    def get(self, request: Request, round_id: int) -> Response:
        survey, units = _answer_round(request, round_id)
        data = {
            "round": round_row(survey),
            "has_answered": services.has_answered(_actor(request), survey),
            "units": [{"id": u.pk, "name": u.name} for u in units],
            "themes": [
                {
                    "key": t.key,
                    "title": str(t.title),
                    "intro": str(t.intro),
                    "questions": [_question(q) for q in t.questions],
                }
                for t in questions.THEMES
            ],
        }
        return Response(AnswerFormOut(data).data)

    @extend_schema(
        request=AnswerIn,
        responses={
            201: ReceiptOut,
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="Feltfeil, eller «code: confirm» når en fritekst kan inneholde navn eller "
                "fødselsnummer (send igjen med confirmed: true).",
            ),
            409: REFUSAL,
        },
    )
    def post(self, request: Request, round_id: int) -> Response:
        survey, _units = _answer_round(request, round_id)
        data = _parsed(AnswerIn, request)
        try:
            receipt = services.answer_submit(
                actor=_actor(request),
                round_id=survey.pk,
                unit_id=data["unit_id"],
                scores=data["scores"],
                texts=data["texts"],
                confirmed=data["confirmed"],
            )
        except services.AlreadyAnswered as exc:
            return Response({"detail": exc.messages[0], "code": "conflict"}, status=status.HTTP_409_CONFLICT)
        except services.TextWarning as exc:
            return Response(
                {
                    "detail": _("Se over friteksten. Send på nytt med «confirmed» for å sende slik den står."),
                    "code": "confirm",
                    "texts": exc.message_dict,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        body = {**receipt.__dict__, "detail": _("Takk! Svaret ditt er lagret uten navn.")}
        return Response(ReceiptOut(body).data, status=status.HTTP_201_CREATED)


def _score(score: selectors.Score | None) -> dict[str, Any] | None:
    if score is None:
        return None
    if score.hidden:
        return {"n": None, "mean": None, "share": None, "hidden": True}
    return {"n": score.n, "mean": score.mean, "share": score.share, "hidden": False}


def _group(cell: selectors.CellResult) -> dict[str, Any]:
    return {
        "kind": cell.kind,
        "id": cell.key[1] if len(cell.key) > 1 else None,
        "label": cell.label,
        "parent_id": cell.parent[1] if cell.parent and len(cell.parent) > 1 else None,
        "n": None if cell.hidden else cell.n,
        "hidden": cell.hidden,
    }


def _themes(cell: selectors.CellResult, prev: selectors.CellResult | None) -> list[dict[str, Any]]:
    return [
        {
            "key": row["theme"].key,
            "title": str(row["theme"].title),
            "score": _score(row["score"]),
            "before": _score(row["before"]),
            "change": row["change"],
            "questions": [
                {
                    "key": q["question"].key,
                    "text": str(q["question"].text),
                    "negative": q["negative"],
                    "score": _score(q["score"]),
                    "before": _score(q["before"]),
                }
                for q in row["questions"]
            ],
        }
        for row in report.theme_rows(cell, prev)
    ]


class ResultsView(APIView):
    """Results of a closed round per theme and question, for the kommune (no filter), a
    service (``?tjeneste=``) or a unit (``?enhet=``), compared with the previous round.
    A group under five, and any group hidden so that it cannot be worked out by
    subtraction, has no numbers here, and no free text."""

    access_rule = "object-policy"

    @extend_schema(
        parameters=[
            OpenApiParameter("tjeneste", int, description="Tjenestens id (fra «groups»)"),
            OpenApiParameter("enhet", int, description="Enhetens id (fra «groups»)"),
        ],
        responses=ResultsOut,
    )
    def get(self, request: Request, round_id: int) -> Response:
        survey = rules.round_for(request.user, round_id, rules.RESULTS)
        res = selectors.round_results(survey)
        body: dict[str, Any] = {
            "round": round_row(survey),
            "available": res is not None,
            "message": None,
            "min_group": selectors.SMALL,
            "group": None,
            "previous": None,
            "themes": [],
            "groups": [],
            "free_texts": [],
        }
        if res is None:
            body["message"] = _("Resultatene vises når runden er avsluttet.")
            return Response(ResultsOut(body).data)
        service, unit = request.query_params.get("tjeneste"), request.query_params.get("enhet")
        key, problem = selectors.parse_filter(res, service, unit)
        cell = res.cell(key)
        if cell is None or (problem and not cell.hidden):
            raise ApiValidationError({"enhet" if unit not in (None, "") else "tjeneste": [problem]})
        previous = selectors.previous_round(survey)
        prev = selectors.round_results(previous) if previous else None
        body.update(
            {
                "message": problem,
                "group": _group(cell),
                "previous": round_row(previous) if previous else None,
                "groups": [_group(c) for c in [res.cells[selectors.ROOT], *res.services]]
                + [_group(u) for s in res.services for u in res.units.get(s.key, [])],
            }
        )
        if not problem:
            body["themes"] = _themes(cell, prev.cell(key) if prev else None)
            texts = selectors.free_texts(survey, cell)
            body["free_texts"] = [
                {"key": q, "question": str(questions.QUESTIONS[q].text), "texts": texts[q]}
                for q in questions.TEXT_KEYS
                if q in texts
            ]
        return Response(ResultsOut(body).data)


class ReportCsvView(APIView):
    """The feedback meeting's CSV report (the same file as the page's): hidden groups say
    «<5» and carry no mean. An export: it needs a recent second factor."""

    access_rule = "object-policy"
    permission_classes = STEP_UP_PERMISSIONS

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR, 409: REFUSAL})
    def get(self, request: Request, round_id: int) -> Any:
        survey = rules.round_for(request.user, round_id, rules.RESULTS)
        res = selectors.round_results(survey)
        if res is None:
            return Response(
                {"detail": _("Rapporten kan lages når runden er avsluttet."), "code": "conflict"},
                status=status.HTTP_409_CONFLICT,
            )
        response = HttpResponse("\ufeff" + report.csv_text(survey, res), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="bti-undersokelsen-{survey.pk}.csv"'
        return response
