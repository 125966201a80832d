"""Case pages: Ny undring, Mine saker, the unit's cases, the case page and its nivå 0–3 actions.

Thin adapters: cases come from ``bti.policy`` / ``cases.selectors``, every change from
``cases.services``; the shared form plumbing is in ``cases.web``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bti import gate, policy, submit_keys
from bti.access import authenticated, object_policy
from bti.http import current_user, is_htmx
from cases import selectors, services
from cases.forms import DsForm, UndringForm
from cases.models import Case, CaseStatus, Level
from cases.web import decide, render_case, run_action

GET_POST = require_http_methods(["GET", "POST"])


@authenticated
@GET_POST
def undring_new(request: HttpRequest) -> HttpResponse:
    """«Ny undring»: register what was observed, in under a minute."""
    units = [(u.pk, u.name) for u in selectors.case_units(current_user(request))]
    form = UndringForm(request.POST or None, units=units, auto_id="undring-%s")
    status = 200
    if request.method == "POST" and units:
        if form.is_valid():
            try:
                with transaction.atomic():
                    earlier = submit_keys.claim(current_user(request), form)
                    if earlier is None:
                        case = services.undring_create(actor=current_user(request), **form.service_kwargs())
                        target = reverse("cases:case_detail", kwargs={"case_id": case.pk})
                        submit_keys.remember(current_user(request), form, target)
            except ValidationError as exc:
                form.apply_errors(exc, field_map={"child_name": "full_name"})
                status = 400
            else:
                if earlier is None:
                    messages.success(request, _("Undringen er registrert. Neste steg er konkretisering."))
                    return HttpResponseRedirect(target)
                # Back + resubmit: the undring registered the first time, not a second one.
                messages.info(request, submit_keys.ALREADY_SAVED)
                return HttpResponseRedirect(earlier.url or reverse("cases:my_cases"))
        else:
            status = 400
    return render(request, "cases/undring_new.html", {"form": form, "units": units}, status=status)


@authenticated
def my_cases(request: HttpRequest) -> HttpResponse:
    """«Mine saker»: cases where I am (or am proposed as) stafettholder, or that I opened."""
    include_closed = request.GET.get("avsluttede") == "1"
    cases = list(selectors.my_cases(current_user(request), include_closed=include_closed))
    gate.log_list(current_user(request), cases, gate.SAKSBEHANDLING)
    context = {
        "cases": cases,
        "include_closed": include_closed,
        "caption": _("Mine saker, med nivå, neste frist, siste aktivitet og stafettholder"),
        "empty_text": _("Du har ingen åpne saker.") if not include_closed else _("Du har ingen saker."),
    }
    return render(request, "cases/my_cases.html", context)


@authenticated
def shared_cases(request: HttpRequest) -> HttpResponse:
    """«Saker delt med oss»: cases of other units where my unit takes part on consent or
    another legal basis, with what we may read. Shown cases are logged (koordinering)."""
    include_closed = request.GET.get("avsluttede") == "1"
    rows = selectors.shared_cases(current_user(request), include_closed=include_closed)
    gate.log_list(current_user(request), [row.case for row in rows], gate.KOORDINERING)
    context = {
        "rows": rows,
        "include_closed": include_closed,
        "units": list(selectors.case_units(current_user(request))),
    }
    return render(request, "cases/shared_cases.html", context)


def _int_or_none(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


UNIT_PAGE_SIZE = 50


def _cursor(value: str | None) -> tuple[datetime, int] | None:
    """«etter» of the unit list: ``<last_activity_at ISO>_<id>``; anything else is page one."""
    at, _sep, pk = (value or "").rpartition("_")
    if not pk.isdigit():
        return None
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return None
    return (moment, int(pk)) if moment.tzinfo is not None else None


@authenticated
def unit_cases(request: HttpRequest) -> HttpResponse:
    """The unit leader's list of the unit's cases, filtered by level and status."""
    units = list(selectors.leader_units(current_user(request)))
    unit_id = _int_or_none(request.GET.get("enhet"))
    unit = next((u for u in units if u.pk == unit_id), units[0] if units else None)
    level = _int_or_none(request.GET.get("niva"))
    if level not in Level.values:
        level = None
    status = request.GET.get("status", CaseStatus.OPEN)
    if status not in [*CaseStatus.values, "alle"]:
        status = CaseStatus.OPEN
    cases: list[Case] = []
    after = _cursor(request.GET.get("etter"))
    next_url = first_url = ""
    if unit is not None:
        cases = list(
            selectors.unit_cases(
                current_user(request),
                unit.pk,
                status="" if status == "alle" else status,
                level=level,
                after=after,
            )[: UNIT_PAGE_SIZE + 1]
        )
        query = {"enhet": unit.pk, "status": status, **({"niva": level} if level is not None else {})}
        if len(cases) > UNIT_PAGE_SIZE:
            cases = cases[:UNIT_PAGE_SIZE]
            last = cases[-1]
            cursor = f"{last.last_activity_at.isoformat()}_{last.pk}"
            next_url = f"{reverse('cases:unit_cases')}?{urlencode({**query, 'etter': cursor})}"
        if after is not None:
            first_url = f"{reverse('cases:unit_cases')}?{urlencode(query)}"
        gate.log_list(current_user(request), cases, gate.OVERSIKT)
    context: dict[str, Any] = {
        "next_url": next_url,
        "first_url": first_url,
        "units": units,
        "unit": unit,
        "cases": cases,
        "level": level,
        "status": status,
        "levels": Level.choices,
        "statuses": [*CaseStatus.choices, ("alle", _("Alle"))],
        "caption": _("Enhetens saker, med nivå, neste frist, siste aktivitet og stafettholder"),
        "empty_text": _("Ingen saker passer filteret."),
    }
    template = "cases/_case_table.html" if is_htmx(request) else "cases/unit_cases.html"
    return render(request, template, context)


@object_policy
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = policy.access_case(request.user, case_id)
    return render_case(request, case)


@object_policy
@GET_POST
def sharing(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        data = form.cleaned_data
        services.case_record_sharing(
            actor=current_user(request),
            case_id=case.pk,
            with_whom=data["with_whom"],
            text=data["text"],
            other_service=data.get("other_service") or "",
            expected_version=form.expected_version(),
        )

    return run_action(request, case_id, key="deling", need="nivå0", perform=perform, success=_("Delingen er loggført."))


@object_policy
@GET_POST
def identify(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        services.case_identify(
            actor=current_user(request),
            case_id=case.pk,
            expected_version=form.expected_version(),
            **form.identity_kwargs(),  # type: ignore[attr-defined]
        )

    return run_action(
        request, case_id, key="identifiser", need="identify", perform=perform, success=_("Barnet er identifisert.")
    )


@object_policy
@GET_POST
def decision(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        decide(form, case, current_user(request))  # type: ignore[arg-type]  # run_action builds the DecisionForm

    return run_action(
        request,
        case_id,
        key="beslutning",
        need="nivå0",
        perform=perform,
        success=_("Beslutningen er loggført."),
        field_map={"to_level": "decision"},
    )


@object_policy
@GET_POST
def level(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        services.case_change_level(
            actor=current_user(request),
            case_id=case.pk,
            to_level=form.cleaned_data["to_level"],
            reason=form.cleaned_data["reason"],
            expected_version=form.expected_version(),
        )

    return run_action(
        request, case_id, key="niva", need="change_level", perform=perform, success=_("Nivået er endret.")
    )


@object_policy
@GET_POST
def close(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        services.case_close(
            actor=current_user(request),
            case_id=case.pk,
            reason=form.cleaned_data["reason"],
            expected_version=form.expected_version(),
        )

    return run_action(request, case_id, key="avslutt", need="close", perform=perform, success=_("Saken er avsluttet."))


@object_policy
@GET_POST
def reopen(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        services.case_reopen(
            actor=current_user(request),
            case_id=case.pk,
            reason=form.cleaned_data["reason"],
            expected_version=form.expected_version(),
        )

    return run_action(
        request, case_id, key="gjenapne", need="reopen", perform=perform, success=_("Saken er gjenåpnet.")
    )


@object_policy
@GET_POST
def guardian_add(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        data = form.cleaned_data
        services.guardian_add(
            actor=current_user(request),
            case_id=case.pk,
            full_name=data["full_name"],
            relation=data["relation"],
            has_parental_responsibility=data["has_parental_responsibility"],
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            address=data.get("address") or "",
            protected_address=data["protected_address"],
            expected_version=form.expected_version(),
        )

    return run_action(
        request, case_id, key="foresatt", need="add_note", perform=perform, success=_("Den foresatte er registrert.")
    )
