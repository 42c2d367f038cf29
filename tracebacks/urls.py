from django.urls import path

from tracebacks.views import staff

app_name = "tracebacks"
urlpatterns = [
    path("", staff.TracebackListView.as_view(), name="list"),
    path("export.<str:fmt>", staff.TracebackExportView.as_view(), name="export"),
    path("new/", staff.TracebackCreateView.as_view(), name="create"),
    path("bulk/", staff.TracebackBulkView.as_view(), name="bulk"),
    path("<int:pk>/", staff.TracebackDetailView.as_view(), name="detail"),
    path("<int:pk>/close/", staff.TracebackCloseView.as_view(), name="close"),
    path("<int:pk>/hop/<str:action>/", staff.HopActionView.as_view(), name="hop_action"),
    path("<int:pk>/file/<str:which>/", staff.TracebackFileView.as_view(), name="file"),
    path("<int:pk>/hop/<int:hop>/<str:which>/", staff.TracebackFileView.as_view(), name="hop_file"),
    path("campaigns/", staff.CampaignListView.as_view(), name="campaigns"),
    path("campaigns/<int:pk>/", staff.CampaignDetailView.as_view(), name="campaign"),
]
