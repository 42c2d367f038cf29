"""The responses API, included from the root URLconf under `api/`."""

from django.urls import path

from subpoenas.responses import api

urlpatterns = [
    path("demands/<int:pk>/responses/", api.DemandResponsesAPI.as_view(), name="api-demand-responses"),
    path("demands/<int:pk>/evidence/", api.DemandEvidenceAPI.as_view(), name="api-demand-evidence"),
    path("responses/<int:pk>/deliver/", api.ResponseDeliverAPI.as_view(), name="api-response-deliver"),
    path("responses/<int:pk>/download/", api.ResponseDownloadAPI.as_view(), name="api-response-download"),
]
