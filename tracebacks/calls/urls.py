from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("", views.CallSearchView.as_view(), name="search"),
    path("<int:pk>/", views.CallDetailView.as_view(), name="call"),
    path("sources/", views.SourcesView.as_view(), name="sources"),
    path("imports/", views.ImportListView.as_view(), name="imports"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="job"),
    path("imports/<int:pk>/rejects.csv", views.RejectsDownloadView.as_view(), name="rejects"),
    path("certificates/", views.CertificateListView.as_view(), name="certificates"),
    path("certificates/<int:pk>/remove/", views.CertificateRemoveView.as_view(), name="certificate_remove"),
]
