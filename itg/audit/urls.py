from django.urls import path, re_path

from itg.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditListView.as_view(), name="list"),
    path("<int:seq>/", views.AuditDetailView.as_view(), name="detail"),
    re_path(r"^export\.(?P<fmt>csv|jsonl)$", views.AuditExportView.as_view(), name="export"),
    path("state/", views.StateHistoryView.as_view(), name="state"),
]
