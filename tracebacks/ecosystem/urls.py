from django.urls import path

from tracebacks.ecosystem import views
from tracebacks.ecosystem.letters import views as letters

app_name = "ecosystem"
urlpatterns = [
    path("", views.ScorecardView.as_view(), name="scorecard"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("snapshots/", views.SnapshotListView.as_view(), name="snapshots"),
    path("snapshots/<int:pk>.csv", views.SnapshotCsvView.as_view(), name="snapshot_csv"),
    path("providers/<int:pk>/", views.ProviderFindingsView.as_view(), name="provider"),
    path("providers/<int:pk>/graph/", views.NeighbourhoodView.as_view(), name="neighbourhood"),
    path("campaigns/<int:pk>/", views.CampaignPathsView.as_view(), name="campaign_paths"),
    path("map/", views.MapView.as_view(), name="map"),
    path("reports/", views.ReportListView.as_view(), name="reports"),
    path("reports/<int:pk>.pdf", views.ReportDownloadView.as_view(), name="report_pdf"),
    path("letters/", letters.LetterListView.as_view(), name="letters"),
    path("letters/templates/", letters.LetterTemplatesView.as_view(), name="letter_templates"),
    path("letters/<int:pk>/", letters.LetterDetailView.as_view(), name="letter"),
    path("letters/<int:pk>.pdf", letters.LetterPdfView.as_view(), name="letter_pdf"),
    path("providers/<int:pk>/letters/", letters.LetterSendView.as_view(), name="letter_send"),
]
