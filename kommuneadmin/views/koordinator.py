"""The BTI-koordinator's page: how BTI works in the kommune, no case content."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bti.access import kommune_leader
from kommuneadmin.koordinator import LOGIN_MONTHS, koordinator_kommune, koordinator_view


@kommune_leader
def koordinator(request: HttpRequest) -> HttpResponse:
    kid = koordinator_kommune(request.user)
    if kid is None:
        raise PermissionDenied
    months = int(request.GET["maaneder"]) if request.GET.get("maaneder", "") in {str(m) for m in LOGIN_MONTHS} else 6
    view = koordinator_view(kid, months=months)
    return render(request, "kommuneadmin/koordinator.html", {"view": view, "months_choices": LOGIN_MONTHS})
