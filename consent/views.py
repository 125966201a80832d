"""Pages for samtykke, melding til barnevernet, anonym drøfting, the scoped stafettlogg,
the innsyn package, search and the leaders' review. Thin: parse, call a service or a
selector, render. Cases come only through ``bti.policy.access_case``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bti import gate, innsyn, policy, submit_keys
from bti.access import authenticated, kommune_admin, object_policy
from bti.http import current_user
from bti.languages import written
from bti.security import require_recent_auth
from cases.models import Case
from consent import selectors, services
from consent.forms import ConsentRegisterForm, DroftingConfirmForm, DroftingForm, MeldingForm, ReviewForm, WithdrawForm
from consent.models import AgeRules, ConsentDecision


def _apply_errors(form: Form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _register_form(request: HttpRequest, case: Case, renew: Any = None) -> ConsentRegisterForm:
    initial: dict[str, Any] = {}
    if renew is not None:
        initial = {
            "guardians": [str(g.pk) for g in renew.guardians.all()],
            "by_young_person": renew.by_young_person,
            "units": sorted({str(s.unit_id) for s in renew.scopes.all()}),
            "categories": sorted({s.category.code for s in renew.scopes.all()}),
            "purpose": renew.purpose,
            "renews": renew.pk,
        }
    guardians = selectors.guardian_choices(current_user(request), case)
    unborn = _unborn(case)
    if unborn and not initial and len(guardians) == 1:
        initial = {"guardians": [guardians[0][0]]}  # the mother, registered with the undring
    form = ConsentRegisterForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        guardians=guardians,
        units=_grouped_units(case),
        categories=[(c.code, written(c, "name")) for c in services.categories_for(case.kommune_id)],
    )
    if unborn:
        form.fields["guardians"].label = _("Hvem samtykker (mor for det ufødte barnet)")
        form.fields["guardians"].help_text = _("Mor samtykker for barnet til det er født.")
    return form


def _unborn(case: Case) -> bool:
    """An unborn child (issue 17 item 6): a termin, no birth date yet."""
    child = case.child
    return child is not None and child.expected_date is not None and child.birth_date is None


def _grouped_units(case: Case) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for u in selectors.candidate_units(case):
        groups.setdefault(u.service.name, []).append((str(u.pk), f"{u.name} ({u.service.name})"))
    return list(groups.items())


@object_policy
@require_http_methods(["GET", "POST"])
def consent_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's consents, refusals and involved services; the stafettholder registers here."""
    user = current_user(request)
    case = policy.access_case(user, case_id)
    roles = policy.case_roles(user, case)
    categories = policy.readable_categories(user, case, roles)
    may_manage = policy.can(user, "manage_consent", case, roles)
    if request.method == "POST" and not may_manage:
        raise Http404
    gate.log_read(user=user, obj_type="samtykke", obj_id=case.pk, case=case, purpose=gate.SAKSBEHANDLING)
    rows = selectors.consent_rows(case, categories)
    form = None
    # The registration form (with every unit of the kommune as a possible recipient) is
    # shown when asked for: the page's everyday job is showing what is shared with whom.
    wants_form = request.method == "POST" or "registrer" in request.GET or "forny" in request.GET
    if may_manage and wants_form:
        renew = None
        renew_id = request.GET.get("forny")
        if renew_id and renew_id.isdigit():
            renew = next((r["consent"] for r in rows if r["consent"].pk == int(renew_id)), None)
        form = _register_form(request, case, renew)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                consent, earlier = submit_keys.once(
                    user,
                    form,
                    lambda: services.consent_register(
                        actor=user,
                        case_id=case.pk,
                        decision=data["decision"],
                        guardian_ids=[int(x) for x in data["guardians"]],
                        by_young_person=data["by_young_person"],
                        unit_ids=[int(x) for x in data["units"]],
                        category_codes=list(data["categories"]),
                        purpose=data["purpose"],
                        form=data["form"],
                        oral_note=data["oral_note"],
                        child_view=data["child_view"],
                        valid_from=data["valid_from"],
                        valid_until=data["valid_until"],
                        document=data.get("document"),
                        renews_id=data.get("renews"),
                    ),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                if earlier is not None:
                    messages.info(request, submit_keys.ALREADY_SAVED)
                elif consent.decision == ConsentDecision.GIVEN:
                    messages.success(request, _("Samtykket er registrert."))
                else:
                    messages.success(request, _("Avslaget er registrert."))
                return redirect("samtykke", case_id=case.pk)
    # The age rules are shown with the registration form only.
    age = services.age_of(case) if form is not None else None
    return render(
        request,
        "consent/consent_page.html",
        {
            "case": case,
            "rows": rows,
            "involvements": selectors.involvements_for(user, case, categories),
            "form": form,
            "may_manage": may_manage,
            "age": age,
            "rules": AgeRules.for_kommune(case.kommune_id) if form is not None else None,
            "unborn": _unborn(case),
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@object_policy
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    """Withdraw a consent, whole or for one recipient or category, as one action."""
    user = current_user(request)
    case = policy.access_case(user, case_id, "manage_consent")
    row = next((r for r in selectors.consent_rows(case) if r["consent"].pk == consent_id), None)
    if row is None or row["consent"].decision != ConsentDecision.GIVEN:
        raise Http404
    choices: list[tuple[str, str]] = [("alt", _("Hele samtykket"))]
    for unit_row in row["units"]:
        choices.append((f"enhet:{unit_row['unit'].pk}", _("Alt til %(unit)s") % {"unit": unit_row["unit"].name}))
        for c in unit_row["categories"]:
            if c["withdrawn_at"] is None:
                choices.append(
                    (
                        f"par:{unit_row['unit'].pk}:{c['category'].code}",
                        _("%(category)s til %(unit)s")
                        % {"category": c["category"].name, "unit": unit_row["unit"].name},
                    )
                )
    form = WithdrawForm(request.POST or None, scopes=choices)
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["scope"]
        unit_id: int | None = None
        category = ""
        if scope.startswith("enhet:"):
            unit_id = int(scope.split(":")[1])
        elif scope.startswith("par:"):
            _prefix, unit_raw, category = scope.split(":", 2)
            unit_id = int(unit_raw)
        try:
            services.consent_withdraw(
                actor=user,
                case_id=case.pk,
                consent_id=consent_id,
                withdrawn_by_name=form.cleaned_data["withdrawn_by_name"],
                unit_id=unit_id,
                category_code=category,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Samtykket er trukket tilbake. Delingen stopper straks."))
            return redirect("samtykke", case_id=case.pk)
    return render(
        request,
        "consent/withdraw.html",
        {"case": case, "row": row, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@object_policy
@require_http_methods(["GET", "POST"])
def melding_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """Melding til barnevernet: opplysningsplikt, never waits on consent (C-17, C-18)."""
    user = current_user(request)
    case = policy.access_case(user, case_id, "melding_barnevern")
    form = MeldingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _melding, earlier = submit_keys.once(
                user, form, lambda: services.melding_barnevern(actor=user, case_id=case.pk, **form.cleaned_data)
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            done = _("Meldingen til barnevernet er registrert.") if earlier is None else submit_keys.ALREADY_SAVED
            messages.success(request, done)
            return redirect("samtykke", case_id=case.pk)
    return render(
        request,
        "consent/melding.html",
        {"case": case, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@object_policy
@require_http_methods(["GET", "POST"])
def drofting_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """Prepare an anonym drøfting; the summary is de-identified by the service."""
    user = current_user(request)
    case = policy.access_case(user, case_id, "anonym_drofting")
    units = [(str(u.pk), f"{u.name} ({u.service.name})") for u in selectors.candidate_units(case)]
    form = DroftingForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            drofting = services.drofting_prepare(
                actor=user, case_id=case.pk, with_unit_id=form.cleaned_data["with_unit"], text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if drofting.is_shared:
                messages.success(request, _("Det anonymiserte sammendraget er delt. Les det over."))
            else:
                messages.warning(
                    request,
                    _("Noen ord kan være navn. Velg for hvert av dem om det skal fjernes, før sammendraget deles."),
                )
            return redirect("drofting-les", drofting_id=drofting.pk)
    return render(
        request,
        "consent/drofting.html",
        {"case": case, "form": form, "droftinger": selectors.droftinger_for_case(case)},
        status=400 if form.is_bound and form.errors else 200,
    )


@object_policy
def drofting_read(request: HttpRequest, drofting_id: int) -> HttpResponse:
    """The summary, and nothing of the case, for the service it is discussed with (once
    shared); its writer sees it before, with the flagged words to decide."""
    drofting = selectors.drofting_for_reader(current_user(request), drofting_id)
    if drofting is None:
        raise Http404
    form = None if drofting.is_shared else DroftingConfirmForm(flags=list(drofting.flags or []))
    return render(request, "consent/drofting_read.html", {"drofting": drofting, "form": form})


@object_policy
@require_http_methods(["POST"])
def drofting_confirm(request: HttpRequest, drofting_id: int) -> HttpResponse:
    """The writer removes or keeps each flagged word; then the summary is shared."""
    drofting = selectors.drofting_for_reader(current_user(request), drofting_id)
    if drofting is None or drofting.is_shared:
        raise Http404
    form = DroftingConfirmForm(request.POST, flags=list(drofting.flags or []))
    if form.is_valid():
        remove, keep = form.decisions()
        try:
            services.drofting_confirm(actor=current_user(request), drofting_id=drofting.pk, remove=remove, keep=keep)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Sammendraget er delt med %(unit)s.") % {"unit": drofting.with_unit.name})
            return redirect("drofting-les", drofting_id=drofting.pk)
    return render(request, "consent/drofting_read.html", {"drofting": drofting, "form": form}, status=400)


@object_policy
@require_recent_auth
def innsyn_page(request: HttpRequest, case_id: int) -> HttpResponse:
    user = current_user(request)
    case = policy.access_case(user, case_id, "innsyn_export")
    gate.log_read(user=user, obj_type="innsyn", obj_id=case.pk, case=case, purpose=gate.INNSYN)
    return render(request, "consent/innsyn.html", _innsyn_context(case, selectors.innsyn_package(case)))


def _innsyn_stamp(package: dict[str, Any]) -> str:
    # What the package says, without its reads (every fetch adds one) and its time.
    return gate.download_stamp(package["child"], package["consents"], package["entries"])


def _innsyn_context(case: Any, package: dict[str, Any]) -> dict[str, Any]:
    return {"case": case, "package": package, "stamp": _innsyn_stamp(package), "stamp_param": gate.STAMP_PARAM}


def _innsyn_changed(request: HttpRequest, case: Any, package: dict[str, Any]) -> HttpResponse | None:
    """A download from a page that showed another package: say so, show the fresh one."""
    if not gate.stale_download(request.GET, _innsyn_stamp(package)):
        return None
    messages.warning(request, gate.STALE_DOWNLOAD)
    return render(request, "consent/innsyn.html", _innsyn_context(case, package), status=409)


PDF_CSS = (
    "body{font-family:sans-serif;font-size:10pt}table{border-collapse:collapse;width:100%}"
    "td,th{border:1px solid #999;padding:2pt 4pt;text-align:left;vertical-align:top}"
    "h1{font-size:16pt}h2{font-size:12pt;margin-top:14pt}.ds-sr-only{display:none}"
)


@object_policy
@require_recent_auth
def innsyn_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    from weasyprint import CSS, HTML

    user = current_user(request)
    case = policy.access_case(user, case_id, "innsyn_export")
    gate.log_read(user=user, obj_type="innsyn", obj_id=case.pk, case=case, how=innsyn.PDF, purpose=gate.INNSYN)
    package = selectors.innsyn_package(case)
    if (changed := _innsyn_changed(request, case, package)) is not None:
        return changed
    html = render_to_string("consent/innsyn_pdf.html", {"package": package, "case": case})
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_CSS)], pdf_tags=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="innsyn-sak-{case.pk}.pdf"'
    return response


@object_policy
@require_recent_auth
def innsyn_json(request: HttpRequest, case_id: int) -> HttpResponse:
    user = current_user(request)
    case = policy.access_case(user, case_id, "innsyn_export")
    gate.log_read(user=user, obj_type="innsyn", obj_id=case.pk, case=case, how=innsyn.EXPORT, purpose=gate.INNSYN)
    package = selectors.innsyn_package(case)
    if (changed := _innsyn_changed(request, case, package)) is not None:
        return changed
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="innsyn-sak-{case.pk}.json"'
    return response


@authenticated
def review_page(request: HttpRequest) -> HttpResponse:
    """Unit leaders: reads of their units' cases from outside the unit, and unusual volumes."""
    from consent import grants

    user = current_user(request)
    leads = selectors.leads_any_unit(user)
    data = selectors.review_for_leader(user) if leads else None
    led = [(g, grants.grant_status(g)) for g in grants.grants_for_leader(user)] if leads else []
    context = {
        "leads": leads,
        "data": data,
        "form": ReviewForm(),
        "grants_led": led,
        "grants_received": grants.grants_received(user),
    }
    return render(request, "consent/review.html", context)


@authenticated
@require_POST
def review_mark(request: HttpRequest, entry_id: int) -> HttpResponse:
    if selectors.review_entry(current_user(request), entry_id) is None:
        raise Http404
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.access_review_mark(actor=current_user(request), entry_id=entry_id, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Oppslaget er merket som gjennomgått."))
    return redirect(reverse("tilgangskontroll"))


# --- innsyn per person (issue 15 item 5; docs/adr/0027) --------------------------------------
# The kommune's administration answers an innsyn request (GDPR art. 15) for one child across
# every case and unit: the kommune is the controller. Step-up first; every case that goes into
# the package is logged with the purpose «innsyn», so the package itself shows up in the next one.


def _innsyn_child(request: HttpRequest, child_id: int) -> tuple[Any, list[Case], int]:
    from bti.policy import administered_kommune_id

    kommune_id = administered_kommune_id(current_user(request))
    if kommune_id is None:  # the decorator checked; a role removed meanwhile
        raise Http404
    child = selectors.innsyn_child(kommune_id, child_id)
    if child is None:
        raise Http404
    return child, selectors.cases_of_child(kommune_id, child), kommune_id


def _person_package(request: HttpRequest, child_id: int, how: str) -> tuple[Any, dict[str, Any]]:
    child, cases, kommune_id = _innsyn_child(request, child_id)
    user = current_user(request)
    for case in cases:
        gate.log_read(user=user, obj_type="innsyn_person", obj_id=child.pk, case=case, how=how, purpose=gate.INNSYN)
    if not cases:
        gate.log_read(
            user=user, obj_type="innsyn_person", obj_id=child.pk, child_id=child.pk, how=how, purpose=gate.INNSYN
        )
    return child, selectors.person_innsyn_package(kommune_id, child, cases)


@kommune_admin
@require_recent_auth
@require_http_methods(["GET", "POST"])
def person_innsyn_search(request: HttpRequest) -> HttpResponse:
    from bti.policy import administered_kommune_id
    from consent.forms import PersonSearchForm

    form = PersonSearchForm(request.POST or None)
    hits = None
    if request.method == "POST" and form.is_valid():
        hits = selectors.find_children_for_innsyn(
            administered_kommune_id(current_user(request)) or 0, form.cleaned_data["query"]
        )
        gate.log_children(current_user(request), hits, gate.INNSYN, how=innsyn.SEARCH)
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(request, "consent/person_innsyn_search.html", {"form": form, "hits": hits}, status=status)


@kommune_admin
@require_recent_auth
def person_innsyn_page(request: HttpRequest, child_id: int) -> HttpResponse:
    child, package = _person_package(request, child_id, innsyn.PAGE)
    return render(request, "consent/person_innsyn.html", {"child": child, "package": package})


@kommune_admin
@require_recent_auth
def person_innsyn_pdf(request: HttpRequest, child_id: int) -> HttpResponse:
    """Rendered at download, so what it holds is what the gate allows now."""
    from weasyprint import CSS, HTML

    child, package = _person_package(request, child_id, innsyn.PDF)
    html = render_to_string("consent/person_innsyn_pdf.html", {"package": package})
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_CSS)], pdf_tags=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="innsyn-barn-{child.pk}.pdf"'
    return response


@kommune_admin
@require_recent_auth
def person_innsyn_json(request: HttpRequest, child_id: int) -> HttpResponse:
    child, package = _person_package(request, child_id, innsyn.EXPORT)
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="innsyn-barn-{child.pk}.json"'
    return response
