"""Search among the cases the user may see (by name, anonymous label or fødselsnummer).

The query is POSTed (CSRF-protected), never put in the URL: a name, fnr or address in
``?q=`` would end up in the web server's access log (issue 13 item 6). A GET shows the
empty form; a GET with a query string (an old bookmark) is sent to the bare URL, so
the text is neither searched nor echoed back (the language switcher's «next»). The hits are logged in the innsynslogg in one bulk
insert, with the purpose «søk».
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bti import gate, innsyn
from bti.access import object_policy
from bti.http import current_user, is_htmx
from cases import selectors


@object_policy
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and request.GET:
        return redirect("search")
    query = request.POST.get("q", "")[:100] if request.method == "POST" else ""
    cases, message = selectors.search_cases(current_user(request), query) if query else ([], "")
    gate.log_list(current_user(request), cases, gate.SOK, how=innsyn.SEARCH)
    template = "cases/_search_results.html" if is_htmx(request) else "cases/search.html"
    return render(
        request, template, {"query": query, "cases": cases, "message": message, "limit": selectors.SEARCH_LIMIT}
    )
