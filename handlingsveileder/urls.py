from __future__ import annotations

from django.urls import path

from handlingsveileder import views

urlpatterns = [
    path("handlingsveiledere/", views.guide_list, name="hv-list"),
    path("handlingsveiledere/nivanavn/", views.level_labels, name="hv-levels"),
    path("handlingsveiledere/<int:guide_id>/", views.guide_detail, name="hv-guide"),
    path("handlingsveiledere/<int:guide_id>/pdf/", views.guide_pdf, name="hv-guide-pdf"),
    path("handlingsveiledere/<int:guide_id>/utkast/", views.draft_create, name="hv-draft-create"),
    path("handlingsveiledere/<int:guide_id>/import/", views.guide_import, name="hv-import"),
    path("handlingsveiledere/versjoner/<int:version_id>/", views.version_detail, name="hv-version"),
    path("handlingsveiledere/versjoner/<int:version_id>/rediger/", views.version_edit, name="hv-edit"),
    path("handlingsveiledere/versjoner/<int:version_id>/nytt-trinn/", views.step_new, name="hv-step-new"),
    path("handlingsveiledere/versjoner/<int:version_id>/endringer/", views.version_diff, name="hv-diff"),
    path("handlingsveiledere/versjoner/<int:version_id>/publiser/", views.version_publish, name="hv-publish"),
    path("handlingsveiledere/versjoner/<int:version_id>/eksport/", views.version_export, name="hv-export"),
    path("handlingsveiledere/trinn/<int:step_id>/", views.step_edit, name="hv-step-edit"),
    path("handlingsveiledere/trinn/<int:step_id>/flytt/", views.step_move, name="hv-step-move"),
    path("handlingsveiledere/trinn/<int:step_id>/fjern/", views.step_remove, name="hv-step-remove"),
    path("handlingsveiledere/trinn/<int:step_id>/verktoy/", views.tool_add, name="hv-tool-add"),
    path("handlingsveiledere/verktoy/<int:tool_id>/fjern/", views.tool_remove, name="hv-tool-remove"),
    path("handlingsveiledere/verktoy/<int:tool_id>/fil/", views.tool_file, name="hv-tool-file"),
    path("saker/<int:case_id>/trinn/", views.case_steps, name="hv-case-steps"),
    path("saker/<int:case_id>/trinn/versjon/", views.case_version_move, name="hv-case-version"),
    path("saker/<int:case_id>/trinn/<int:step_id>/", views.case_step_action, name="hv-case-step"),
]
