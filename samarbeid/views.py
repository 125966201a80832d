"""Thin HTML views for plans, meetings, transitions, printing and closing. Every case
comes from ``bti.policy.access_case``; every change goes through ``samarbeid.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bti import gate, policy, registries, submit_keys
from bti.access import authenticated, object_policy
from bti.categories import PLAN_TILTAK
from bti.http import current_user, is_htmx
from bti.languages import written
from bti.models import Service
from bti.security import require_recent_auth
from cases.models import Case
from samarbeid import printing, selectors, services
from samarbeid.forms import (
    CatalogueItemForm,
    CatalogueSearchForm,
    CloseForm,
    EvaluationForm,
    GoalForm,
    MeasureForm,
    MeasureStatusForm,
    MeetingCancelForm,
    MeetingChangeForm,
    MeetingForm,
    PrintForm,
    ReferatForm,
    TransitionAnswerForm,
    TransitionForm,
)
from samarbeid.models import MeetingStatus, PdfJobStatus, PdfKind


def _open(request: HttpRequest, case_id: int, obj_type: str, purpose: str = gate.SAKSBEHANDLING) -> gate.CaseView:
    """Every case sub-page opens the case through the read gate (it writes the innsynslogg row)."""
    return gate.open_case(current_user(request), case_id, purpose, obj_type=obj_type)


def _case_context(view: gate.CaseView) -> dict[str, Any]:
    """What every case sub-page shows about the user's rights (one set of role queries)."""
    return {
        "case": view.case,
        "view": view,
        "can_plan": view.can("plan"),
        "can_transfer": view.can("transfer"),
        "can_close": view.can("close"),
        "reads_plan": view.may_read(PLAN_TILTAK),
    }


def _refused(request: HttpRequest, case: Case, message: str, to: str = "case-plan") -> HttpResponse:
    messages.error(request, message)
    return redirect(to, case_id=case.pk)


# --- Plan -------------------------------------------------------------------------------


@object_policy
def plan(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _open(request, case_id, "plan")
    context = _case_context(view)
    context["goals"] = view.content("goals")
    context["status_choices"] = MeasureStatusForm.base_fields["status"].choices  # type: ignore[attr-defined]
    return render(request, "samarbeid/plan.html", context)


@object_policy
def goal_new(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _open(request, case_id, "plan")
    case = view.case
    context = _case_context(view)
    if not context["can_plan"]:
        return _refused(request, case, _("Du kan ikke endre planen i denne saken (planen lages fra nivå 1)."))
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = current_user(request)
        try:
            _goal, earlier = submit_keys.once(
                user, form, lambda: services.goal_create(actor=user, case_id=case.pk, **form.cleaned_data)
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            messages.success(
                request, _("Målet er lagt til i planen.") if earlier is None else submit_keys.ALREADY_SAVED
            )
            return redirect("case-plan", case_id=case.pk)
    context["form"] = form
    return render(request, "samarbeid/goal_form.html", context)


@object_policy
def measure_new(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _open(request, case_id, "plan")
    case = view.case
    context = _case_context(view)
    if not context["can_plan"]:
        return _refused(request, case, _("Du kan ikke endre planen i denne saken (planen lages fra nivå 1)."))
    goals = view.content("goals")
    if not goals:
        return _refused(request, case, _("Lag et mål først; tiltak hører til et mål."))
    initial: dict[str, Any] = {"start_date": timezone.localdate()}
    picked = selectors.catalogue_item(current_user(request), request.GET.get("katalog"))
    if picked is not None:
        initial["catalogue_item"] = picked.pk
        initial["description"] = f"{written(picked, 'name')}: {written(picked, 'description')}"
    form = MeasureForm(
        request.POST or None,
        initial=initial,
        goals=goals,
        units=selectors.kommune_units(case.kommune_id),
        people=selectors.kommune_people(case),
        catalogue=selectors.catalogue(current_user(request)),
    )
    if request.method == "POST" and form.is_valid():
        user = current_user(request)
        try:
            _measure, earlier = submit_keys.once(
                user, form, lambda: services.measure_create(actor=user, case_id=case.pk, **form.service_kwargs())
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            done = _("Tiltaket er lagt til i planen.") if earlier is None else submit_keys.ALREADY_SAVED
            messages.success(request, done)
            return redirect("case-plan", case_id=case.pk)
    context["form"] = form
    context["picked"] = picked
    return render(request, "samarbeid/measure_form.html", context)


@object_policy
def measure_status(request: HttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    case = policy.access_case(request.user, case_id)
    if request.method != "POST":
        return redirect("case-plan", case_id=case.pk)
    form = MeasureStatusForm(request.POST)
    if form.is_valid():
        try:
            services.measure_set_status(
                actor=current_user(request),
                case_id=case.pk,
                measure_id=measure_id,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data.get("version"),
            )
        except Http404:
            raise
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Statusen til tiltaket er endret."))
    else:
        messages.error(request, _("Velg en gyldig status."))
    return redirect("case-plan", case_id=case.pk)


@object_policy
def evaluate(request: HttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    view = _open(request, case_id, "plan")
    case = view.case
    measure = view.content("measure", measure_id)
    if measure is None:
        raise Http404
    context = _case_context(view)
    if not context["can_plan"]:
        return _refused(request, case, _("Du kan ikke evaluere tiltak i denne saken."))
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = current_user(request)
        try:
            _evaluation, earlier = submit_keys.once(
                user,
                form,
                lambda: services.evaluation_record(
                    actor=user, case_id=case.pk, measure_id=measure.pk, **form.cleaned_data
                ),
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            done = (
                _("Evalueringen er lagret og skrevet i stafettloggen.")
                if earlier is None
                else submit_keys.ALREADY_SAVED
            )
            messages.success(request, done)
            return redirect("case-plan", case_id=case.pk)
    context.update(form=form, measure=measure)
    return render(request, "samarbeid/evaluation_form.html", context)


# --- Tiltaksoversikt ------------------------------------------------------------------


@authenticated
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueSearchForm(request.GET or None)
    q = level = ""
    if form.is_valid():
        q, level = form.cleaned_data["q"], form.cleaned_data["level"]
    is_admin = policy.is_fagadministrator(current_user(request))
    items = list(selectors.catalogue(current_user(request), q=q, level=level, include_inactive=is_admin))
    # Reached from a plan («Finn et tiltak»): offer to use an item in that case's plan. The
    # case id only builds a link; the plan page checks access when it is followed.
    sak = request.GET.get("sak", "")
    context = {"form": form, "items": items, "is_admin": is_admin, "q": q, "sak": sak if sak.isdigit() else ""}
    if is_htmx(request):
        return render(request, "samarbeid/_catalogue_results.html", context)
    return render(request, "samarbeid/catalogue.html", context)


@authenticated
def catalogue_edit(request: HttpRequest, item_id: int | None = None) -> HttpResponse:
    user = current_user(request)
    if not policy.is_fagadministrator(user):
        messages.error(request, _("Bare fagadministratorer kan endre tiltaksoversikten."))
        return redirect("catalogue")
    item = None
    if item_id is not None:
        item = selectors.catalogue_item(user, item_id)
        if item is None:
            raise Http404
    initial = (
        {
            "name": item.name,
            "kind": item.kind,
            "description": item.description,
            "name_nn": item.name_nn,
            "description_nn": item.description_nn,
            "service": item.service_id,
            "target_group": item.target_group,
            "level": item.level,
            "contact": item.contact,
            "is_active": item.is_active,
        }
        if item
        else {"is_active": True}
    )
    form = CatalogueItemForm(
        request.POST or None, initial=initial, services=Service.objects.filter(kommune_id=user.kommune_id or 0)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.catalogue_item_save(
                actor=user,
                item_id=item.pk if item else None,
                name=data["name"],
                kind=data["kind"],
                description=data["description"],
                name_nn=data["name_nn"],
                description_nn=data["description_nn"],
                service_id=data["service"],
                target_group=data["target_group"],
                level=data["level"],
                contact=data["contact"],
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            messages.success(request, _("Tiltaksoversikten er oppdatert."))
            return redirect("catalogue")
    return render(request, "samarbeid/catalogue_form.html", {"form": form, "item": item})


# --- Samarbeidsmøter ------------------------------------------------------------------


@object_policy
def meetings(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _open(request, case_id, "meeting")
    case = view.case
    context = _case_context(view)
    form = MeetingForm(
        request.POST or None, initial={"participants": [request.user.pk]}, people=selectors.involved_people(case)
    )
    if request.method == "POST":
        if not context["can_plan"]:
            return _refused(request, case, _("Du kan ikke planlegge møter i denne saken."), "case-meetings")
        if form.is_valid():
            data = form.cleaned_data
            user = current_user(request)

            def schedule() -> str:
                meeting = services.meeting_schedule(
                    actor=user,
                    case_id=case.pk,
                    starts_at=data["starts_at"],
                    place=data["place"],
                    video_link=data["video_link"],
                    agenda=data["agenda"],
                    participant_ids=data["participants"],
                    family_participants=data["family_participants"],
                )
                target = reverse("case-meeting", kwargs={"case_id": case.pk, "meeting_id": meeting.pk})
                submit_keys.remember(user, form, target)
                return target

            try:
                target, earlier = submit_keys.once(user, form, schedule)
            except ValidationError as exc:
                form.apply(exc)
            else:
                if earlier is None:
                    messages.success(request, _("Møtet er planlagt. Deltakerne ser det i listen sin."))
                    return redirect(target)
                messages.info(request, submit_keys.ALREADY_SAVED)
                return redirect(earlier.url or reverse("case-meetings", kwargs={"case_id": case.pk}))
    context.update(form=form, meetings=view.content("meetings"))
    return render(request, "samarbeid/meetings.html", context)


@object_policy
def meeting_calendar(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    """The meeting as an .ics file for the reader's own calendar (through the read gate)."""
    from samarbeid.ics import meeting_ics

    view = _open(request, case_id, "meeting")
    item = view.content("meeting", meeting_id)
    if item is None:
        raise Http404
    link = request.build_absolute_uri(reverse("case-meeting", kwargs={"case_id": case_id, "meeting_id": item.pk}))
    response = HttpResponse(meeting_ics(item, link=link), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="samarbeidsmote-{item.pk}.ics"'
    return response


def _meeting_forms(item: Any, data: Any = None, which: str = "") -> tuple[MeetingChangeForm, MeetingCancelForm]:
    """The change and cancel forms of a planned meeting; only the submitted one is bound."""
    local = timezone.localtime(item.starts_at)
    change = MeetingChangeForm(
        data if which == "endre" else None,
        prefix="endre",
        initial={
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "place": item.place,
            "video_link": item.video_link,
            "version": item.version,
        },
    )
    cancel = MeetingCancelForm(data if which == "avlys" else None, prefix="avlys", initial={"version": item.version})
    return change, cancel


def _meeting_page(
    request: HttpRequest,
    view: gate.CaseView,
    item: Any,
    *,
    form: ReferatForm | None = None,
    change: MeetingChangeForm | None = None,
    cancel: MeetingCancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The meeting page with its three forms (referat, change, cancel); the one that was
    submitted comes in bound, with its errors."""
    case = view.case
    context = _case_context(view)
    if form is None:
        measures = [m for m in view.content("measures") if m.status != "avsluttet"]
        levels = sorted(case.allowed_levels() - {0})
        form = ReferatForm(initial={"version": item.version}, measures=measures, levels=levels)
    fresh_change, fresh_cancel = _meeting_forms(item)
    context.update(
        meeting=item,
        form=form,
        change_form=change or fresh_change,
        cancel_form=cancel or fresh_cancel,
        done=item.status == MeetingStatus.GJENNOMFORT,
        cancelled=item.status == MeetingStatus.AVLYST,
        started=item.starts_at <= timezone.now(),
    )
    return render(request, "samarbeid/meeting.html", context, status=status)


@object_policy
def meeting(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    view = _open(request, case_id, "meeting")
    case = view.case
    item = view.content("meeting", meeting_id)
    if item is None:
        raise Http404
    measures = [m for m in view.content("measures") if m.status != "avsluttet"]
    levels = sorted(case.allowed_levels() - {0})
    form = ReferatForm(request.POST or None, initial={"version": item.version}, measures=measures, levels=levels)
    if request.method == "POST":
        if not view.can("plan"):
            return _refused(request, case, _("Du kan ikke skrive referat i denne saken."), "case-meetings")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.meeting_write_referat(
                    actor=current_user(request),
                    case_id=case.pk,
                    meeting_id=item.pk,
                    referat=data["referat"],
                    decisions=data["decisions"],
                    tasks=data["tasks"],
                    end_measure_ids=data["end_measures"],
                    new_level=data["new_level"],
                    level_reason=data["level_reason"],
                    expected_version=data.get("version"),
                )
            except ValidationError as exc:
                form.apply(exc)
            else:
                messages.success(request, _("Referatet er lagret og skrevet i stafettloggen."))
                return redirect("case-meeting", case_id=case.pk, meeting_id=item.pk)
        return _meeting_page(request, view, item, form=form, status=400)
    # Opening the meeting is what its invitation, change or cancellation asks for.
    services.meeting_seen(actor=current_user(request), meeting_id=item.pk)
    return _meeting_page(request, view, item, form=form)


@object_policy
@require_POST
def meeting_change(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    """Move a planned meeting or change its place; the participants are told."""
    view = _open(request, case_id, "meeting")
    item = view.content("meeting", meeting_id)
    if item is None:
        raise Http404
    if not view.can("plan"):
        return _refused(request, view.case, _("Du kan ikke endre møter i denne saken."), "case-meetings")
    form, _cancel = _meeting_forms(item, request.POST, "endre")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_change(
                actor=current_user(request),
                case_id=view.case.pk,
                meeting_id=item.pk,
                starts_at=data["starts_at"],
                place=data["place"],
                video_link=data["video_link"],
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            messages.success(request, _("Møtet er endret. Deltakerne har fått beskjed og en ny kalenderfil."))
            return redirect("case-meeting", case_id=view.case.pk, meeting_id=item.pk)
    return _meeting_page(request, view, item, change=form, status=400)


@object_policy
@require_POST
def meeting_cancel(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    """Cancel a planned meeting; the participants are told and the .ics becomes a CANCEL."""
    view = _open(request, case_id, "meeting")
    item = view.content("meeting", meeting_id)
    if item is None:
        raise Http404
    if not view.can("plan"):
        return _refused(request, view.case, _("Du kan ikke avlyse møter i denne saken."), "case-meetings")
    _change, form = _meeting_forms(item, request.POST, "avlys")
    if form.is_valid():
        try:
            services.meeting_cancel(
                actor=current_user(request),
                case_id=view.case.pk,
                meeting_id=item.pk,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            messages.success(request, _("Møtet er avlyst. Deltakerne har fått beskjed."))
            return redirect("case-meeting", case_id=view.case.pk, meeting_id=item.pk)
    return _meeting_page(request, view, item, cancel=form, status=400)


@authenticated
def my_meetings(request: HttpRequest) -> HttpResponse:
    items = list(selectors.my_meetings(current_user(request)))
    return render(request, "samarbeid/my_meetings.html", {"meetings": items, "now": timezone.now()})


# --- Overganger -------------------------------------------------------------------------


@object_policy
def transition(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _open(request, case_id, "transition", gate.KOORDINERING)
    case = view.case
    context = _case_context(view)
    pending = selectors.pending_transition(case)
    form = TransitionForm(
        request.POST or None, units=selectors.kommune_units(case.kommune_id, exclude=case.owner_unit_id)
    )
    if request.method == "POST":
        if not context["can_transfer"]:
            return _refused(
                request, case, _("Bare stafettholderen eller lederen kan overføre saken."), "case-transition"
            )
        if form.is_valid():
            user = current_user(request)
            try:
                _transition, earlier = submit_keys.once(
                    user,
                    form,
                    lambda: services.transition_propose(
                        actor=user,
                        case_id=case.pk,
                        to_unit_id=form.cleaned_data["to_unit"],
                        kind=form.cleaned_data["kind"],
                        message=form.cleaned_data["message"],
                    ),
                )
            except ValidationError as exc:
                form.apply(exc)
            else:
                done = _("Overgangen er sendt. Den mottakende enheten må ta imot saken.")
                messages.success(request, done if earlier is None else submit_keys.ALREADY_SAVED)
                return redirect("case-transition", case_id=case.pk)
    receiver = bool(pending and policy.case_unit_ids(current_user(request)).filter(unit_id=pending.to_unit_id).exists())
    context.update(form=form, pending=pending, receiver=receiver, history=selectors.transitions(case))
    return render(request, "samarbeid/transition.html", context)


@object_policy
def transition_answer(request: HttpRequest, case_id: int, transition_id: int) -> HttpResponse:
    case = policy.access_case(request.user, case_id)
    pending = selectors.pending_transition(case)
    if pending is None or pending.pk != int(transition_id):
        raise Http404
    if not policy.case_unit_ids(current_user(request)).filter(unit_id=pending.to_unit_id).exists():
        return _refused(
            request, case, _("Bare ansatte i den mottakende enheten kan svare på overgangen."), "case-transition"
        )
    context = _case_context(_open(request, case.pk, "transition", gate.KOORDINERING))
    people = [m for m in selectors.kommune_people(case) if m.unit_id == pending.to_unit_id]
    form = TransitionAnswerForm(request.POST or None, initial={"stafettholder": request.user.pk}, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("svar") == "avslaa":
                services.transition_decline(
                    actor=current_user(request),
                    case_id=case.pk,
                    transition_id=pending.pk,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Dere har takket nei til overgangen."))
                return redirect("incoming-transitions")
            services.transition_accept(
                actor=current_user(request),
                case_id=case.pk,
                transition_id=pending.pk,
                stafettholder_id=form.cleaned_data["stafettholder"],
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            messages.success(request, _("Saken er tatt imot, og ny stafettholder er satt."))
            return redirect("case-plan", case_id=case.pk)
    context.update(form=form, pending=pending)
    return render(request, "samarbeid/transition_answer.html", context)


@object_policy
def transition_withdraw(request: HttpRequest, case_id: int, transition_id: int) -> HttpResponse:
    case = policy.access_case(request.user, case_id)
    if request.method != "POST":
        return redirect("case-transition", case_id=case.pk)
    try:
        services.transition_withdraw(actor=current_user(request), case_id=case.pk, transition_id=transition_id)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Overgangen er trukket tilbake."))
    return redirect("case-transition", case_id=case.pk)


@authenticated
def incoming_transitions(request: HttpRequest) -> HttpResponse:
    items = list(selectors.incoming_transitions(current_user(request)))
    return render(request, "samarbeid/incoming_transitions.html", {"transitions": items})


@authenticated
def my_old_entries(request: HttpRequest) -> HttpResponse:
    entries = list(selectors.my_entries_in_cases_i_no_longer_see(current_user(request))[:200])
    return render(request, "samarbeid/my_old_entries.html", {"entries": entries})


# --- Utskrift ---------------------------------------------------------------------------


@object_policy
@require_recent_auth
def print_case(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _open(request, case_id, "print", gate.UTSKRIFT)
    case = view.case
    context = _case_context(view)
    initial: dict[str, Any] = {"kind": PdfKind.LOGG}
    if request.GET.get("mote", "").isdigit():
        initial = {"kind": PdfKind.REFERAT, "meeting": int(request.GET["mote"])}
    form = PrintForm(request.POST or None, initial=initial, meetings=view.content("meetings"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spec = printing.spec_from_params(
                view=view,
                kind=data["kind"],
                params={"date_from": data["date_from"], "date_to": data["date_to"], "meeting": data["meeting"]},
            )
            if spec.in_background:
                job = services.pdf_job_create(
                    actor=current_user(request),
                    case_id=case.pk,
                    kind=spec.kind,
                    params=spec.params(),
                    entry_count=spec.entry_count,
                )
                return redirect("print-job", job_id=job.pk)
        except ValidationError as exc:
            form.apply(exc)
        else:
            content = printing.render(spec, user=current_user(request))
            return printing.deliver(request, case=case, kind=spec.kind, content=content, filename=spec.filename)
    context.update(form=form, sync_max=printing.SYNC_MAX_ENTRIES, max_entries=printing.MAX_ENTRIES)
    return render(request, "samarbeid/print.html", context)


@authenticated
def print_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress of a background PDF (polled by htmx), only for the person who asked."""
    job = selectors.my_job(current_user(request), job_id)
    if job is None:
        raise Http404
    expired = bool(job.expires_at and job.expires_at < timezone.now())
    context = {"job": job, "expired": expired, "done": job.status == PdfJobStatus.DONE and not expired}
    if is_htmx(request):
        return render(request, "samarbeid/_print_job.html", context)
    return render(request, "samarbeid/print_job.html", context)


@authenticated
@require_recent_auth
@require_POST
def print_job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    """«Prøv igjen» on a failed print: the same selection as a new job, checked again."""
    job = selectors.my_job(current_user(request), job_id)
    if job is None:
        raise Http404
    try:
        new = services.pdf_job_retry(actor=current_user(request), job_id=job.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("print-job", job_id=job.pk)
    messages.success(request, _("Utskriften er bestilt på nytt."))
    return redirect("print-job", job_id=new.pk)


@authenticated
@require_recent_auth
def print_job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    """The finished PDF: only for the person who asked, only until it expires, and only while
    they may still see the case."""
    job = selectors.my_job(current_user(request), job_id)
    if job is None or job.status != PdfJobStatus.DONE or not job.file_name:
        raise Http404
    if job.expires_at is None or job.expires_at < timezone.now():
        messages.error(request, _("Lenken er utløpt. Bestill utskriften på nytt."))
        return redirect(reverse("print-job", kwargs={"job_id": job.pk}))
    view = gate.open_case(current_user(request), job.case_id, gate.UTSKRIFT, log=False)
    case = view.case
    if not services.pdf_job_still_valid(job, view):
        messages.error(
            request,
            _("Samtykket eller tilgangen din er endret siden utskriften ble laget. Bestill en ny utskrift."),
        )
        return redirect("case-print", case_id=case.pk)
    with default_storage.open(job.file_name, "rb") as handle:
        content = handle.read()
    return printing.deliver(
        request, case=case, kind=job.kind, content=content, filename=f"{job.kind}-sak-{case.pk}-{job.pk}.pdf"
    )


# --- Avslutning -------------------------------------------------------------------------


@object_policy
def close(request: HttpRequest, case_id: int) -> HttpResponse:
    view = _open(request, case_id, "close", gate.KOORDINERING)
    case = view.case
    context = _case_context(view)
    form = CloseForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST":
        if not context["can_close"]:
            return _refused(request, case, _("Du kan ikke avslutte denne saken."), "case-close")
        if form.is_valid():
            try:
                services.case_close_with_summary(
                    actor=current_user(request),
                    case_id=case.pk,
                    reason=form.cleaned_data["reason"],
                    summary=form.cleaned_data["summary"],
                    family_informed=form.cleaned_data["family_informed"],
                    expected_version=form.cleaned_data.get("version"),
                )
            except ValidationError as exc:
                form.apply(exc)
            else:
                messages.success(request, _("Saken er avsluttet. Den kan nå bare leses, eller gjenåpnes."))
                return redirect("case-close", case_id=case.pk)
    context.update(
        form=form,
        closing=selectors.last_closing(case),
        kinds=PdfKind,
        archive=registries.archive_status(case=case),
    )
    return render(request, "samarbeid/close.html", context)
