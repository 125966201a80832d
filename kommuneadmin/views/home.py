"""The administration's front page, the kommune's security log, and the invitation page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bti.access import kommune_admin, public
from bti.http import is_htmx
from bti.models import Kommune
from bti.security.stepup import require_recent_auth
from kommuneadmin import invitations, selectors
from kommuneadmin.forms import LogFilterForm, SetPasswordForm
from kommuneadmin.services import staff as services
from kommuneadmin.views.common import kommune_id, page


@kommune_admin
@require_recent_auth
def home(request: HttpRequest) -> HttpResponse:
    kid = kommune_id(request)
    context = {
        "kommune": Kommune.objects.get(pk=kid),
        "counts": selectors.overview_counts(kid),
        "section": "home",
    }
    return page(request, "kommuneadmin/home.html", context)


@kommune_admin
@require_recent_auth
def security_log(request: HttpRequest) -> HttpResponse:
    kid = kommune_id(request)
    form = LogFilterForm(request.GET or None, kinds=selectors.LOG_KINDS)
    kind = q = ""
    if form.is_valid():
        kind, q = form.cleaned_data["kind"], form.cleaned_data["q"]
    events = Paginator(selectors.security_log(kid, kind=kind, q=q), 50).get_page(request.GET.get("side"))
    names = selectors.names_of(kid, {e.user_id for e in events if e.user_id})
    query = request.GET.copy()
    query.pop("side", None)
    context = {"form": form, "page": events, "names": names, "query": query.urlencode(), "section": "log"}
    if is_htmx(request):
        return render(request, "kommuneadmin/_log_list.html", context)
    return render(request, "kommuneadmin/security_log.html", context)


@public
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Choose a password from the invitation link. An invalid or used link says so."""
    user = invitations.user_for_token(uidb64, token)
    if user is None:
        return render(request, "kommuneadmin/invitation_invalid.html", status=400)
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["password1"], request=request)
        messages.success(request, _("Passordet er valgt. Logg inn med e-postadressen din og det nye passordet."))
        return redirect("login")
    status = 400 if form.errors else 200
    return render(request, "kommuneadmin/invitation.html", {"form": form, "invited": user}, status=status)
