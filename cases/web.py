"""Shared HTTP plumbing of the case pages (used by cases/views.py and cases/views_log.py).

``case_page_context`` builds everything the case page shows for one user, asking
``bti.policy`` once for the user's roles and deriving every permitted action from them.
``run_action`` is the one shape of every action form: GET shows the form on its own page
(works without JavaScript), POST calls a service; errors come back next to the field,
with what the user typed kept; htmx requests get partials instead of full pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bti import gate, policy, registries, submit_keys
from bti.errors import ConflictError
from bti.http import current_user, is_htmx
from bti.notices import take as take_notices
from cases import selectors
from cases.forms import CLOSE, DecisionForm, DsForm, GuardianForm, IdentifyForm, LevelForm, ReasonForm, SharingForm
from cases.forms_log import DeclineForm, KonkretiseringForm, NoteForm, ProposeForm
from cases.models import Case
from stafettlogg import selectors as log_selectors
from stafettlogg.models import EntryKind, HandoverStatus


@dataclass
class ActionBlock:
    """One action form as the templates render it."""

    key: str
    title: str
    url: str
    form: DsForm
    submit: str
    variant: str = "secondary"
    intro: str = ""
    open: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _staff_choices(case: Case) -> list[tuple[int, str]]:
    return [(u.pk, u.full_name) for u in selectors.unit_staff(case.owner_unit_id)]


def propose_form(case: Case, data: Any = None, *, q: str = "") -> ProposeForm:
    """The handover form with the staff matching the search ``q`` (from ``data`` when
    bound): the choices are search hits, never the kommune's whole staff."""
    if data is not None:
        q = str(data.get("q") or "")
    chosen = str(data.get("to") or "") if data is not None else ""
    rows, more = selectors.staff_search(case.kommune_id, q, chosen=chosen)
    return ProposeForm(
        data=data,
        initial={"version": case.version, "q": q},
        auto_id="foresla-%s",
        staff=[(f"{u.pk}:{unit.pk}", f"{u.full_name} – {unit.name}") for u, unit in rows],
        searched=len(q.strip()) >= 2,
        more=selectors.STAFF_SEARCH_LIMIT if more else 0,
        page_url=reverse("stafettlogg:handover_propose", kwargs={"case_id": case.pk}),
        hits_url=reverse("stafettlogg:handover_candidates", kwargs={"case_id": case.pk}),
    )


def _form(key: str, case: Case, data: Any = None) -> DsForm:
    """The unbound (``data`` None) or bound form of one action, ids prefixed by the key
    so that several forms on the case page never share an id."""
    auto_id = f"{key}-%s"
    initial = {"version": case.version}
    kwargs: dict[str, Any] = {"data": data, "initial": initial, "auto_id": auto_id}
    if key == "konkretisering":
        return KonkretiseringForm(**kwargs)
    if key == "deling":
        return SharingForm(**kwargs)
    if key == "identifiser":
        return IdentifyForm(**kwargs)
    if key == "beslutning":
        return DecisionForm(staff=_staff_choices(case), anonymous=not case.is_identified, **kwargs)
    if key == "niva":
        return LevelForm(levels=sorted(case.allowed_levels()), **kwargs)
    if key in {"avslutt", "gjenapne"}:
        return ReasonForm(**kwargs)
    if key == "notat":
        from bti.basis import kommune_categories

        return NoteForm(categories=kommune_categories(case.kommune_id), **kwargs)
    if key == "foresatt":
        return GuardianForm(**kwargs)
    if key == "foresla":
        return propose_form(case, data)
    if key == "avsla":
        return DeclineForm(**kwargs)
    if key in {"godta", "trekk"}:
        return DsForm(**kwargs)
    raise KeyError(key)


ACTION_META: dict[str, tuple[str, Any, Any, str]] = {
    # key: (url name, title, submit label, button variant)
    "konkretisering": ("stafettlogg:note_add", _("Konkretisering"), _("Lagre observasjonene"), "secondary"),
    "deling": ("cases:sharing", _("Deling"), _("Lagre delingen"), "secondary"),
    "identifiser": ("cases:identify", _("Identifiser barnet"), _("Lagre identitet"), "secondary"),
    "beslutning": ("cases:decision", _("Beslutning på nivå 0"), _("Lagre beslutningen"), "primary"),
    "niva": ("cases:level", _("Endre nivå"), _("Endre nivå"), "secondary"),
    "avslutt": ("cases:close", _("Avslutt saken"), _("Avslutt saken"), "secondary"),
    "gjenapne": ("cases:reopen", _("Gjenåpne saken"), _("Gjenåpne saken"), "primary"),
    "notat": ("stafettlogg:note_add", _("Skriv i stafettloggen"), _("Lagre loggføringen"), "secondary"),
    "foresatt": ("cases:guardian_add", _("Legg til foresatt"), _("Lagre foresatt"), "secondary"),
    "foresla": ("stafettlogg:handover_propose", _("Foreslå ny stafettholder"), _("Send forslaget"), "secondary"),
    "godta": (
        "stafettlogg:handover_accept",
        _("Godta stafettholderrollen"),
        _("Godta og bli stafettholder"),
        "primary",
    ),
    "avsla": ("stafettlogg:handover_decline", _("Takk nei til stafettholderrollen"), _("Takk nei"), "secondary"),
    "korriger": ("stafettlogg:entry_correct", _("Korriger loggføring"), _("Lagre korrigeringen"), "primary"),
    "trekk": ("stafettlogg:handover_withdraw", _("Trekk tilbake forslaget"), _("Trekk tilbake forslaget"), "secondary"),
}


def allowed_actions(case: Case, can: dict[str, bool], pending: bool) -> list[str]:
    """The action keys this user may use on this case, in page order."""
    keys = []
    if case.level == 0 and can["add_note"] and case.is_open:
        keys.append("konkretisering")
    if can["nivå0"]:
        keys.append("deling")
    if can["identify"] and not case.is_identified:
        keys.append("identifiser")
    if can["nivå0"]:
        keys.append("beslutning")
    if case.level >= 1 and can["change_level"]:
        keys.append("niva")
    if can["respond_handover"]:
        keys += ["godta", "avsla"]
    if can["propose_handover"]:
        keys.append("trekk" if pending else "foresla")
    if can["add_note"]:
        keys.append("notat")
    if can["add_note"] and case.is_identified:
        keys.append("foresatt")
    # Closing on nivå 1–3 has its own page (samarbeid: reason, summary, what the family was told).
    if can["reopen"]:
        keys.append("gjenapne")
    return keys


def action_block(key: str, case: Case, form: DsForm | None = None, url: str | None = None) -> ActionBlock:
    url_name, title, submit, variant = ACTION_META[key]
    return ActionBlock(
        key=key,
        title=str(title),
        url=url or reverse(url_name, kwargs={"case_id": case.pk}),
        form=form if form is not None else _form(key, case),
        submit=str(submit),
        variant=variant,
        open=bool(form is not None and form.errors),
    )


# The case page shows the newest entries; «Vis eldre» loads the rest a page at a time
# (the stafettlogg page shows 50 per page).
CASE_PAGE_ENTRIES = 20


def lazy_block(key: str, case: Case) -> ActionBlock:
    """An action as the case page lists it before its form is opened: title and URL only."""
    url = reverse(ACTION_META[key][0], kwargs={"case_id": case.pk})
    if key == "konkretisering":  # shares the note route
        url += "?type=konkretisering"
    return action_block(key, case, form=DsForm(), url=url)


NEEDS = ["add_note", "correct_entry", "nivå0", "identify", "change_level", "close", "reopen"]
NEEDS += ["propose_handover", "respond_handover", "manage_consent"]


def case_page_context(request: HttpRequest, case: Case, *, flash: Any = "") -> dict[str, Any]:
    """Everything the case page shows to ``request.user`` (a fixed number of queries)."""
    user = current_user(request)
    # The read gate: roles, readable categories and the innsynslogg row (with its purpose).
    view = gate.view_of(user, case, gate.SAKSBEHANDLING, log=True)
    roles = set(view.roles)
    can = {need: policy.can(user, need, case, roles) for need in NEEDS}
    holders = log_selectors.current_holders(case)
    active = next((h for h in holders if h.status == HandoverStatus.ACTIVE), None)
    proposed = next((h for h in holders if h.status == HandoverStatus.PROPOSED), None)
    kind = request.GET.get("type", "")
    entries = view.content("entries", kind, None, CASE_PAGE_ENTRIES)
    has_more = len(entries) > CASE_PAGE_ENTRIES
    entries = entries[:CASE_PAGE_ENTRIES]
    # The forms themselves load when their disclosure opens (``run_action`` GET over htmx);
    # only the accept form, shown open above the others, is built here.
    keys = allowed_actions(case, can, proposed is not None)
    actions = [action_block(key, case) if key == "godta" else lazy_block(key, case) for key in keys]
    return {
        "case": case,
        "roles": roles,
        "can": can,
        "active_holder": active,
        "proposed_holder": proposed,
        # A reader with no category (a pending proposal without a basis) sees no guardians.
        "guardians": selectors.guardians_for(user, case, roles) if view.categories else [],
        "entries": entries,
        "has_more": has_more,
        "next_before": entries[-1].seq if entries and has_more else None,
        "kind": kind if kind in EntryKind.values else "",
        "kinds": EntryKind.choices,
        "correctable": log_selectors.CORRECTABLE_KINDS,
        "actions": {a.key: a for a in actions},
        "action_list": actions,
        "flash": flash,
        # Sections other apps serve (bti.registries.register_case_panel), loaded in their own requests.
        "panels": [(p, reverse(p.url_name, kwargs={"case_id": case.pk})) for p in registries.case_panels()],
    }


def render_case(
    request: HttpRequest, case: Case, *, flash: Any = "", status: int = 200, notices: list[str] | None = None
) -> HttpResponse:
    context = case_page_context(request, case, flash=flash)
    context["notices"] = notices or []
    template = "cases/_case_body.html" if is_htmx(request) else "cases/case_detail.html"
    return render(request, template, context, status=status)


def _after_success(request: HttpRequest, case_id: int, text: Any) -> HttpResponse:
    try:
        case = policy.access_case(request.user, case_id)
    except Http404:
        # The action ended the user's access (declined a handover): back to their list.
        messages.success(request, text)
        target = reverse("cases:my_cases")
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
    if is_htmx(request):
        # The trinn the action ticked are said in this swap, not on the next page (bti.notices).
        response = render_case(request, case, flash=text, notices=take_notices())
        response["HX-Retarget"] = "#sak"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Push-Url"] = reverse("cases:case_detail", kwargs={"case_id": case.pk})
        return response
    messages.success(request, text)
    return HttpResponseRedirect(reverse("cases:case_detail", kwargs={"case_id": case.pk}))


def run_action(
    request: HttpRequest,
    case_id: int,
    *,
    key: str,
    need: str,
    perform: Callable[[DsForm, Case], Any],
    success: Any,
    field_map: dict[str, str] | None = None,
    form_factory: Callable[[Case, Any], DsForm] | None = None,
    url: str | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET: the action's form on its own page. POST: run ``perform`` (a service call) in
    one transaction; on success back to the case page, else the form with the messages."""
    case = policy.access_case(request.user, case_id, need)
    factory = form_factory or (lambda c, data: _form(key, c, data))
    status = 200
    if request.method == "POST":
        form = factory(case, request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    # Sent before (double click, Back + resubmit): saved once, not twice.
                    earlier = submit_keys.claim(current_user(request), form)
                    if earlier is None:
                        perform(form, case)
            except ConflictError as exc:
                form.apply_errors(exc)
                form.with_version(case.version)
                status = 409
            except ValidationError as exc:
                form.apply_errors(exc, field_map=field_map)
                status = 400
            else:
                return _after_success(request, case.pk, success if earlier is None else submit_keys.ALREADY_SAVED)
        else:
            status = 400
    else:
        form = factory(case, None)
    block = action_block(key, case, form, url)
    block.extra = extra or {}
    context = {"case": case, "act": block}
    if is_htmx(request):
        # The case page fetches a form when its disclosure opens (GET), and a form posted
        # in place comes back with its messages (htmx swaps only 2xx responses).
        return render(request, "cases/_action_form.html", {**context, "inline": True}, status=200)
    return render(request, "cases/action.html", context, status=status)


def decide(form: DecisionForm, case: Case, actor: Any) -> None:
    """The beslutning: identify first if the identity was given in the same form."""
    from cases import services

    version = form.expected_version()
    identity = form.identity_kwargs()
    if identity is not None:
        services.case_identify(actor=actor, case_id=case.pk, expected_version=version, **identity)
        version = None  # the row lock is held; the identification bumped the version
    decision = form.cleaned_data["decision"]
    reason = form.cleaned_data["reason"]
    if decision == CLOSE:
        services.case_close(actor=actor, case_id=case.pk, reason=reason, expected_version=version)
    else:
        services.case_change_level(
            actor=actor,
            case_id=case.pk,
            to_level=int(decision),
            reason=reason,
            expected_version=version,
            stafettholder_id=form.cleaned_data.get("stafettholder"),
        )
