"""Thin HTTP adapters of the BTI-undersøkelsen."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bti.access import authenticated, object_policy
from bti.http import current_user, is_htmx
from bti.security import require_recent_auth
from undersokelse import questions, report, rules, selectors, services
from undersokelse.forms import AnswerForm, RoundForm, apply_errors
from undersokelse.models import RoundStatus, RoundUnit, SurveyRound


def home_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Min side: open invitations, and a way in for those who run or read the survey."""
    user = current_user(request)
    invites = [i for i in selectors.invitations(user) if not i["answered"]]
    kommuner = rules.managed_kommuner(user)
    if not invites and not kommuner:
        return None
    return "undersokelse/_home_panel.html", {"invites": invites, "kommuner": kommuner}


@authenticated
def survey_home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "undersokelse/home.html",
        {
            "invitations": selectors.invitations(user),
            "kommuner": rules.managed_kommuner(user),
        },
    )


@object_policy
def kommune_rounds(request: HttpRequest, kommune_id: int) -> HttpResponse:
    kommune = rules.kommune_for(request.user, kommune_id, rules.RESULTS)
    return render(
        request,
        "undersokelse/kommune.html",
        {
            "kommune": kommune,
            "rounds": list(selectors.rounds_of(kommune.pk)),
            "may_manage": rules.MANAGE in rules.rights(request.user, kommune.pk),
        },
    )


def _round_form_page(request: HttpRequest, kommune_id: int, survey: SurveyRound | None) -> HttpResponse:
    kommune = rules.kommune_for(request.user, kommune_id, rules.MANAGE)
    initial: dict[str, Any] = {}
    if survey is not None:
        initial = {
            "title": survey.title,
            "opens_on": survey.opens_on,
            "closes_on": survey.closes_on,
            "units": list(RoundUnit.objects.filter(round=survey).values_list("unit_id", flat=True)),
        }
    form = RoundForm(request.POST or None, initial=initial, kommune_id=kommune.pk)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.round_save(
                actor=current_user(request),
                kommune_id=kommune.pk,
                title=form.cleaned_data["title"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
                unit_ids=form.unit_ids(),
                round_id=survey.pk if survey else None,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Runden er lagret som utkast. Åpne den når dere er klare."))
            return redirect("survey-round", round_id=saved.pk)
    return render(request, "undersokelse/round_form.html", {"form": form, "kommune": kommune, "survey": survey})


@object_policy
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest, kommune_id: int) -> HttpResponse:
    return _round_form_page(request, kommune_id, None)


@object_policy
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, round_id: int) -> HttpResponse:
    survey = rules.round_for(request.user, round_id, rules.MANAGE)
    if survey.status != RoundStatus.DRAFT:
        messages.error(request, _("Bare et utkast kan endres. Runden er allerede åpnet."))
        return redirect("survey-round", round_id=survey.pk)
    return _round_form_page(request, survey.kommune_id, survey)


@object_policy
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    survey = rules.round_for(request.user, round_id, rules.RESULTS)
    rows, invited, answered = selectors.participation(survey)
    return render(
        request,
        "undersokelse/round.html",
        {
            "survey": survey,
            "rows": rows,
            "invited": invited,
            "answered": answered,
            "may_manage": rules.MANAGE in rules.rights(request.user, survey.kommune_id),
            "today": timezone.localdate(),
        },
    )


_ACTIONS = {
    "open": (services.round_open, _("Runden er åpnet, og de inviterte har fått e-post.")),
    "close": (services.round_close, _("Runden er avsluttet. Resultatene kan nå leses.")),
}


@object_policy
@require_POST
def round_action(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    survey = rules.round_for(request.user, round_id, rules.MANAGE)
    try:
        if action == "remind":
            count = services.reminders_send(actor=current_user(request), round_id=survey.pk)
            messages.success(request, _("Påminnelse sendt til %(n)s som ikke har svart.") % {"n": count})
        elif action in _ACTIONS:
            func, text = _ACTIONS[action]
            func(actor=current_user(request), round_id=survey.pk)
            messages.success(request, text)
        else:
            raise Http404
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect("survey-round", round_id=survey.pk)


@authenticated
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, round_id: int) -> HttpResponse:
    """The answer form; 404 for anyone who is not invited (the same as a missing round)."""
    survey = SurveyRound.objects.filter(pk=round_id).select_related("kommune").first()
    units = services.answer_units(current_user(request), survey) if survey else []
    if survey is None or not units:
        raise Http404
    done = services.has_answered(current_user(request), survey)
    form = AnswerForm(request.POST or None, units=units)
    warned = False
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.answer_submit(
                actor=current_user(request),
                round_id=survey.pk,
                unit_id=form.cleaned_data.get("unit"),
                scores=form.scores(),
                texts=form.texts(),
                confirmed=bool(form.cleaned_data.get("confirmed")),
            )
        except services.TextWarning as exc:
            warned = True
            apply_errors(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Takk! Svaret ditt er lagret uten navn."))
            return redirect("survey-answer", round_id=survey.pk)
    return render(
        request,
        "undersokelse/answer.html",
        {
            "survey": survey,
            "form": form,
            "done": done,
            "open": survey.accepts_answers(),
            "warned": warned,
            "themes": form.themes(),
            "min_group": selectors.SMALL,
        },
    )


def _results_or_redirect(request: HttpRequest, round_id: int) -> tuple[SurveyRound, selectors.RoundResults | None]:
    survey = rules.round_for(request.user, round_id, rules.RESULTS)
    return survey, selectors.round_results(survey)


@object_policy
def results(request: HttpRequest, round_id: int) -> HttpResponse:
    survey, res = _results_or_redirect(request, round_id)
    context: dict[str, Any] = {"survey": survey, "results": res, "min_group": selectors.SMALL}
    if res is not None:
        key, problem = selectors.parse_filter(res, request.GET.get("tjeneste"), request.GET.get("enhet"))
        cell = res.cell(key)
        previous = selectors.previous_round(survey)
        prev = selectors.round_results(previous) if previous else None
        context.update(
            {
                "cell": cell,
                "problem": problem,
                "previous": previous,
                "themes": report.theme_rows(cell, prev.cell(key) if prev else None) if cell and not problem else [],
                "free_texts": report.labelled_texts(selectors.free_texts(survey, cell)) if not problem else [],
                "theme_list": questions.THEMES,
                "selected_service": key[1]
                if key[0] == "tjeneste"
                else (cell.parent[1] if cell and cell.parent and cell.parent != selectors.ROOT else None),
                "selected_unit": key[1] if key[0] == "enhet" else None,
                "unit_rows": [u for s in res.services for u in res.units.get(s.key, [])],
            }
        )
    template = "undersokelse/_results.html" if is_htmx(request) else "undersokelse/results.html"
    return render(request, template, context)


@object_policy
@require_recent_auth
def report_pdf(request: HttpRequest, round_id: int) -> HttpResponse:
    survey, res = _results_or_redirect(request, round_id)
    if res is None:
        messages.error(request, _("Rapporten kan lages når runden er avsluttet."))
        return redirect("survey-round", round_id=survey.pk)
    content = report.render_pdf(survey, res, user=current_user(request))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bti-undersokelsen-{survey.pk}.pdf"'
    return response


@object_policy
@require_recent_auth
def report_csv(request: HttpRequest, round_id: int) -> HttpResponse:
    survey, res = _results_or_redirect(request, round_id)
    if res is None:
        messages.error(request, _("Rapporten kan lages når runden er avsluttet."))
        return redirect("survey-round", round_id=survey.pk)
    response = HttpResponse("\ufeff" + report.csv_text(survey, res), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bti-undersokelsen-{survey.pk}.csv"'
    return response
