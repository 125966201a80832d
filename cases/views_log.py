"""The stafettlogg timeline, notes, corrections and the stafettholder handover (thin views)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bti import gate, policy
from bti.access import object_policy
from bti.http import current_user, is_htmx
from cases.forms import DsForm
from cases.forms_log import CorrectForm
from cases.models import Case
from cases.web import propose_form, run_action
from stafettlogg import selectors, services
from stafettlogg.models import EntryKind

GET_POST = require_http_methods(["GET", "POST"])


@object_policy
def timeline(request: HttpRequest, case_id: int) -> HttpResponse:
    """One page of the log, newest first; ``?for=<seq>`` pages back (keyset), ``?type=`` filters."""
    view = gate.open_case(current_user(request), case_id, gate.SAKSBEHANDLING)
    case, roles = view.case, set(view.roles)
    kind = request.GET.get("type", "")
    kind = kind if kind in EntryKind.values else ""
    try:
        before = int(request.GET["for"]) if request.GET.get("for") else None
    except ValueError:
        before = None
    entries = view.content("entries", kind, before)
    has_more = len(entries) > selectors.PAGE_SIZE
    entries = entries[: selectors.PAGE_SIZE]
    context: dict[str, Any] = {
        "case": case,
        "entries": entries,
        "has_more": has_more,
        "next_before": entries[-1].seq if entries and has_more else None,
        "kind": kind,
        "kinds": EntryKind.choices,
        "correctable": selectors.CORRECTABLE_KINDS,
        "can": {"correct_entry": policy.can(current_user(request), "correct_entry", case, roles)},
    }
    template = "stafettlogg/_timeline_items.html" if is_htmx(request) else "stafettlogg/timeline.html"
    return render(request, template, context)


@object_policy
@require_http_methods(["GET", "POST"])
def note_add(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        services.note_add(
            actor=current_user(request),
            case_id=case.pk,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            category=form.cleaned_data.get("category") or "",
            expected_version=form.expected_version(),
        )

    # One route, two forms: the konkretisering on nivå 0 (``?type=konkretisering`` when the
    # case page fetches it, its hidden ``kind`` when posted) and the ordinary note.
    asked = request.POST.get("kind") if request.method == "POST" else request.GET.get("type")
    key = "konkretisering" if asked == EntryKind.KONKRETISERING else "notat"
    return run_action(request, case_id, key=key, need="add_note", perform=perform, success=_("Loggføringen er lagret."))


@object_policy
@GET_POST
def entry_correct(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    case = policy.access_case(request.user, case_id, "correct_entry")
    original = selectors.entry_in_case(case, entry_id)
    if original is None:
        raise Http404

    def factory(c: Case, data: Any) -> DsForm:
        return CorrectForm(data=data, initial={"version": c.version, "text": original.text}, auto_id="korriger-%s")

    def perform(form: DsForm, c: Case) -> None:
        services.entry_correct(
            actor=current_user(request),
            case_id=c.pk,
            entry_id=original.pk,
            text=form.cleaned_data["text"],
            reason=form.cleaned_data["reason"],
            expected_version=form.expected_version(),
        )

    return run_action(
        request,
        case_id,
        key="korriger",
        need="correct_entry",
        perform=perform,
        success=_("Korrigeringen er lagret. Den opprinnelige loggføringen står uendret."),
        form_factory=factory,
        url=reverse("stafettlogg:entry_correct", kwargs={"case_id": case.pk, "entry_id": original.pk}),
        extra={"original": original},
    )


@object_policy
@GET_POST
def handover_propose(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        user_id, unit_id = form.target()  # type: ignore[attr-defined]
        services.handover_propose(
            actor=current_user(request),
            case_id=case.pk,
            to_user_id=user_id,
            to_unit_id=unit_id,
            message=form.cleaned_data.get("message") or "",
            expected_version=form.expected_version(),
        )

    return run_action(
        request,
        case_id,
        key="foresla",
        need="propose_handover",
        perform=perform,
        success=_("Forslaget er sendt. Du er stafettholder til personen har godtatt."),
        field_map={"to_user": "to", "handover": "to"},
        # Without JavaScript the «Søk» button reloads this page with ?q=… and the hits.
        form_factory=lambda case, data: propose_form(case, data, q=request.GET.get("q", "")[:100]),
    )


@object_policy
@require_http_methods(["GET"])
def handover_candidates(request: HttpRequest, case_id: int) -> HttpResponse:
    """The search hits of the handover form (htmx partial): people, never child data."""
    case = policy.access_case(request.user, case_id, "propose_handover")
    form = propose_form(case, q=request.GET.get("q", "")[:100])
    return render(request, "cases/includes/field_any.html", {"field": form["to"], "hits_only": True})


@object_policy
@GET_POST
def handover_accept(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        services.handover_accept(actor=current_user(request), case_id=case.pk, expected_version=form.expected_version())

    return run_action(
        request,
        case_id,
        key="godta",
        need="view",  # the service answers «no proposal for you» with a reason
        perform=perform,
        success=_("Du er nå stafettholder for saken."),
    )


@object_policy
@GET_POST
def handover_decline(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        services.handover_decline(
            actor=current_user(request),
            case_id=case.pk,
            reason=form.cleaned_data["reason"],
            expected_version=form.expected_version(),
        )

    return run_action(
        request,
        case_id,
        key="avsla",
        need="view",
        perform=perform,
        success=_("Du har takket nei. Den som foreslo deg får se begrunnelsen i stafettloggen."),
    )


@object_policy
@GET_POST
def handover_withdraw(request: HttpRequest, case_id: int) -> HttpResponse:
    def perform(form: DsForm, case: Case) -> None:
        services.handover_withdraw(
            actor=current_user(request), case_id=case.pk, expected_version=form.expected_version()
        )

    return run_action(
        request,
        case_id,
        key="trekk",
        need="propose_handover",
        perform=perform,
        success=_("Forslaget er trukket tilbake."),
    )
