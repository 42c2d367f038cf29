from django.urls import path

from subpoenas import feed_views, intake_views, views

app_name = "subpoenas"

urlpatterns = [
    path("", views.DemandListView.as_view(), name="list"),
    path("export.<str:fmt>", views.DemandExportView.as_view(), name="export"),
    path("new/", intake_views.IntakeUploadView.as_view(), name="create"),
    path("new/<uuid:pk>/", intake_views.IntakeReviewView.as_view(), name="review"),
    path("calendar/", feed_views.CalendarFeedManageView.as_view(), name="calendar"),
    path("calendar/<str:token>.ics", feed_views.calendar_feed_view, name="calendar-ics"),
    path("<int:pk>/", views.DemandDetailView.as_view(), name="detail"),
    path("<int:pk>/transition/", views.DemandTransitionView.as_view(), name="transition"),
    path("<int:pk>/extension/", views.ExtensionAskView.as_view(), name="extension-ask"),
    path("<int:pk>/extension/<int:event_pk>/", views.ExtensionAnswerView.as_view(), name="extension-answer"),
    path("<int:pk>/documents/<int:doc_pk>/", views.DocumentView.as_view(), name="document"),
    path("<int:pk>/receipt/", views.ReceiptView.as_view(), name="receipt"),
    path("<int:pk>/receipt.pdf", views.ReceiptPdfView.as_view(), name="receipt-pdf"),
]
