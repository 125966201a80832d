"""Pages of the family portal (issue 14) and the staff's family panel on the case page.

The family: no Django user; the session holds the ID-porten marker (``citizen``), and every
read of case content is ``bti.gate.open_family_case`` (the family audience of the gate).
Staff: ``bti.gate.open_case`` / ``bti.policy`` as everywhere else.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bti import gate, policy, registries
from bti.access import object_policy, public
from bti.basis import kommune_categories
from bti.categories import BARNEVERN
from bti.http import current_user, is_htmx
from bti.security import audit
from bti.security.models import SecurityEventKind
from cases.selectors import guardians_of_case
from familie import identity, selectors, services
from familie.forms import (
    AddressProtectForm,
    AnswerForm,
    ConcernForm,
    ConsentForm,
    DemoLoginForm,
    GuardianStatusForm,
    HoldForm,
    MemberForm,
    MessageForm,
    QuestionForm,
    ReadGrantForm,
    RenewForm,
    StaffMessageForm,
)
from familie.identity import FamilyReader
from familie.models import FamilyMember

TEST_PROVIDER = "test-idporten"


# --- The test ID-porten (DEMO_MODE only) -------------------------------------------------


def _demo_members() -> list[FamilyMember]:
    return list(FamilyMember.objects.filter(is_demo=True).order_by("pk"))


@public
@require_http_methods(["GET", "POST"])
def demo_login(request: HttpRequest) -> HttpResponse:
    """Stands in for ID-porten in DEMO_MODE: choose a test person. 404 outside DEMO_MODE."""
    if not settings.DEMO_MODE:
        raise Http404
    members = _demo_members()
    form = DemoLoginForm(request.POST or None, members=[(str(m.pk), m.demo_label or str(m)) for m in members])
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            member = next(m for m in members if str(m.pk) == form.cleaned_data["member"])
            if request.user.is_authenticated:
                from django.contrib.auth import logout

                logout(request)
            request.session.cycle_key()
            request.session["citizen"] = {
                "pid_index": member.pid_index,
                "provider": TEST_PROVIDER,
                "acr": "idporten-loa-high",
                "demo": True,
                "at": time.time(),
            }
            audit.record(SecurityEventKind.LOGIN, request=request, detail={"method": "test-idporten"})
            return redirect("familie-home")
    return render(request, "familie/demo_login.html", {"form": form}, status=status)


# --- The family's pages ------------------------------------------------------------------


def _reader(request: HttpRequest) -> FamilyReader | None:
    return FamilyReader.from_session(request.session)


@public
def home(request: HttpRequest) -> HttpResponse:
    reader = _reader(request)
    if reader is None:
        return redirect("citizen-login")
    members = identity.members_of(reader)
    refusals = [(m, msg) for m in members if (msg := identity.refusal(m))]
    cases = identity.family_cases(reader)
    status = 200 if cases or not members else 403
    return render(
        request,
        "familie/home.html",
        {"cases": cases, "refusals": refusals, "unknown": not members},
        status=status,
    )


@public
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    reader = _reader(request)
    if reader is None:
        return redirect("citizen-login")
    view = gate.open_family_case(reader, case_id, gate.INNSYN)
    return render(
        request,
        "familie/case.html",
        {
            "case": view.case,
            "entries": view.content("family_entries"),
            "goals": view.content("goals"),
            "meetings": view.content("meetings"),
            "contact": selectors.unit_contact(view.case),
            "storage": registries.storage_info(view.case),
        },
    )


# --- The staff's family panel --------------------------------------------------------------


def _guardian_choices(user: Any, case: Any) -> list[tuple[str, str]]:
    return [(str(g.pk), f"{g.full_name} ({g.relation})") for g in guardians_of_case(user, case).order_by("pk")]


def _member_choices(members: list[Any]) -> list[tuple[str, str]]:
    return [(str(m.pk), services.member_name(m)) for m in members if not identity.refusal(m)]


def _youth_choices(case: Any, members: list[Any]) -> list[tuple[str, str]]:
    from familie.models import MemberKind

    return [
        (str(m.pk), str(case.child.full_name) + (f" ({_('har lesetilgang')})" if m.read_granted else ""))
        for m in members
        if m.kind == MemberKind.UNGDOM
    ]


def _panel_context(request: HttpRequest, case_id: Any, forms: dict[str, Any] | None = None) -> dict[str, Any]:
    user = current_user(request)
    view = gate.open_case(user, case_id, gate.SAKSBEHANDLING, obj_type="familie")
    case = view.case
    guardians = _guardian_choices(user, case)
    rows = selectors.staff_family_overview(view)
    entry_choices = [
        (str(r["entry"].pk), f"#{r['entry'].seq} {r['entry'].kind_label}") for r in rows if r["hold"] is None
    ]
    forms = forms or {}
    members = selectors.members_of_case(case)
    youth = _youth_choices(case, members)
    return {
        "case": case,
        "may_edit": view.can("add_note") and case.child_id is not None,
        "members": members,
        "status_changes": selectors.status_changes(case),
        "rows": rows,
        "status_form": forms.get("status") or GuardianStatusForm(guardians=guardians),
        "address_form": forms.get("address") or AddressProtectForm(guardians=guardians),
        "hold_form": forms.get("hold") or HoldForm(entries=entry_choices),
        "member_form": forms.get("member") or MemberForm(guardians=guardians),
        # The thread only for those who work the case (not for a unit reading on consent).
        "grant_form": forms.get("grant") or ReadGrantForm(members=youth),
        "youth_choices": youth,
        "threads": selectors.threads_of(view) if view.can("add_note") else [],
        "message_form": forms.get("message") or StaffMessageForm(members=_member_choices(members)),
        "guardians": guardians,
        "entry_choices": entry_choices,
    }


@object_policy
def panel(request: HttpRequest, case_id: int) -> HttpResponse:
    context = _panel_context(request, case_id)
    template = "familie/_panel.html" if is_htmx(request) else "familie/panel.html"
    return render(request, template, context)


def _post(request: HttpRequest, case_id: int, key: str, build: Any, act: Any, done: str) -> HttpResponse:
    user = current_user(request)
    policy.access_case(user, case_id, "add_note")  # 404 for a reader who may not change the case
    base = _panel_context(request, case_id)
    form = build(request.POST, base)
    if form.is_valid():
        try:
            act(user, base["case"], form.cleaned_data)
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, done)
            return redirect(reverse("familie-panel", kwargs={"case_id": case_id}))
    context = _panel_context(request, case_id, {key: form})
    context["open_form"] = key
    return render(request, "familie/panel.html", context, status=400)


@object_policy
@require_POST
def status_change(request: HttpRequest, case_id: int) -> HttpResponse:
    return _post(
        request, case_id, "status",
        lambda data, ctx: GuardianStatusForm(data, guardians=ctx["guardians"]),
        lambda user, case, d: services.guardian_status_change(
            actor=user, case_id=case.pk, guardian_id=d["guardian"], has_responsibility=d["has_responsibility"] == "1",
            basis=d["basis"], reason=d["reason"],
        ),
        _("Foreldreansvaret er endret og loggført."),
    )  # fmt: skip


@object_policy
@require_POST
def address_protect(request: HttpRequest, case_id: int) -> HttpResponse:
    return _post(
        request, case_id, "address",
        lambda data, ctx: AddressProtectForm(data, guardians=ctx["guardians"]),
        lambda user, case, d: services.child_address_protect(
            actor=user, case_id=case.pk, protected_from_id=d["protected_from"], reason=d["reason"]
        ),
        _("Barnets adresse er sperret."),
    )  # fmt: skip


@object_policy
@require_POST
def entry_hold(request: HttpRequest, case_id: int) -> HttpResponse:
    return _post(
        request, case_id, "hold",
        lambda data, ctx: HoldForm(data, entries=ctx["entry_choices"]),
        lambda user, case, d: services.entry_hold(
            actor=user, case_id=case.pk, entry_id=d["entry"], reason=d["reason"], note=d["note"]
        ),
        _("Oppføringen vises ikke for familien."),
    )  # fmt: skip


@object_policy
@require_POST
def member_register(request: HttpRequest, case_id: int) -> HttpResponse:
    return _post(
        request, case_id, "member",
        lambda data, ctx: MemberForm(data, guardians=ctx["guardians"]),
        lambda user, case, d: services.family_member_register(
            actor=user, case_id=case.pk, guardian_id=d["guardian"], pid=d["pid"]
        ),
        _("Innloggingen er registrert."),
    )  # fmt: skip


# --- Consent online (item 3) ---------------------------------------------------------------


def _consent_form(view: Any, data: Any = None) -> ConsentForm:
    units = [(str(u.pk), f"{u.name} ({u.service.name})") for u in selectors.recipient_units(view.case)]
    cats = [(code, name) for code, name in kommune_categories(view.case.kommune_id) if code != BARNEVERN]
    return ConsentForm(data, units=units, categories=cats)


def _consent_page(
    request: HttpRequest, view: Any, form: Any = None, status: int = 200, error: str = "",
    renew: tuple[int, Any] | None = None,
) -> HttpResponse:  # fmt: skip
    from datetime import timedelta

    from django.utils import timezone

    member = identity.member_for(view.reader, view.case)
    consents = selectors.consents_of(view)
    until = timezone.localdate() + timedelta(days=365)
    for c in consents:
        c.may_withdraw = (
            bool(c.open_scopes) and c.decision == "given" and member is not None and services.may_withdraw(member, c)
        )
        c.may_renew = member is not None and services.may_renew(member, c)
        if c.may_renew:
            c.renew_form = (
                renew[1]
                if renew and renew[0] == c.pk
                else RenewForm(initial={"valid_until": until}, auto_id=f"forny-{c.pk}-%s")
            )
    return render(
        request,
        "familie/consent.html",
        {
            "case": view.case,
            "member": member,
            "consents": consents,
            "status_rows": selectors.guardian_status(view),
            "form": form or _consent_form(view),
            "error": error,
            "decide_refusal": services.decide_refusal(member, view.case) if member is not None else "",
        },
        status=status,
    )


@public
@require_http_methods(["GET", "POST"])
def consent_page(request: HttpRequest, case_id: int) -> HttpResponse:
    reader = _reader(request)
    if reader is None:
        return redirect("citizen-login")
    view = gate.open_family_case(reader, case_id, gate.INNSYN)
    if request.method != "POST":
        return _consent_page(request, view)
    form = _consent_form(view, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.family_consent(
                view=view, decision=d["decision"], unit_ids=[int(d["unit"])], category_codes=d["categories"],
                purpose=d["purpose"], child_view=d["child_view"], valid_until=d["valid_until"],
            )  # fmt: skip
        except ValidationError as exc:
            form.apply_errors(
                exc,
                field_map={
                    "units": "unit",
                    "guardians": "__all__",
                    "by_young_person": "__all__",
                    "valid_from": "valid_until",
                },
            )
        else:
            messages.success(request, _("Svaret ditt er lagret."))
            return redirect("familie-consent", case_id=view.case.pk)
    return _consent_page(request, view, form, status=400)


@public
@require_POST
def consent_withdraw(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    reader = _reader(request)
    if reader is None:
        return redirect("citizen-login")
    view = gate.open_family_case(reader, case_id, gate.INNSYN)
    try:
        services.family_withdraw(view=view, consent_id=consent_id)
    except ValidationError as exc:
        text = " ".join(str(m) for msgs in exc.message_dict.values() for m in msgs)
        return _consent_page(request, view, status=400, error=text)
    messages.success(request, _("Samtykket er trukket tilbake. Tjenesten får ikke lenger opplysningene."))
    return redirect("familie-consent", case_id=view.case.pk)


@public
@require_POST
def consent_renew(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    reader = _reader(request)
    if reader is None:
        return redirect("citizen-login")
    view = gate.open_family_case(reader, case_id, gate.INNSYN)
    form = RenewForm(request.POST, auto_id=f"forny-{consent_id}-%s")
    if form.is_valid():
        try:
            services.family_renew(view=view, consent_id=consent_id, valid_until=form.cleaned_data["valid_until"])
        except ValidationError as exc:
            form.apply_errors(exc, field_map={"units": "valid_until", "guardians": "valid_until"})
        else:
            messages.success(request, _("Samtykket er fornyet."))
            return redirect("familie-consent", case_id=view.case.pk)
    errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
    return _consent_page(request, view, status=400, error=errors, renew=(int(consent_id), form))


# --- Who read my child's case (item 4) -----------------------------------------------------


def _reads_page(request: HttpRequest, view: Any, form: Any = None, asked: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "familie/reads.html",
        {
            "case": view.case,
            "reads": selectors.reads_of(view),
            "questions": selectors.questions_of(view),
            "form": form or QuestionForm(),
            "asked": asked,
        },
        status=status,
    )


@public
def reads_page(request: HttpRequest, case_id: int) -> HttpResponse:
    reader = _reader(request)
    if reader is None:
        return redirect("citizen-login")
    return _reads_page(request, gate.open_family_case(reader, case_id, gate.INNSYN))


@public
@require_POST
def ask_why(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    reader = _reader(request)
    if reader is None:
        return redirect("citizen-login")
    view = gate.open_family_case(reader, case_id, gate.INNSYN)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.ask_why(view=view, access_entry_id=entry_id, question=form.cleaned_data["question"])
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, _("Spørsmålet er sendt til lederen av enheten. Svaret kommer her."))
            return redirect("familie-reads", case_id=view.case.pk)
    return _reads_page(request, view, form, asked=str(entry_id), status=400)


@object_policy
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest) -> HttpResponse:
    """The unit leader's open questions from families, with an answer form each."""
    user = current_user(request)
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.answer_why(
                    actor=user, question_id=request.POST.get("question_id"), answer=form.cleaned_data["answer"]
                )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(request, _("Svaret er sendt til familien."))
                return redirect("familie-questions")
    return render(
        request,
        "familie/questions.html",
        {"questions": selectors.questions_for_leader(user), "form": form},
        status=status,
    )


# --- Raise a concern (item 5) ----------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def concern(request: HttpRequest) -> HttpResponse:
    reader = _reader(request)
    if reader is None:
        return redirect("citizen-login")
    members = identity.allowed_members(reader)
    if not members:
        raise Http404
    children = [(str(m.pk), m.child.full_name) for m in members]
    units = [(str(u.pk), f"{u.name} ({u.service.name})") for u in selectors.concern_units(members[0].kommune_id)]
    form = ConcernForm(request.POST or None, children=children, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                case = services.raise_concern(
                    reader=reader, child_member_id=d["child"], unit_id=d["unit"], text=d["observation"]
                )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(request, _("Takk. Enheten har fått beskjed og tar kontakt med deg."))
                return redirect("familie-case", case_id=case.pk)
    return render(request, "familie/concern.html", {"form": form}, status=status)


# --- Messages between the family and the stafettholder (item 6) ------------------------------


def _messages_page(request: HttpRequest, view: Any, form: Any = None, status: int = 200) -> HttpResponse:
    member = identity.member_for(view.reader, view.case)
    return render(
        request,
        "familie/messages.html",
        {
            "case": view.case,
            "thread": selectors.messages_of(view),
            "form": form or MessageForm(),
            "refusal": services.message_refusal(member, view.case) if member is not None else "",
            "contact": selectors.unit_contact(view.case),
        },
        status=status,
    )


@public
@require_http_methods(["GET", "POST"])
def messages_page(request: HttpRequest, case_id: int) -> HttpResponse:
    reader = _reader(request)
    if reader is None:
        return redirect("citizen-login")
    view = gate.open_family_case(reader, case_id, gate.INNSYN)
    if request.method != "POST":
        return _messages_page(request, view)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_send_by_family(view=view, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, _("Meldingen er sendt. Stafettholderen har fått beskjed."))
            return redirect("familie-messages", case_id=view.case.pk)
    return _messages_page(request, view, form, status=400)


@object_policy
@require_POST
def message_reply(request: HttpRequest, case_id: int) -> HttpResponse:
    return _post(
        request, case_id, "message",
        lambda data, ctx: StaffMessageForm(data, members=_member_choices(ctx["members"])),
        lambda user, case, d: services.message_send_by_staff(
            actor=user, case_id=case.pk, member_id=d["member"], text=d["text"]
        ),
        _("Meldingen er sendt til familien."),
    )  # fmt: skip


@object_policy
@require_POST
def read_grant(request: HttpRequest, case_id: int) -> HttpResponse:
    return _post(
        request, case_id, "grant",
        lambda data, ctx: ReadGrantForm(data, members=ctx["youth_choices"]),
        lambda user, case, d: services.youth_read_grant(
            actor=user, case_id=case.pk, member_id=d["member"], granted=d["granted"] == "1", reason=d["reason"]
        ),
        _("Lesetilgangen er endret og loggført."),
    )  # fmt: skip
