"""Thin HTTP adapters of the implementation support."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bti.access import authenticated, object_policy
from bti.http import current_user
from implementering import rules, selectors, services
from implementering.forms import (
    CodeForm,
    FeedbackForm,
    ItemForm,
    MemberForm,
    ProjectForm,
    ReplyForm,
    RoutineForm,
    StatusForm,
    TrainingForm,
    apply_errors,
)
from implementering.models import GroupKind, TrainingKind


def home_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    user = current_user(request)
    if not getattr(user, "kommune_id", None):
        return None
    return "implementering/_home_panel.html", {
        "project": rules.may_read_project(user),
        "training": rules.is_koordinator(user) or bool(rules.led_unit_ids(user)),
    }


def _project_context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    user = current_user(request)
    project = services.project_for(user.kommune_id)  # type: ignore[arg-type]
    is_koordinator = rules.is_koordinator(user)
    return {
        "project": project,
        "phases": selectors.plan_by_phase(project),
        "groups": [
            (label, [m for m in project.members.all() if m.group == value]) for value, label in GroupKind.choices
        ],
        "is_koordinator": is_koordinator,
        "project_form": forms.get("project_form")
        or ProjectForm(
            initial={"name": project.name, "goal": project.goal, "project_leader": project.project_leader_id},
            kommune_id=project.kommune_id,
        ),
        "member_form": forms.get("member_form") or MemberForm(),
        "item_form": forms.get("item_form") or ItemForm(),
        "status_form": StatusForm(),
    }


@object_policy
def project(request: HttpRequest) -> HttpResponse:
    rules.require(rules.may_read_project(request.user))
    return render(request, "implementering/project.html", _project_context(request))


def _post(request: HttpRequest, form: Any, call: Callable[[Any], Any], form_key: str, ok: str) -> HttpResponse:
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, ok)
            return redirect("impl-project")
    return render(request, "implementering/project.html", _project_context(request, **{form_key: form}), status=400)


@object_policy
@require_POST
def project_save(request: HttpRequest) -> HttpResponse:
    rules.require(rules.is_koordinator(request.user))
    form = ProjectForm(request.POST, kommune_id=current_user(request).kommune_id)  # type: ignore[arg-type]
    return _post(
        request,
        form,
        lambda d: services.project_save(
            actor=current_user(request),
            name=d["name"],
            goal=d["goal"],
            project_leader_id=d["project_leader"],
        ),
        "project_form",
        _("Prosjektet er lagret."),
    )


@object_policy
@require_POST
def member_add(request: HttpRequest) -> HttpResponse:
    rules.require(rules.is_koordinator(request.user))
    return _post(
        request,
        MemberForm(request.POST),
        lambda d: services.member_add(actor=current_user(request), group=d["group"], name=d["name"], role=d["role"]),
        "member_form",
        _("Medlemmet er lagt til."),
    )


@object_policy
@require_POST
def item_add(request: HttpRequest) -> HttpResponse:
    rules.require(rules.is_koordinator(request.user))
    return _post(
        request,
        ItemForm(request.POST),
        lambda d: services.item_add(
            actor=current_user(request),
            phase=d["phase"],
            title=d["title"],
            responsible=d["responsible"],
            due_on=d["due_on"],
        ),
        "item_form",
        _("Aktiviteten er lagt til i planen."),
    )


@object_policy
@require_POST
def item_status(request: HttpRequest, item_id: int) -> HttpResponse:
    rules.require(rules.is_koordinator(request.user))
    try:
        services.item_set_status(actor=current_user(request), item_id=item_id, status=request.POST.get("status", ""))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Statusen er endret."))
    return redirect("impl-project")


@object_policy
@require_http_methods(["GET", "POST"])
def kartlegging(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rules.require(rules.may_read_project(user))
    project_obj = services.project_for(user.kommune_id)  # type: ignore[arg-type]
    form = RoutineForm(request.POST or None, kommune_id=user.kommune_id)  # type: ignore[arg-type]
    status = 200
    if request.method == "POST":
        rules.require(rules.is_koordinator(user))
        if form.is_valid():
            try:
                services.routine_save(
                    actor=user,
                    name=form.cleaned_data["name"],
                    service_id=form.cleaned_data["service"],
                    assessment=form.cleaned_data["assessment"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Rutinen er lagt til i kartleggingen."))
                return redirect("impl-kartlegging")
        status = 400
    return render(
        request,
        "implementering/kartlegging.html",
        {
            "routines": list(project_obj.routines.select_related("service")),
            "catalogue": selectors.catalogue_summary(user.kommune_id),  # type: ignore[arg-type]
            "form": form,
            "is_koordinator": rules.is_koordinator(user),
        },
        status=status,
    )


@object_policy
@require_http_methods(["GET", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    units = selectors.training_units(user)
    rules.require(bool(units))
    overview = selectors.training_overview(units)
    people = sorted({p["user"] for row in overview for p in row["staff"]}, key=lambda u: u.full_name)
    form = TrainingForm(request.POST or None, people=people)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.training_register(
                    actor=user,
                    user_ids=form.cleaned_data["users"],
                    kind=form.cleaned_data["kind"],
                    completed_on=form.cleaned_data["completed_on"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Opplæringen er registrert for %(n)s ansatte.") % {"n": count})
                return redirect("impl-training")
        status = 400
    return render(
        request,
        "implementering/training.html",
        {"overview": overview, "kinds": TrainingKind.choices, "form": form},
        status=status,
    )


@authenticated
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    """Staff send feedback (named or anonymous) and read the answers to their own."""
    user = current_user(request)
    form = FeedbackForm(request.POST or None)
    code_form = CodeForm(request.GET or None)
    found = None
    if code_form.is_bound and code_form.is_valid():
        found = services.feedback_by_code(actor=user, code=code_form.cleaned_data["kode"])
        if found is None:
            code_form.add_error(
                "kode", _("Fant ingen tilbakemelding med denne koden. Sjekk at du har skrevet den riktig.")
            )
    code = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _sent, code = services.feedback_send(
                    actor=user,
                    recipient=form.cleaned_data["recipient"],
                    text=form.cleaned_data["text"],
                    anonymous=form.cleaned_data["anonymous"],
                    unit_id=request.POST.get("unit"),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 400
            else:
                if not code:
                    messages.success(request, _("Tilbakemeldingen er sendt. Svaret kommer her."))
                    return redirect("feedback")
                form = FeedbackForm()
        else:
            status = 400
    return render(
        request,
        "implementering/feedback.html",
        {
            "form": form,
            "code_form": code_form,
            "code": code,
            "found": found,
            "mine": selectors.mine(user) if user.is_authenticated else [],
            "may_send": bool(getattr(user, "kommune_id", None)),
        },
        status=status,
    )


@object_policy
def feedback_inbox(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rules.require(rules.is_koordinator(user) or bool(rules.led_unit_ids(user)))
    return render(
        request,
        "implementering/inbox.html",
        {"items": selectors.inbox(user), "reply_form": ReplyForm()},
    )


@object_policy
@require_POST
def feedback_reply(request: HttpRequest, feedback_id: Any) -> HttpResponse:
    user = current_user(request)
    rules.require(rules.is_koordinator(user) or bool(rules.led_unit_ids(user)))
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_reply(actor=user, feedback_id=feedback_id, text=form.cleaned_data["text"])
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Svaret er sendt."))
    else:
        messages.error(request, _("Skriv et svar før du sender."))
    return redirect("impl-feedback-inbox")
