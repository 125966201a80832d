"""Pages for time-limited access (consent.grants): the case's grants and the form to give
one (leaders of the owning unit), and ending one early. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bti import gate
from bti.access import object_policy
from bti.http import current_user
from consent import grants
from consent.forms import AccessGrantForm


def _people(case: Any) -> list[tuple[str, str]]:
    return [(f"{m.user_id}:{m.unit_id}", f"{m.user.full_name} – {m.unit.name}") for m in grants.candidates(case)]


@object_policy
@require_http_methods(["GET", "POST"])
def grant_page(request: HttpRequest, case_id: int) -> HttpResponse:
    user: Any = request.user
    case = grants.leader_case(user, case_id)
    form = AccessGrantForm(request.POST or None, people=_people(case))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user_id, unit_id = form.user_and_unit()
            try:
                grant = grants.access_grant_create(
                    actor=user,
                    case_id=case.pk,
                    user_id=user_id,
                    unit_id=unit_id,
                    valid_from=form.cleaned_data["valid_from"],
                    valid_until=form.cleaned_data["valid_until"],
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request,
                    _("%(name)s har fått tilgang til saken til og med %(until)s.")
                    % {"name": grant.user.full_name, "until": grant.valid_until.strftime("%d.%m.%Y")},
                )
                return redirect("case-access-grants", case_id=case.pk)
        status = 400
    gate.log_read(user=user, obj_type="tilganger", obj_id=case.pk, case=case, purpose=gate.SAKSBEHANDLING)
    rows = [(g, grants.grant_status(g)) for g in grants.grants_for_case(case)]
    return render(
        request,
        "consent/grants.html",
        {"case": case, "form": form, "rows": rows, "max_days": grants.MAX_DAYS},
        status=status,
    )


@object_policy
@require_POST
def grant_end(request: HttpRequest, case_id: int, grant_id: int) -> HttpResponse:
    try:
        grant = grants.access_grant_end(
            actor=current_user(request), case_id=case_id, grant_id=grant_id, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Tilgangen til %(name)s er avsluttet.") % {"name": grant.user.full_name})
    if request.POST.get("tilbake") == "tilgangskontroll":
        return redirect("tilgangskontroll")
    return redirect("case-access-grants", case_id=case_id)
