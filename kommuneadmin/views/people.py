"""Pages for the kommune's people: list and search, invite, edit, deactivate, memberships,
kommune roles. Every view: ``kommune_admin`` (403 for others) and step-up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bti.access import kommune_admin
from bti.http import is_htmx
from bti.models import User
from bti.security.stepup import require_recent_auth
from kommuneadmin import selectors
from kommuneadmin.forms import (
    InviteForm,
    KommuneRoleForm,
    MembershipDatesForm,
    MembershipForm,
    PersonForm,
    StaffSearchForm,
    unit_choices,
)
from kommuneadmin.services import staff as services
from kommuneadmin.views.common import actor, attempt, done, error_message, kommune_id, page


@kommune_admin
@require_recent_auth
def staff_list(request: HttpRequest) -> HttpResponse:
    kid = kommune_id(request)
    form = StaffSearchForm(request.GET or None)
    q = status = ""
    if form.is_valid():
        q, status = form.cleaned_data["q"], form.cleaned_data["status"]
    rows = Paginator(selectors.staff(kid, q=q, status=status), selectors.STAFF_PAGE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    context = {"form": form, "page": rows, "q": q, "query": query.urlencode(), "section": "staff"}
    if is_htmx(request):
        return render(request, "kommuneadmin/_staff_list.html", context)
    return render(request, "kommuneadmin/staff_list.html", context)


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def staff_new(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = attempt(
            form,
            lambda: services.staff_invite(
                actor=actor(request),
                email=data["email"],
                full_name=data["full_name"],
                title=data["title"],
                send=data["send"],
                request=request,
            ),
        )
        if user:
            text = _("%(name)s er lagt til.") % {"name": user.full_name}
            if data["send"]:
                text += " " + _("Invitasjonen er sendt til %(email)s.") % {"email": user.email}
            return done(request, text + " " + _("Gi personen en tilknytning til en enhet."), _person_url(user.pk))
    return page(request, "kommuneadmin/staff_new.html", {"form": form, "section": "staff"})


def _person_url(user_id: int) -> str:
    return reverse("ka-person", kwargs={"user_id": user_id})


def _person_context(request: HttpRequest, user_id: Any, **forms: Any) -> dict[str, Any]:
    kid = kommune_id(request)
    person = selectors.person(kid, user_id)
    user = person.user
    today = timezone.localdate()
    return {
        "person": person,
        "today": today,
        "edit_form": forms.get("edit_form")
        or PersonForm(
            initial={"full_name": user.full_name, "email": user.email, "title": user.title}, auto_id="person-%s"
        ),
        "role_form": forms.get("role_form") or KommuneRoleForm(auto_id="rolle-%s"),
        "is_self": user.pk == request.user.pk,
        "section": "staff",
    }


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    context = _person_context(request, user_id)
    if request.method == "POST":
        form = PersonForm(request.POST, auto_id="person-%s")
        if form.is_valid():
            data = form.cleaned_data
            saved = attempt(
                form,
                lambda: services.staff_update(
                    actor=actor(request),
                    user_id=user_id,
                    full_name=data["full_name"],
                    title=data["title"],
                    email=data["email"],
                    request=request,
                ),
            )
            if saved:
                return done(request, _("Endringene er lagret."), _person_url(user_id))
        context["edit_form"] = form
    return page(request, "kommuneadmin/person.html", context, form=context["edit_form"])


@kommune_admin
@require_recent_auth
@require_POST
def person_status(request: HttpRequest, user_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    try:
        user = services.staff_set_active(actor=actor(request), user_id=user_id, active=active, request=request)
    except ValidationError as exc:
        messages.error(request, error_message(exc))
    else:
        if active:
            messages.success(request, _("%(name)s er aktivert igjen.") % {"name": user.full_name})
        else:
            messages.success(request, _("%(name)s er deaktivert og logget ut overalt.") % {"name": user.full_name})
    return redirect(_person_url(user_id))


@kommune_admin
@require_recent_auth
@require_POST
def person_invite(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        user = services.invitation_resend(actor=actor(request), user_id=user_id, request=request)
    except ValidationError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("En ny invitasjon er sendt til %(email)s.") % {"email": user.email})
    return redirect(_person_url(user_id))


def _units(request: HttpRequest) -> list[tuple[str, str]]:
    return unit_choices(selectors.active_units(kommune_id(request)))


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def membership_new(request: HttpRequest, user_id: int) -> HttpResponse:
    person = selectors.person(kommune_id(request), user_id)
    initial = {"valid_from": timezone.localdate(), "unit": request.GET.get("enhet", "")}
    form = MembershipForm(request.POST or None, initial=initial, units=_units(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: services.membership_add(
                actor=actor(request),
                user_id=user_id,
                unit_id=data["unit"],
                role=data["role"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                request=request,
            ),
        )
        if saved:
            return done(
                request,
                _("Tilknytningen er lagt til. Den gjelder fra neste side personen åpner."),
                _person_url(user_id),
            )
    return page(request, "kommuneadmin/membership_form.html", {"form": form, "person": person, "section": "staff"})


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def membership_edit(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership(kommune_id(request), membership_id)
    form = MembershipDatesForm(
        request.POST or None, initial={"valid_from": membership.valid_from, "valid_until": membership.valid_until}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: services.membership_update(
                actor=actor(request),
                membership_id=membership_id,
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                request=request,
            ),
        )
        if saved:
            return done(request, _("Datoene er lagret."), _person_url(membership.user_id))
    return page(
        request, "kommuneadmin/membership_edit.html", {"form": form, "membership": membership, "section": "staff"}
    )


@kommune_admin
@require_recent_auth
@require_POST
def membership_end(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership(kommune_id(request), membership_id)
    user_id, unit = membership.user_id, membership.unit.name
    services.membership_end(actor=actor(request), membership_id=membership_id, request=request)
    return done(request, _("Tilknytningen til %(unit)s er avsluttet fra i dag.") % {"unit": unit}, _person_url(user_id))


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def role_add(request: HttpRequest, user_id: int) -> HttpResponse:
    form = KommuneRoleForm(request.POST or None, auto_id="rolle-%s")
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        saved = attempt(
            form,
            lambda: services.kommune_role_add(actor=actor(request), user_id=user_id, role=role, request=request),
        )
        if saved:
            return done(request, _("Rollen er gitt."), _person_url(user_id))
    context = _person_context(request, user_id, role_form=form)
    return page(request, "kommuneadmin/person.html", context, form=form)


@kommune_admin
@require_recent_auth
@require_POST
def role_remove(request: HttpRequest, role_id: int) -> HttpResponse:
    user_id = selectors.kommune_role(kommune_id(request), role_id).user_id
    try:
        services.kommune_role_remove(actor=actor(request), role_id=role_id, request=request)
    except ValidationError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("Rollen er fjernet."))
    if user_id == request.user.pk and not User.objects.filter(pk=user_id, kommune_roles__role="administrator").exists():
        return redirect("home")
    return redirect(_person_url(user_id))
