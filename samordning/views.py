"""Pages of the samordning app: who coordinates and the barnekoordinator (the case page
loads the panel, ``bti.registries.register_case_panel``), and the summary for
individuell plan as a page, JSON and PDF. Thin: cases only through ``bti.policy``."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bti import gate, innsyn, policy
from bti.access import object_policy
from bti.http import current_user, is_htmx
from bti.models import Service, Unit, User
from bti.security.stepup import require_recent_auth
from cases.models import Case
from samordning import selectors, services
from samordning.forms import BarnekoordinatorForm, CoordinationForm, EndForm


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _page_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    user = _user(request)
    return {
        "case": case,
        "panel": selectors.panel(user, case),
        "may_coordinate": services.may_coordinate(user, case),
        "may_prepare": policy.can(user, "innsyn_export", case),
    }


@object_policy
def samordning_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """The panel (htmx, on the case page) or the whole page."""
    case = policy.access_case(request.user, case_id)
    gate.log_read(user=request.user, obj_type="samordning", obj_id=case.pk, case=case, purpose=gate.KOORDINERING)
    context = _page_context(request, case)
    if is_htmx(request):
        return render(request, "samordning/_panel.html", context)
    return render(request, "samordning/page.html", context)


def _coordination_form(case: Case, data: Any = None) -> CoordinationForm:
    services_ = [(str(s.pk), s.name) for s in Service.objects.filter(kommune_id=case.kommune_id).order_by("name")]
    units = [
        (str(u.pk), f"{u.name} ({u.service.name})")
        for u in Unit.objects.filter(kommune_id=case.kommune_id, is_active=True)
        .select_related("service")
        .order_by("name")
    ]
    return CoordinationForm(data, services=services_, units=units)


def _apply(form: Any, exc: ValidationError) -> None:
    form.apply_errors(exc)


@object_policy
@require_http_methods(["GET", "POST"])
def coordination_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = policy.access_case(request.user, case_id, services.COORDINATE)
    form = _coordination_form(case, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.coordination_record(
                    actor=_user(request),
                    case_id=case.pk,
                    service_id=data["service"],
                    unit_id=data["unit"] or None,
                    child_view=data["child_view"],
                    parents_view=data["parents_view"],
                    decided_by=data["decided_by"],
                    decided_on=data["decided_on"],
                    services_agree=not data["disagree"],
                    disagreement=data["disagreement"],
                    kommune_decision=data["kommune_decision"],
                    kommune_decided_by=data["kommune_decided_by"],
                )
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Det er registrert hvem som koordinerer saken."))
                return redirect("samordning", case_id=case.pk)
    return render(request, "samordning/coordination_form.html", {"case": case, "form": form}, status=status)


def _barnekoordinator_form(user: Any, case: Case, data: Any = None) -> BarnekoordinatorForm:
    from consent.selectors import guardian_choices

    people = [(f"{u.pk}:{n.pk}", f"{u.full_name} – {n.name}") for u, n in services.barnekoordinator_candidates(case)]
    return BarnekoordinatorForm(data, people=people, guardians=guardian_choices(user, case))


@object_policy
@require_http_methods(["GET", "POST"])
def barnekoordinator_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = policy.access_case(request.user, case_id, services.COORDINATE)
    form = _barnekoordinator_form(current_user(request), case, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            user_id, unit_id = form.user_and_unit()
            try:
                row = services.barnekoordinator_appoint(
                    actor=_user(request),
                    case_id=case.pk,
                    user_id=user_id,
                    unit_id=unit_id,
                    guardian_ids=[int(g) for g in data["guardians"]],
                    by_young_person=data["by_young_person"],
                    consent_form=data["consent_form"],
                    consent_note=data["consent_note"],
                    consented_on=data["consented_on"],
                    started_on=data["started_on"],
                )
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("%(name)s er barnekoordinator.") % {"name": row.user.full_name})
                return redirect("samordning", case_id=case.pk)
    return render(request, "samordning/barnekoordinator_form.html", {"case": case, "form": form}, status=status)


@object_policy
@require_http_methods(["GET", "POST"])
def barnekoordinator_end(request: HttpRequest, case_id: int) -> HttpResponse:
    case = policy.access_case(request.user, case_id, services.COORDINATE)
    current = selectors.panel(_user(request), case).barnekoordinator
    if current is None:
        raise Http404
    form = EndForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.barnekoordinator_end(actor=_user(request), case_id=case.pk, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Rollen som barnekoordinator er avsluttet."))
                return redirect("samordning", case_id=case.pk)
    context = {"case": case, "form": form, "current": current}
    return render(request, "samordning/barnekoordinator_end.html", context, status=status)


# --- Individuell plan --------------------------------------------------------------------


def _ip_case(request: HttpRequest, case_id: int) -> Case:
    # The case's own people (stafettholder, owning unit): the summary is the whole case.
    return policy.access_case(request.user, case_id, "innsyn_export")


@object_policy
def ip_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _ip_case(request, case_id)
    gate.log_read(user=request.user, obj_type="individuell_plan", obj_id=case.pk, case=case, purpose=gate.KOORDINERING)
    summary = selectors.ip_summary(_user(request), case)
    return render(request, "samordning/ip.html", _ip_context(case, summary))


def _ip_context(case: Case, summary: dict[str, Any]) -> dict[str, Any]:
    stamp = gate.download_stamp(services.summary_digest(summary))
    return {"case": case, "summary": summary, "stamp": stamp, "stamp_param": gate.STAMP_PARAM}


def _ip_changed(request: HttpRequest, case: Case, summary: dict[str, Any]) -> HttpResponse | None:
    """A download from a page that showed another summary (a consent, a goal changed since):
    say so and show the fresh one with fresh links (issue 13 item 5)."""
    if not gate.stale_download(request.GET, gate.download_stamp(services.summary_digest(summary))):
        return None
    messages.warning(request, gate.STALE_DOWNLOAD)
    return render(request, "samordning/ip.html", _ip_context(case, summary), status=409)


@object_policy
@require_recent_auth
def ip_json(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _ip_case(request, case_id)
    gate.log_read(
        user=request.user,
        obj_type="individuell_plan",
        obj_id=case.pk,
        case=case,
        how=innsyn.EXPORT,
        purpose=gate.KOORDINERING,
    )
    summary = selectors.ip_summary(_user(request), case)
    if (changed := _ip_changed(request, case, summary)) is not None:
        return changed
    body = {**summary, "generated_at": timezone.now().isoformat(), "sha256": services.summary_digest(summary)}
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="individuell-plan-sak-{case.pk}.json"'
    return response


@object_policy
@require_recent_auth
def ip_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    from weasyprint import CSS, HTML

    from consent.views import PDF_CSS

    case = _ip_case(request, case_id)
    gate.log_read(
        user=request.user,
        obj_type="individuell_plan",
        obj_id=case.pk,
        case=case,
        how=innsyn.PDF,
        purpose=gate.KOORDINERING,
    )
    summary = selectors.ip_summary(_user(request), case)
    if (changed := _ip_changed(request, case, summary)) is not None:
        return changed
    html = render_to_string("samordning/ip_pdf.html", {"case": case, "summary": summary, "now": timezone.now()})
    response = HttpResponse(
        HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_CSS)], pdf_tags=True), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="individuell-plan-sak-{case.pk}.pdf"'
    return response


@object_policy
@require_POST
def ip_mark(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _ip_case(request, case_id)
    try:
        services.ip_prepared(actor=_user(request), case_id=case.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Det står i stafettloggen at saken er forberedt for individuell plan."))
    return redirect("individuell-plan", case_id=case.pk)
