from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from familie import api

urlpatterns = [
    path("familie/saker/", login_not_required(api.FamilyCasesView.as_view()), name="api-familie-cases"),
    path("familie/saker/<int:case_id>/logg/", login_not_required(api.FamilyLogView.as_view()), name="api-familie-log"),
    path(
        "familie/saker/<int:case_id>/samtykker/",
        login_not_required(api.FamilyConsentsView.as_view()),
        name="api-familie-consents",
    ),
    path(
        "familie/saker/<int:case_id>/lesinger/",
        login_not_required(api.FamilyReadsView.as_view()),
        name="api-familie-reads",
    ),
]
