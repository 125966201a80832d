"""Search among the cases the user may see (by name, anonymous label or fødselsnummer)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bti import innsyn
from bti.access import object_policy
from bti.http import current_user, is_htmx
from cases import selectors


@object_policy
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    cases, message = selectors.search_cases(current_user(request), query) if query else ([], "")
    innsyn.record_many(user=request.user, cases=cases, how=innsyn.SEARCH)
    template = "cases/_search_results.html" if is_htmx(request) else "cases/search.html"
    return render(
        request, template, {"query": query, "cases": cases, "message": message, "limit": selectors.SEARCH_LIMIT}
    )
