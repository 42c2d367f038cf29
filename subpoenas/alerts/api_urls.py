"""The alerts API, included from the root URLconf under `api/`."""

from django.urls import path

from subpoenas.alerts import api

urlpatterns = [
    path("alerts/", api.AlertListAPI.as_view(), name="api-alerts"),
    path("alerts/<int:pk>/", api.AlertDetailAPI.as_view(), name="api-alert"),
    path("alerts/<int:pk>/acknowledge/", api.AlertAcknowledgeAPI.as_view(), name="api-alert-acknowledge"),
]
