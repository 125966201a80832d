from __future__ import annotations

from django.urls import path

from kommuneadmin import api

urlpatterns = [
    path("kommune/ansatte/", api.StaffView.as_view(), name="api-ka-staff"),
    path("kommune/ansatte/<int:user_id>/", api.PersonView.as_view(), name="api-ka-person"),
    path("kommune/ansatte/<int:user_id>/aktiv/", api.PersonActiveView.as_view(), name="api-ka-person-active"),
    path("kommune/ansatte/<int:user_id>/tilknytninger/", api.MembershipCreateView.as_view(), name="api-ka-memberships"),
    path("kommune/ansatte/<int:user_id>/roller/", api.RoleCreateView.as_view(), name="api-ka-roles"),
    path("kommune/tilknytninger/<int:membership_id>/", api.MembershipView.as_view(), name="api-ka-membership"),
    path("kommune/roller/<int:role_id>/", api.RoleView.as_view(), name="api-ka-role"),
    path("kommune/enheter/", api.UnitsView.as_view(), name="api-ka-units"),
    path("kommune/innstillinger/sprak/", api.KommuneLanguageView.as_view(), name="api-ka-language"),
    path("kommune/import/", api.ImportView.as_view(), name="api-ka-import"),
    path("kommune/import/<int:import_id>/", api.ImportApplyView.as_view(), name="api-ka-import-apply"),
    path("kommune/aldersregler/", api.AgeRulesView.as_view(), name="api-ka-age-rules"),
    path("bti-koordinator/", api.KoordinatorView.as_view(), name="api-koordinator"),
]
