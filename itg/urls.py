"""The root URLconf. Domain apps are wired in by dotted path, so `itg` imports none of them."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from itg.accounts.api import MeView
from itg.api_docs import RedocView

urlpatterns = [
    path("", include("cases.home_urls")),
    path("accounts/", include("itg.accounts.urls")),
    path("cases/", include("cases.urls")),
    path("audit/", include("itg.audit.urls")),
    path("demands/", include("subpoenas.urls")),
    path("notifications/", include("itg.notifications.urls")),
    path("responses/", include("subpoenas.responses.urls")),
    path("alerts/", include("subpoenas.alerts.urls")),
    path("providers/", include("providers.urls")),
    path("providers/", include("tracebacks.provider_urls")),
    path("tracebacks/", include("tracebacks.urls")),
    path("calls/", include("tracebacks.calls.urls")),
    path("ecosystem/", include("tracebacks.ecosystem.urls")),
    path("respond/", include("tracebacks.respond_urls")),
    path("campaigns/detected/", include("tracebacks.detection.urls")),
    path("trends/", include("tracebacks.detection.trends_urls")),
    path("admin/", admin.site.urls),
    path("api/me/", MeView.as_view(), name="api-me"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/", include("cases.api_urls")),
    path("api/", include("subpoenas.api.urls")),
    path("api/", include("subpoenas.responses.api_urls")),
    path("api/", include("subpoenas.alerts.api_urls")),
    path("api/provider/", include("tracebacks.api.urls")),
    path("api/calls/", include("tracebacks.calls.api_urls")),
    path("api/", include("tracebacks.detection.api_urls")),
    path("api/tracebacks/", include("tracebacks.api.staff_urls")),
]
handler500 = "itg.db_outage.server_error"
