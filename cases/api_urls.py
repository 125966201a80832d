from __future__ import annotations

from django.urls import path

from cases import api
from cases import api_log as log_api

urlpatterns = [
    path("children/", api.ChildListView.as_view(), name="api-children"),
    path("children/<int:child_id>/", api.ChildDetailView.as_view(), name="api-child"),
    path("cases/", api.CaseListView.as_view(), name="api-cases"),
    path("cases/<int:case_id>/", api.CaseDetailView.as_view(), name="api-case"),
    path("cases/<int:case_id>/level/", api.CaseLevelView.as_view(), name="api-case-level"),
    path("cases/<int:case_id>/close/", api.CaseCloseView.as_view(), name="api-case-close"),
    path("cases/<int:case_id>/reopen/", api.CaseReopenView.as_view(), name="api-case-reopen"),
    path("cases/<int:case_id>/identify/", api.CaseIdentifyView.as_view(), name="api-case-identify"),
    path("cases/<int:case_id>/sharing/", api.CaseSharingView.as_view(), name="api-case-sharing"),
    path("cases/<int:case_id>/guardians/", api.CaseGuardiansView.as_view(), name="api-case-guardians"),
    path("cases/<int:case_id>/entries/", log_api.EntryListView.as_view(), name="api-case-entries"),
    path(
        "cases/<int:case_id>/entries/<int:entry_id>/correct/",
        log_api.EntryCorrectView.as_view(),
        name="api-case-entry-correct",
    ),
    path("cases/<int:case_id>/handover/", log_api.HandoverProposeView.as_view(), name="api-handover-propose"),
    path("cases/<int:case_id>/handover/accept/", log_api.HandoverAcceptView.as_view(), name="api-handover-accept"),
    path("cases/<int:case_id>/handover/decline/", log_api.HandoverDeclineView.as_view(), name="api-handover-decline"),
    path(
        "cases/<int:case_id>/handover/withdraw/", log_api.HandoverWithdrawView.as_view(), name="api-handover-withdraw"
    ),
]
