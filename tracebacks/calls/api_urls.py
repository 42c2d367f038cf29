from django.urls import path

from . import api

urlpatterns = [
    path("", api.CallListView.as_view(), name="api-calls"),
    path("<int:pk>/", api.CallDetailView.as_view(), name="api-call"),
    path("imports/", api.JobListView.as_view(), name="api-call-imports"),
    path("imports/<int:pk>/", api.JobDetailView.as_view(), name="api-call-import"),
]
