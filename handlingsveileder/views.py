"""Thin HTTP adapters for handlingsveiledere: read views and PDF for all staff, the editor
for fagadministratorer, export/import, and the case step panel (/saker/<id>/trinn/)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bti import gate, policy
from bti.access import authenticated, object_policy, system_admin
from bti.http import current_user, is_htmx
from handlingsveileder import rules, selectors, services
from handlingsveileder.forms import (
    ImportForm,
    LevelLabelsForm,
    PublishForm,
    SkipForm,
    StepForm,
    ToolForm,
    apply_errors,
)
from handlingsveileder.models import GuideVersion, Step


def _editable_version(request: HttpRequest, version_id: Any) -> GuideVersion:
    version = selectors.version_for_read(request.user, version_id)
    if not rules.may_edit(request.user, version.guide):
        raise PermissionDenied
    return version


def _editable_step(request: HttpRequest, step_id: Any) -> Step:
    step = selectors.step_by_id(step_id)
    _editable_version(request, step.version_id)
    return step


def _error_message(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


# --- Read views -------------------------------------------------------------------------


@authenticated
def guide_list(request: HttpRequest) -> HttpResponse:
    guides = list(selectors.guides_for(request.user))
    rows = [
        {
            "guide": g,
            "published": g.published_versions[0] if g.published_versions else None,  # type: ignore[attr-defined]
            "draft": g.draft_versions[0] if g.draft_versions else None,  # type: ignore[attr-defined]
            "may_edit": rules.may_edit(request.user, g),
        }
        for g in guides
    ]
    return render(request, "handlingsveileder/list.html", {"rows": rows, "is_staff": request.user.is_staff})


def _guide_context(request: HttpRequest, guide_id: Any) -> dict[str, Any]:
    guide = selectors.guide_for_read(request.user, guide_id)
    version = services.effective_version(guide)
    levels = selectors.version_levels(version) if version else []
    versions = selectors.versions_of(guide)
    return {
        "guide": guide,
        "version": version,
        "uses_default": version is not None and version.guide_id != guide.pk,
        "levels": levels,
        "diagram": selectors.diagram(levels) if levels else None,
        "versions": versions,
        "draft": next((v for v in versions if v.is_draft), None),
        "may_edit": rules.may_edit(request.user, guide),
    }


@object_policy
def guide_detail(request: HttpRequest, guide_id: int) -> HttpResponse:
    return render(request, "handlingsveileder/guide.html", _guide_context(request, guide_id))


@object_policy
def guide_pdf(request: HttpRequest, guide_id: int) -> HttpResponse:
    from django.template.loader import render_to_string
    from weasyprint import CSS, HTML

    context = _guide_context(request, guide_id)
    html = render_to_string("handlingsveileder/pdf.html", context, request=request)
    stylesheet = finders.find("css/handlingsveileder-print.css")
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        stylesheets=[CSS(filename=str(stylesheet))] if stylesheet else None, pdf_tags=True
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(context["guide"].name) or "handlingsveileder"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@object_policy
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    """Any version; a draft (for its editors) is the editor's preview."""
    version = selectors.version_for_read(request.user, version_id)
    levels = selectors.version_levels(version)
    return render(
        request,
        "handlingsveileder/version.html",
        {
            "version": version,
            "guide": version.guide,
            "levels": levels,
            "diagram": selectors.diagram(levels),
            "may_edit": rules.may_edit(request.user, version.guide),
        },
    )


@object_policy
def version_export(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors.version_for_read(request.user, version_id)
    body = json.dumps(services.version_export(version), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = slugify(version.guide.name) or "handlingsveileder"
    response["Content-Disposition"] = f'attachment; filename="{name}-v{version.number}.json"'
    return response


@object_policy
def tool_file(request: HttpRequest, tool_id: int) -> FileResponse:
    """Uploaded tools are served only here, to people who may read the version."""
    tool = selectors.tool_by_id(tool_id, with_file=True)
    selectors.version_for_read(request.user, tool.step.version_id)
    try:
        handle = tool.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=tool.file_name or "verktoy")
    response["Content-Type"] = tool.content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The editor -------------------------------------------------------------------------


@object_policy
@require_POST
def draft_create(request: HttpRequest, guide_id: int) -> HttpResponse:
    guide = selectors.guide_for_read(request.user, guide_id)
    draft = services.draft_create(actor=current_user(request), guide_id=guide.pk)
    messages.success(request, _("Utkast til versjon %(number)s er klart.") % {"number": draft.number})
    return redirect("hv-edit", version_id=draft.pk)


@object_policy
def version_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _editable_version(request, version_id)
    if not version.is_draft:
        messages.error(request, _("Denne versjonen er publisert og kan ikke endres. Lag et nytt utkast."))
        return redirect("hv-version", version_id=version.pk)
    levels = selectors.version_levels(version)
    return render(
        request,
        "handlingsveileder/edit.html",
        {
            "version": version,
            "guide": version.guide,
            "levels": levels,
            "problems": services.publish_problems(version),
        },
    )


def _step_initial(step: Step | None) -> dict[str, Any]:
    """The step form's values for an existing trinn, exactly as stored."""
    if step is None:
        return {}
    return {
        "title": step.title,
        "summary": step.summary,
        "what": step.what,
        "how": step.how,
        "who": step.who,
        "checklist": "\n".join(step.checklist),
        "title_nn": step.title_nn,
        "summary_nn": step.summary_nn,
        "what_nn": step.what_nn,
        "how_nn": step.how_nn,
        "who_nn": step.who_nn,
        "checklist_nn": "\n".join(step.checklist_nn),
        "deadline_days": "" if step.deadline_days is None else step.deadline_days,
        "deadline_from": step.deadline_from,
        "completed_by_actions": list(step.completed_by_actions),
    }


def _step_form_page(request: HttpRequest, version: GuideVersion, step: Step | None, level: int) -> HttpResponse:
    form = StepForm(request.POST or None, initial=_step_initial(step))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.step_save(
                actor=current_user(request),
                version_id=version.pk,
                step_id=step.pk if step else None,
                level=level,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Trinnet «%(title)s» er lagret.") % {"title": saved.title})
            return redirect(reverse("hv-edit", kwargs={"version_id": version.pk}) + f"#trinn-{saved.pk}")
    labels = services.level_labels(version.kommune_id)
    return render(
        request,
        "handlingsveileder/step_form.html",
        {
            "version": version,
            "guide": version.guide,
            "step": step,
            "level": level,
            "level_label": labels[level],
            "form": form,
            "tool_form": ToolForm(),
            "tools": list(step.tools.all()) if step else [],
        },
        status=400 if form.errors else 200,
    )


@object_policy
def step_new(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _editable_version(request, version_id)
    try:
        level = int(request.GET.get("niva", "0"))
    except ValueError:
        level = 0
    if level not in (0, 1, 2, 3):
        level = 0
    if not version.is_draft:
        return redirect("hv-edit", version_id=version.pk)
    return _step_form_page(request, version, None, level)


@object_policy
def step_edit(request: HttpRequest, step_id: int) -> HttpResponse:
    step = _editable_step(request, step_id)
    if not step.version.is_draft:
        messages.error(request, _("Denne versjonen er publisert og kan ikke endres. Lag et nytt utkast."))
        return redirect("hv-version", version_id=step.version_id)
    return _step_form_page(request, step.version, step, step.level)


@object_policy
@require_POST
def step_move(request: HttpRequest, step_id: int) -> HttpResponse:
    step = _editable_step(request, step_id)
    try:
        services.step_move(actor=current_user(request), step_id=step.pk, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        _error_message(request, exc)
    return redirect(reverse("hv-edit", kwargs={"version_id": step.version_id}) + f"#trinn-{step.pk}")


@object_policy
@require_POST
def step_remove(request: HttpRequest, step_id: int) -> HttpResponse:
    step = _editable_step(request, step_id)
    try:
        services.step_remove(actor=current_user(request), step_id=step.pk)
        messages.success(request, _("Trinnet «%(title)s» er fjernet fra utkastet.") % {"title": step.title})
    except ValidationError as exc:
        _error_message(request, exc)
    return redirect("hv-edit", version_id=step.version_id)


@object_policy
@require_POST
def tool_add(request: HttpRequest, step_id: int) -> HttpResponse:
    step = _editable_step(request, step_id)
    form = ToolForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.tool_add(
                actor=current_user(request),
                step_id=step.pk,
                title=form.cleaned_data["tool_title"],
                title_nn=form.cleaned_data["tool_title_nn"],
                url=form.cleaned_data["url"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Verktøyet er lagt til."))
            return redirect(reverse("hv-step-edit", kwargs={"step_id": step.pk}) + "#verktoy")
    labels = services.level_labels(step.kommune_id)
    return render(
        request,
        "handlingsveileder/step_form.html",
        {
            "version": step.version,
            "guide": step.version.guide,
            "step": step,
            "level": step.level,
            "level_label": labels[step.level],
            "form": StepForm(initial=_step_initial(step)),
            "tool_form": form,
            "tools": list(step.tools.all()),
        },
        status=400,
    )


@object_policy
@require_POST
def tool_remove(request: HttpRequest, tool_id: int) -> HttpResponse:
    tool = selectors.tool_by_id(tool_id)
    step = _editable_step(request, tool.step_id)
    try:
        services.tool_remove(actor=current_user(request), tool_id=tool.pk)
        messages.success(request, _("Verktøyet er fjernet."))
    except ValidationError as exc:
        _error_message(request, exc)
    return redirect(reverse("hv-step-edit", kwargs={"step_id": step.pk}) + "#verktoy")


@object_policy
def version_diff(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _editable_version(request, version_id)
    base = version.based_on or services.published_version(version.guide)
    return render(
        request,
        "handlingsveileder/diff.html",
        {"version": version, "guide": version.guide, "base": base, "diff": selectors.version_diff(version, base)},
    )


@object_policy
def version_publish(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _editable_version(request, version_id)
    if not version.is_draft:
        messages.error(request, _("Denne versjonen er allerede publisert."))
        return redirect("hv-version", version_id=version.pk)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_publish(actor=current_user(request), version_id=version.pk, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Versjon %(number)s er publisert.") % {"number": version.number})
            return redirect("hv-guide", guide_id=version.guide_id)
    return render(
        request,
        "handlingsveileder/publish.html",
        {"version": version, "guide": version.guide, "form": form, "problems": services.publish_problems(version)},
        status=400 if form.errors else 200,
    )


@object_policy
def guide_import(request: HttpRequest, guide_id: int) -> HttpResponse:
    guide = selectors.guide_for_read(request.user, guide_id)
    if not rules.may_edit(request.user, guide):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.IMPORT_MAX_BYTES:
                raise ValidationError(
                    {"file": _("Filen er for stor (høyst %(kb)s kB).") % {"kb": services.IMPORT_MAX_BYTES // 1024}}
                )
            draft = services.version_import(actor=current_user(request), guide_id=guide.pk, raw=upload.read())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Filen er importert som utkast til versjon %(number)s.") % {"number": draft.number}
            )
            return redirect("hv-edit", version_id=draft.pk)
    return render(
        request,
        "handlingsveileder/import.html",
        {"guide": guide, "form": form},
        status=400 if form.errors else 200,
    )


@system_admin
def level_labels(request: HttpRequest) -> HttpResponse:
    current = services.level_labels(current_user(request).kommune_id or 0)
    form = LevelLabelsForm(request.POST or None, initial={f"level_{k}": v for k, v in current.items()})
    if request.method == "POST" and form.is_valid():
        try:
            services.level_labels_save(
                actor=current_user(request),
                labels={k: form.cleaned_data[f"level_{k}"] for k in range(4)},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Nivånavnene er lagret."))
            return redirect("hv-levels")
    return render(request, "handlingsveileder/levels.html", {"form": form}, status=400 if form.errors else 200)


# --- The case step panel ---------------------------------------------------------------------


def _panel_response(
    request: HttpRequest,
    case_id: Any,
    skip_form: SkipForm | None = None,
    skip_step: int | None = None,
    status: int = 200,
) -> HttpResponse:
    case = policy.access_case(request.user, case_id)
    gate.log_read(
        user=request.user,
        obj_type="case_steps",
        obj_id=case.pk,
        case=case,
        child_id=case.child_id,
        purpose=gate.SAKSBEHANDLING,
    )
    panel = selectors.case_step_panel(request.user, case)
    context = {"panel": panel, "skip_form": skip_form, "skip_step": skip_step}
    if is_htmx(request):
        # htmx does not swap 4xx responses: the partial (with the message next to the field) comes as 200.
        return render(request, "handlingsveileder/_case_steps.html", context)
    return render(request, "handlingsveileder/case_steps.html", context, status=status)


@object_policy
def case_steps(request: HttpRequest, case_id: int) -> HttpResponse:
    return _panel_response(request, case_id)


@object_policy
@require_POST
def case_step_action(request: HttpRequest, case_id: int, step_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    checked = request.POST.getlist("checked")
    try:
        if action == "done":
            services.step_complete(actor=current_user(request), case_id=case_id, step_id=step_id, checked=checked)
            messages.success(request, _("Trinnet er fullført og skrevet i stafettloggen."))
        elif action == "skip":
            form = SkipForm(request.POST)
            if not form.is_valid():
                return _panel_response(request, case_id, form, int(step_id), status=400)
            try:
                services.step_skip(
                    actor=current_user(request),
                    case_id=case_id,
                    step_id=step_id,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                return _panel_response(request, case_id, form, int(step_id), status=400)
            messages.success(request, _("Trinnet er hoppet over. Begrunnelsen er skrevet i stafettloggen."))
        else:
            services.step_checklist_save(actor=current_user(request), case_id=case_id, step_id=step_id, checked=checked)
            messages.success(request, _("Sjekklisten er lagret."))
    except ValidationError as exc:
        _error_message(request, exc)
        return _panel_response(request, case_id, status=400)
    if is_htmx(request):
        return _panel_response(request, case_id)
    return redirect("hv-case-steps", case_id=case_id)


@object_policy
@require_POST
def case_version_move(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        services.case_move_to_version(
            actor=current_user(request), case_id=case_id, version_id=request.POST.get("version_id")
        )
        messages.success(request, _("Saken følger nå den nye versjonen av handlingsveilederen."))
    except ValidationError as exc:
        _error_message(request, exc)
    if is_htmx(request):
        return _panel_response(request, case_id)
    return redirect("hv-case-steps", case_id=case_id)
