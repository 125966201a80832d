"""The kommune's settings: the section page lists the registered pages
(``bti.registries.settings_pages``); the pages this app registers follow."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bti import registries
from bti.access import kommune_admin
from bti.models import Kommune
from bti.security.stepup import require_recent_auth
from kommuneadmin import selectors
from kommuneadmin.forms import (
    AgeRulesForm,
    CategoryForm,
    CategoryRenameForm,
    FollowUpForm,
    GroupMappingForm,
    KommuneLanguageForm,
    ProviderForm,
    unit_choices,
)
from kommuneadmin.services import settings as services
from kommuneadmin.views.common import actor, attempt, done, kommune_id, page


@kommune_admin
@require_recent_auth
def settings_index(request: HttpRequest) -> HttpResponse:
    pages = []
    for entry in registries.settings_pages():
        try:
            pages.append({"page": entry, "url": reverse(entry.url_name)})
        except NoReverseMatch:
            continue
    return page(request, "kommuneadmin/settings.html", {"pages": pages, "section": "settings"})


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def age_rules(request: HttpRequest) -> HttpResponse:
    from consent.models import AgeRules

    rules = AgeRules.for_kommune(kommune_id(request))
    form = AgeRulesForm(request.POST or None, initial=services.age_snapshot(rules))
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form, lambda: services.age_rules_update(actor=actor(request), request=request, **form.cleaned_data)
        )
        if saved:
            return done(
                request,
                _("Aldersreglene er lagret. Neste samtykke som registreres, følger dem."),
                reverse("ka-age-rules"),
            )
    return page(request, "kommuneadmin/age_rules.html", {"form": form, "section": "settings"})


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def kommune_language(request: HttpRequest) -> HttpResponse:
    current = Kommune.objects.get(pk=kommune_id(request)).language
    form = KommuneLanguageForm(request.POST or None, initial={"language": current})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        saved = attempt(
            form,
            lambda: services.kommune_language_update(actor=actor(request), language=language, request=request),
        )
        if saved:
            return done(request, _("Administrasjonsspråket er lagret."), reverse("ka-language"))
    return page(request, "kommuneadmin/language.html", {"form": form, "section": "settings"}, form=form)


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def followup(request: HttpRequest) -> HttpResponse:
    kid = kommune_id(request)
    initial: dict[str, Any] = {"decision_deadline_days": Kommune.objects.get(pk=kid).decision_deadline_days}
    for level, values in services.followup_rows(kid).items():
        for name, value in values.items():
            initial[f"{name}_{level}"] = value
    form = FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.followup_update(
                actor=actor(request),
                levels=form.levels(),
                decision_deadline_days=form.cleaned_data["decision_deadline_days"],
                request=request,
            ),
        )
        if saved:
            return done(request, _("Oppfølgingsinnstillingene er lagret."), reverse("ka-followup"))
    return page(request, "kommuneadmin/followup.html", {"form": form, "section": "settings"})


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    from consent.services import categories_for

    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = attempt(
            form,
            lambda: services.category_create(
                actor=actor(request),
                name=data["name"],
                is_health=data["is_health"],
                name_nn=data["name_nn"],
                request=request,
            ),
        )
        if created:
            return done(
                request, _("Kategorien %(name)s er lagt til.") % {"name": created.name}, reverse("ka-categories")
            )
    rows = categories_for(kommune_id(request))
    return page(request, "kommuneadmin/categories.html", {"form": form, "rows": rows, "section": "settings"}, form=form)


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, code: str) -> HttpResponse:
    from consent.services import categories_for

    current = {c.code: c for c in categories_for(kommune_id(request))}.get(code)
    if current is None:
        raise Http404
    form = CategoryRenameForm(request.POST or None, initial={"name": current.name, "name_nn": current.name_nn})
    if request.method == "POST" and form.is_valid():
        name, name_nn = form.cleaned_data["name"], form.cleaned_data["name_nn"]
        saved = attempt(
            form,
            lambda: services.category_rename(
                actor=actor(request), code=code, name=name, name_nn=name_nn, request=request
            ),
        )
        if saved:
            return done(request, _("Kategorien er lagret."), reverse("ka-categories"))
    return page(request, "kommuneadmin/category_edit.html", {"form": form, "category": current, "section": "settings"})


@kommune_admin
@require_recent_auth
def providers(request: HttpRequest) -> HttpResponse:
    return page(
        request,
        "kommuneadmin/providers.html",
        {"providers": selectors.providers(kommune_id(request)), "section": "settings"},
    )


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def provider_new(request: HttpRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = attempt(
            form, lambda: services.provider_create(actor=actor(request), request=request, **form.cleaned_data)
        )
        if provider:
            return done(
                request, _("ID-leverandøren er lagt til."), reverse("ka-provider", kwargs={"provider_id": provider.pk})
            )
    return page(request, "kommuneadmin/provider_new.html", {"form": form, "section": "settings"})


def _provider_context(request: HttpRequest, provider_id: Any, **forms: Any) -> dict[str, Any]:
    kid = kommune_id(request)
    provider = selectors.provider(kid, provider_id)
    initial = {name: getattr(provider, name) for name in services.PROVIDER_FIELDS}
    return {
        "provider": provider,
        "form": forms.get("form") or ProviderForm(initial=initial, editing=True),
        "mapping_form": forms.get("mapping_form")
        or GroupMappingForm(units=unit_choices(selectors.active_units(kid)), auto_id="gruppe-%s"),
        "mappings": selectors.group_mappings(provider),
        "section": "settings",
    }


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    context = _provider_context(request, provider_id)
    if request.method == "POST":
        form = ProviderForm(request.POST, editing=True)
        if form.is_valid():
            saved = attempt(
                form,
                lambda: services.provider_update(
                    actor=actor(request),
                    provider_id=provider_id,
                    request=request,
                    **form.cleaned_data,
                ),
            )
            if saved:
                return done(
                    request,
                    _("ID-leverandøren er lagret."),
                    reverse("ka-provider", kwargs={"provider_id": provider_id}),
                )
        context["form"] = form
    return page(request, "kommuneadmin/provider.html", context, form=context["form"])


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def mapping_new(request: HttpRequest, provider_id: int) -> HttpResponse:
    kid = kommune_id(request)
    form = GroupMappingForm(request.POST or None, units=unit_choices(selectors.active_units(kid)), auto_id="gruppe-%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form,
            lambda: services.group_mapping_add(
                actor=actor(request),
                provider_id=provider_id,
                group_id=data["group_id"],
                label=data["label"],
                unit_id=data["unit"],
                role=data["role"],
                kommune_role=data["kommune_role"],
                creates_users=data["creates_users"],
                request=request,
            ),
        )
        if saved:
            return done(
                request, _("Gruppekoblingen er lagt til."), reverse("ka-provider", kwargs={"provider_id": provider_id})
            )
    context = _provider_context(request, provider_id, mapping_form=form)
    return page(request, "kommuneadmin/provider.html", context, form=form)


@kommune_admin
@require_recent_auth
@require_POST
def mapping_remove(request: HttpRequest, mapping_id: int) -> HttpResponse:
    provider_id = selectors.group_mapping(kommune_id(request), mapping_id).provider_id
    ended = services.group_mapping_remove(actor=actor(request), mapping_id=mapping_id, request=request)
    messages.success(
        request, _("Gruppekoblingen er fjernet. %(n)s tilknytninger den hadde gitt, er avsluttet.") % {"n": ended}
    )
    return redirect("ka-provider", provider_id=provider_id)
