"""Pages for services and units: list, create, rename, close, reopen, merge."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bti.access import kommune_admin
from bti.security.stepup import require_recent_auth
from kommuneadmin import selectors
from kommuneadmin.forms import MergeForm, ServiceForm, UnitForm, unit_choices
from kommuneadmin.services import units as services
from kommuneadmin.views.common import actor, attempt, done, error_message, kommune_id, page


@kommune_admin
@require_recent_auth
def service_list(request: HttpRequest) -> HttpResponse:
    kid = kommune_id(request)
    return page(
        request, "kommuneadmin/services.html", {"services": selectors.services_with_units(kid), "section": "units"}
    )


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def service_new(request: HttpRequest) -> HttpResponse:
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = attempt(
            form,
            lambda: services.service_create(
                actor=actor(request),
                name=data["name"],
                kind=data["kind"],
                category=data["category"],
                request=request,
            ),
        )
        if service:
            return done(
                request,
                _("Tjenesten %(name)s er opprettet. Legg til enhetene.") % {"name": service.name},
                reverse("ka-unit-new") + f"?tjeneste={service.pk}",
            )
    return page(request, "kommuneadmin/service_form.html", {"form": form, "service": None, "section": "units"})


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_id: int) -> HttpResponse:
    service = selectors.service(kommune_id(request), service_id)
    form = ServiceForm(
        request.POST or None, initial={"name": service.name, "kind": service.kind, "category": service.category}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: services.service_update(
                actor=actor(request),
                service_id=service.pk,
                name=data["name"],
                kind=data["kind"],
                category=data["category"],
                request=request,
            ),
        )
        if saved:
            return done(request, _("Tjenesten er lagret."), reverse("ka-services"))
    return page(request, "kommuneadmin/service_form.html", {"form": form, "service": service, "section": "units"})


def _service_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [(str(s.pk), s.name) for s in selectors.services_with_units(kommune_id(request))]


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def unit_new(request: HttpRequest) -> HttpResponse:
    form = UnitForm(
        request.POST or None, initial={"service": request.GET.get("tjeneste", "")}, services=_service_choices(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = attempt(
            form,
            lambda: services.unit_create(
                actor=actor(request),
                service_id=data["service"],
                name=data["name"],
                request=request,
            ),
        )
        if unit:
            return done(request, _("Enheten %(name)s er opprettet.") % {"name": unit.name}, reverse("ka-services"))
    return page(request, "kommuneadmin/unit_new.html", {"form": form, "section": "units"})


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    kid = kommune_id(request)
    unit = selectors.unit(kid, unit_id)
    form = UnitForm(
        request.POST or None,
        initial={"name": unit.name, "service": unit.service_id},
        services=_service_choices(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: services.unit_update(
                actor=actor(request),
                unit_id=unit.pk,
                name=data["name"],
                service_id=data["service"],
                request=request,
            ),
        )
        if saved:
            return done(request, _("Enheten er lagret."), reverse("ka-unit", kwargs={"unit_id": unit.pk}))
    context = {"unit": unit, "form": form, "people": selectors.unit_people(unit), "section": "units"}
    return page(request, "kommuneadmin/unit.html", context, form=form)


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def unit_close(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit(kommune_id(request), unit_id)
    error = ""
    if request.method == "POST":
        try:
            services.unit_close(actor=actor(request), unit_id=unit.pk, request=request)
        except ValidationError as exc:
            error = error_message(exc)
        else:
            return done(request, _("%(name)s er stengt.") % {"name": unit.name}, reverse("ka-services"))
    context = {"unit": unit, "load": services.unit_load(unit), "error": error, "section": "units"}
    response = page(request, "kommuneadmin/unit_close.html", context)
    if error:
        response.status_code = 400
    return response


@kommune_admin
@require_recent_auth
@require_POST
def unit_reopen(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = services.unit_reopen(actor=actor(request), unit_id=unit_id, request=request)
    messages.success(request, _("%(name)s er åpnet igjen.") % {"name": unit.name})
    return redirect("ka-unit", unit_id=unit.pk)


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def unit_merge(request: HttpRequest, unit_id: int) -> HttpResponse:
    kid = kommune_id(request)
    unit = selectors.unit(kid, unit_id)
    choices = unit_choices([u for u in selectors.active_units(kid) if u.pk != unit.pk])
    form = MergeForm(request.POST or None, units=choices)
    if request.method == "POST" and form.is_valid():
        into = form.cleaned_data["into"]
        counts = attempt(
            form,
            lambda: services.unit_merge(actor=actor(request), unit_id=unit.pk, into_id=into, request=request),
        )
        if counts:
            text = _("%(name)s er slått sammen: %(cases)s saker og %(people)s tilknytninger er flyttet.") % {
                "name": unit.name,
                "cases": counts["cases_moved"],
                "people": counts["memberships_moved"],
            }
            return done(request, text, reverse("ka-services"))
    context = {"unit": unit, "form": form, "load": services.unit_load(unit), "section": "units"}
    return page(request, "kommuneadmin/unit_merge.html", context, form=form)
