"""The retention rules page of the kommune's administration (same access and step-up as
its other settings pages: ``kommune_admin`` and ``require_recent_auth``, GET included)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from arkiv import delivery, rules, selectors, services, transports
from arkiv import retention as kassasjon_service
from arkiv.forms import RetentionForm
from arkiv.models import DeliveryStatus
from bti import gate
from bti.access import kommune_admin, object_policy
from bti.http import current_user
from bti.models import Service
from bti.security.stepup import require_recent_auth
from kommuneadmin.views.common import actor, attempt, done, kommune_id, page


def _context(request: HttpRequest, form: RetentionForm) -> dict[str, object]:
    kid = kommune_id(request)
    return {
        "form": form,
        "default": rules.kommune_default(kid),
        "rows": rules.effective_rules(kid),
        "section": "settings",
    }


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    kid = kommune_id(request)
    services_of_kommune = list(Service.objects.filter(kommune_id=kid).order_by("name"))
    default = rules.kommune_default(kid)
    form = RetentionForm(request.POST or None, services=services_of_kommune, initial=default.as_dict())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        service_id = data.pop("service") or None
        saved = attempt(
            form,
            lambda: services.rule_set(actor=actor(request), service_id=service_id, request=request, **data),
            field_map={"service_id": "service"},
        )
        if saved:
            return done(request, _("Oppbevaringsregelen er lagret."), reverse("arkiv-retention"))
    return page(request, "arkiv/retention.html", _context(request, form), form=form)


@kommune_admin
@require_recent_auth
@require_POST
def retention_remove(request: HttpRequest, service_id: int) -> HttpResponse:
    return _act_and_return(
        request,
        lambda: services.rule_remove(actor=actor(request), service_id=service_id, request=request),
        _("Tjenestens egen regel er fjernet; kommunens regel gjelder igjen."),
        "arkiv-retention",
    )


def _act_and_return(request: HttpRequest, act: Callable[[], object], done_text: str, url_name: str) -> HttpResponse:
    """A one-button POST: the service call, its refusal or success as a message, back to the page."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done_text)
    return HttpResponseRedirect(reverse(url_name))


# --- Arkivlevering (issue 15 item 2) ------------------------------------------------------
# The administrator sees the deliveries by case number, unit, status and error; never what
# the case says (the administrator has no basis to read cases).


@kommune_admin
@require_recent_auth
@require_http_methods(["GET"])
def deliveries(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.deliveries_for_kommune(kommune_id(request))[:200])
    context = {
        "rows": rows,
        "failed": sum(1 for r in rows if r.status == DeliveryStatus.FEILET),
        "transport": transports.configured().name,
        "section": "settings",
    }
    return render(request, "arkiv/deliveries.html", context)


@kommune_admin
@require_recent_auth
@require_POST
def delivery_retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    return _act_and_return(
        request,
        lambda: delivery.retry(actor=actor(request), delivery_id=delivery_id, request=request),
        _("Arkivmeldingen sendes på nytt."),
        "arkiv-deliveries",
    )


# --- Sletting etter regel (issue 15 item 3, docs/adr/0026) --------------------------------
# The dry run of the daily task for this kommune, a button to run it now, and the log of
# what was deleted, when and under which rule: case numbers, units and rules, no content.


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def kassasjon(request: HttpRequest) -> HttpResponse:
    kid = kommune_id(request)
    if request.method == "POST":
        out = kassasjon_service.run_now(actor=actor(request), kommune_id=kid, request=request)
        messages.success(
            request,
            ngettext("%(n)s sak er slettet etter regel.", "%(n)s saker er slettet etter regel.", len(out.done))
            % {"n": len(out.done)},
        )
        return HttpResponseRedirect(reverse("arkiv-kassasjon"))
    dry = kassasjon_service.apply(dry_run=True, kommune_id=kid)
    context = {
        "due": dry.done,
        "waiting": dry.waiting,
        "log": kassasjon_service.log_for_kommune(kid),
        "section": "settings",
    }
    return render(request, "arkiv/kassasjon.html", context)


# --- «Hva er registrert og når slettes det» (issue 15 item 6) -----------------------------


@object_policy
@require_http_methods(["GET"])
def case_storage(request: HttpRequest, case_id: int) -> HttpResponse:
    view = gate.open_case(current_user(request), case_id, gate.SAKSBEHANDLING, obj_type="lagring")
    context = {"case": view.case, "view": view, "storage": selectors.storage_info(view.case, view)}
    return render(request, "arkiv/case_storage.html", context)
