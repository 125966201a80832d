from __future__ import annotations

from django.urls import path

from kommuneadmin.views import home, imports, koordinator, people, settings, units

urlpatterns = [
    path("kommune/", home.home, name="ka-home"),
    path("kommune/sikkerhetslogg/", home.security_log, name="ka-log"),
    path("kommune/tjenester/", units.service_list, name="ka-services"),
    path("kommune/tjenester/ny/", units.service_new, name="ka-service-new"),
    path("kommune/tjenester/<int:service_id>/", units.service_edit, name="ka-service"),
    path("kommune/enheter/ny/", units.unit_new, name="ka-unit-new"),
    path("kommune/enheter/<int:unit_id>/", units.unit_detail, name="ka-unit"),
    path("kommune/enheter/<int:unit_id>/steng/", units.unit_close, name="ka-unit-close"),
    path("kommune/enheter/<int:unit_id>/gjenapne/", units.unit_reopen, name="ka-unit-reopen"),
    path("kommune/enheter/<int:unit_id>/slaa-sammen/", units.unit_merge, name="ka-unit-merge"),
    path("kommune/ansatte/", people.staff_list, name="ka-staff"),
    path("kommune/ansatte/ny/", people.staff_new, name="ka-staff-new"),
    path("kommune/ansatte/<int:user_id>/", people.person_detail, name="ka-person"),
    path("kommune/ansatte/<int:user_id>/status/", people.person_status, name="ka-person-status"),
    path("kommune/ansatte/<int:user_id>/invitasjon/", people.person_invite, name="ka-person-invite"),
    path("kommune/ansatte/<int:user_id>/tilknytninger/ny/", people.membership_new, name="ka-membership-new"),
    path("kommune/ansatte/<int:user_id>/roller/", people.role_add, name="ka-role-add"),
    path("kommune/tilknytninger/<int:membership_id>/", people.membership_edit, name="ka-membership"),
    path("kommune/tilknytninger/<int:membership_id>/avslutt/", people.membership_end, name="ka-membership-end"),
    path("kommune/roller/<int:role_id>/fjern/", people.role_remove, name="ka-role-remove"),
    path("kommune/import/", imports.import_start, name="ka-import"),
    path("kommune/import/eksempel.csv", imports.import_example, name="ka-import-example"),
    path("kommune/import/<int:import_id>/", imports.import_preview, name="ka-import-preview"),
    path("kommune/import/<int:import_id>/bruk/", imports.import_apply, name="ka-import-apply"),
    path("kommune/innstillinger/", settings.settings_index, name="ka-settings"),
    path("kommune/innstillinger/aldersregler/", settings.age_rules, name="ka-age-rules"),
    path("kommune/innstillinger/oppfolging/", settings.followup, name="ka-followup"),
    path("kommune/innstillinger/sprak/", settings.kommune_language, name="ka-language"),
    path("kommune/innstillinger/kategorier/", settings.categories, name="ka-categories"),
    path("kommune/innstillinger/kategorier/<slug:code>/", settings.category_edit, name="ka-category"),
    path("kommune/innstillinger/id-leverandorer/", settings.providers, name="ka-providers"),
    path("kommune/innstillinger/id-leverandorer/ny/", settings.provider_new, name="ka-provider-new"),
    path("kommune/innstillinger/id-leverandorer/<int:provider_id>/", settings.provider_edit, name="ka-provider"),
    path(
        "kommune/innstillinger/id-leverandorer/<int:provider_id>/grupper/", settings.mapping_new, name="ka-mapping-new"
    ),
    path("kommune/gruppekoblinger/<int:mapping_id>/fjern/", settings.mapping_remove, name="ka-mapping-remove"),
    path("invitasjon/<slug:uidb64>/<slug:token>/", home.invitation_accept, name="invitation-accept"),
    path("bti-koordinator/", koordinator.koordinator, name="koordinator"),
]
