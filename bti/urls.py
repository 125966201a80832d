from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from bti import languages, views
from bti.access import authenticated

urlpatterns = [
    path("", views.home, name="home"),
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.LogoutView.as_view(), name="logout"),
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("ping/", views.ping, name="ping"),
    path("i18n/setlang/", languages.set_language, name="set_language"),
    path("", include("cases.urls_search")),
    path("", include("bti.security.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", authenticated(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", authenticated(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/v1/", include("bti.api_urls")),
    path("", include("cases.urls")),
    path("", include("cases.urls_log")),
    path("", include("handlingsveileder.urls")),
    path("", include("consent.urls")),
    path("", include("samarbeid.urls")),
    path("", include("oversikt.urls")),
    path("", include("undersokelse.urls")),
    path("", include("implementering.urls")),
    path("", include("kommuneadmin.urls")),
    path("", include("samordning.urls")),
    path("", include("familie.urls")),
    path("", include("arkiv.urls")),
]

handler400 = "bti.views.bad_request"
handler403 = "bti.views.permission_denied"
handler404 = "bti.views.page_not_found"
handler500 = "bti.views.server_error"
