"""Import pages: upload a CSV, see the preview with every problem row, apply all or nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bti.access import kommune_admin
from bti.security.stepup import require_recent_auth
from kommuneadmin import selectors
from kommuneadmin.forms import ApplyForm, ImportForm
from kommuneadmin.services import imports as services
from kommuneadmin.views.common import actor, attempt, done, error_message, kommune_id, page

EXAMPLE = settings.BASE_DIR / "docs" / "kommuneadmin-import-eksempel.csv"


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = attempt(
            form,
            lambda: services.import_upload(
                actor=actor(request),
                file_name=upload.name or "",
                raw=upload.read(services.MAX_BYTES + 1),
                send_invitations=form.cleaned_data["send_invitations"],
                request=request,
            ),
        )
        if result:
            staff_import, _plan = result
            return redirect("ka-import-preview", import_id=staff_import.pk)
    context = {
        "form": form,
        "imports": selectors.imports(kommune_id(request)),
        "columns": services.COLUMN_LABELS,
        "section": "import",
    }
    return page(request, "kommuneadmin/import.html", context, form=form)


@kommune_admin
@require_recent_auth
def import_preview(request: HttpRequest, import_id: int) -> HttpResponse:
    return _preview(request, import_id)


def _preview(request: HttpRequest, import_id: int, *, error: str = "", status: int = 200) -> HttpResponse:
    staff_import, plan = services.import_preview(actor=actor(request), import_id=import_id)
    groups = [
        (kind, label, [c for c in plan.changes if c.kind == kind])
        for kind, label in (
            ("service", _("Nye tjenester")),
            ("unit", _("Nye enheter")),
            ("user", _("Nye personer")),
            ("user_update", _("Endret navn eller stilling")),
            ("membership", _("Nye tilknytninger")),
            ("membership_update", _("Endrede datoer på tilknytninger")),
        )
    ]
    context = {
        "staff_import": staff_import,
        "plan": plan,
        "groups": [g for g in groups if g[2]],
        "apply_form": ApplyForm(initial={"digest": plan.digest}),
        "error": error,
        "section": "import",
    }
    response = page(request, "kommuneadmin/import_preview.html", context)
    response.status_code = status
    return response


@kommune_admin
@require_recent_auth
@require_POST
def import_apply(request: HttpRequest, import_id: int) -> HttpResponse:
    form = ApplyForm(request.POST)
    digest = form.cleaned_data["digest"] if form.is_valid() else ""
    try:
        plan = services.import_apply(actor=actor(request), import_id=import_id, digest=digest, request=request)
    except ValidationError as exc:
        return _preview(request, import_id, error=error_message(exc), status=400)
    summary = plan.summary
    text = _(
        "Importen er gjennomført: %(units)s nye enheter, %(users)s nye personer og %(memberships)s nye tilknytninger."
    ) % {"units": summary["unit"], "users": summary["user"], "memberships": summary["membership"]}
    return done(request, text, reverse("ka-import"))


@kommune_admin
@require_recent_auth
def import_example(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(EXAMPLE.read_bytes(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ansatte-eksempel.csv"'
    return response
