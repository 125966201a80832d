"""Thin HTTP adapters: the notification centre and the leaders' overview."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bti import gate, policy
from bti.access import authenticated, kommune_leader
from bti.http import current_user, is_htmx
from bti.policy import AggregateScope
from bti.replica import replica_reads
from bti.security import require_recent_auth
from oversikt import charts, selectors, services, sources
from oversikt.forms import OverviewFilterForm, PreferenceForm

# --- Notification centre --------------------------------------------------------------


@authenticated
def notifications(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("uleste") == "1"
    qs = selectors.notifications_for(current_user(request), unread_only=unread_only)
    page = Paginator(qs, 50).get_page(request.GET.get("side"))
    context = {"page": page, "unread_only": unread_only}
    if is_htmx(request):
        return render(request, "oversikt/_notification_list.html", context)
    return render(request, "oversikt/notifications.html", context)


@authenticated
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = services.notification_mark_read(actor=current_user(request), notification_id=notification_id)
    if is_htmx(request):
        return render(request, "oversikt/_notification_item.html", {"n": notification, "swapped": True})
    return redirect("notifications")


@authenticated
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=current_user(request))
    messages.success(request, _("Alle varsler er merket som lest."))
    return redirect("notifications")


@authenticated
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """The link in e-mails: mark as read, then go to the case (its page checks access again)."""
    notification = services.notification_mark_read(actor=current_user(request), notification_id=notification_id)
    if notification.case_id:
        try:
            return HttpResponseRedirect(reverse("cases:case_detail", kwargs={"case_id": notification.case_id}))
        except NoReverseMatch:
            pass
    return HttpResponseRedirect(reverse("notifications") + f"#varsel-{notification.pk}")


@authenticated
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = services.email_mode_of(current_user(request).pk)
    form = PreferenceForm(request.POST or None, initial={"email_mode": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_set(actor=current_user(request), email_mode=form.cleaned_data["email_mode"])
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, _("Innstillingen er lagret."))
            return redirect("notification-settings")
    return render(request, "oversikt/settings.html", {"form": form}, status=400 if form.errors else 200)


# --- Leader overview ------------------------------------------------------------------


def _scope(request: HttpRequest) -> AggregateScope:
    scope = policy.aggregate_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _filtered(request: HttpRequest) -> tuple[AggregateScope, OverviewFilterForm, selectors.Overview | None]:
    scope = _scope(request)
    form = OverviewFilterForm(request.GET, scope=scope)
    if not form.is_valid():
        return scope, form, None
    # Who may see what was decided above, on the primary; the aggregates themselves may
    # come from the read replica while it is fresh enough (bti/replica.py, ADR 0020).
    with replica_reads():
        return scope, form, selectors.overview(scope, form.filters(), skipped_rules=sources.missing_rules())


def _overview_context(
    request: HttpRequest, scope: AggregateScope, form: OverviewFilterForm, ov: selectors.Overview | None
) -> dict[str, Any]:
    params = request.GET.copy()
    params.pop(gate.STAMP_PARAM, None)
    export_query = params.copy()
    if ov is not None:
        # The export links carry a stamp of the numbers shown (issue 13 item 5).
        export_query[gate.STAMP_PARAM] = _export_stamp(selectors.overview_table(ov))
    return {
        "form": form,
        "ov": ov,
        "is_kommune": scope.unit_ids is None,
        "query": params.urlencode(),
        "export_query": export_query.urlencode(),
        "charts": {
            "level": charts.bar_chart(ov.open_by_level),
            "service": charts.bar_chart(ov.open_by_service),
            "month": charts.bar_chart(ov.new_per_month),
        }
        if ov
        else None,
    }


def _export_stamp(rows: list[tuple[str, str, Any]]) -> str:
    return gate.download_stamp([[str(section), str(label), value] for section, label, value in rows])


@kommune_leader
def overview(request: HttpRequest) -> HttpResponse:
    scope, form, ov = _filtered(request)
    context = _overview_context(request, scope, form, ov)
    if is_htmx(request):
        # htmx swaps only 2xx answers; the partial carries the field errors itself.
        return render(request, "oversikt/_overview.html", context)
    status = 400 if ov is None else 200
    return render(request, "oversikt/overview.html", context, status=status)


def _export_or_error(request: HttpRequest) -> tuple[list[tuple[str, str, Any]] | None, HttpResponse | None]:
    scope, form, ov = _filtered(request)
    if ov is None:
        context = {"form": form, "ov": None, "is_kommune": scope.unit_ids is None, "query": "", "charts": None}
        return None, render(request, "oversikt/overview.html", context, status=400)
    rows = selectors.overview_table(ov)
    if gate.stale_download(request.GET, _export_stamp(rows)):
        # The numbers changed since the page was shown (a consent, a case): say so and
        # show the fresh overview with fresh export links.
        messages.warning(request, gate.STALE_DOWNLOAD)
        return None, render(request, "oversikt/overview.html", _overview_context(request, scope, form, ov), status=409)
    return rows, None


def _filename(ext: str) -> str:
    return f"bti-oversikt-{timezone.localdate().isoformat()}.{ext}"


@kommune_leader
@require_recent_auth
def overview_export_csv(request: HttpRequest) -> HttpResponse:
    rows, error = _export_or_error(request)
    if error is not None or rows is None:
        return error  # type: ignore[return-value]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Del"), _("Gruppe"), _("Verdi")])
    for section, label, value in rows:
        writer.writerow([section, label, "" if value is None else value])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@kommune_leader
@require_recent_auth
def overview_export_xlsx(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    rows, error = _export_or_error(request)
    if error is not None or rows is None:
        return error  # type: ignore[return-value]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Oversikt")
    sheet.append([_("Del"), _("Gruppe"), _("Verdi")])
    for section, label, value in rows:
        sheet.append([section, label, value])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response


@kommune_leader
@require_POST
def overview_detect(request: HttpRequest) -> HttpResponse:
    """«Kjør kontroll nå»: the same detection as the daily run, then fresh numbers."""
    services.detection_request(kommune_id=_scope(request).kommune_id)
    messages.success(
        request,
        _("Kontrollen er startet. Stafettholderne får varsel om nye oppfølgingsbrudd, og tallene oppdateres om litt."),
    )
    return redirect("overview")
