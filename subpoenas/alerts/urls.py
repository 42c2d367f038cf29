from django.urls import path

from subpoenas.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.AlertListView.as_view(), name="list"),
    path("rules/", views.RulesView.as_view(), name="rules"),
    path("rules/new/", views.RuleEditView.as_view(), name="rule_new"),
    path("rules/<int:pk>/", views.RuleEditView.as_view(), name="rule"),
    path("subscription/", views.SubscriptionView.as_view(), name="subscription"),
    path("<int:pk>/", views.AlertDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.AlertEditView.as_view(), name="edit"),
    path("<int:pk>/send/", views.AlertSendView.as_view(), name="send"),
    path("<int:pk>/share/", views.AlertShareView.as_view(), name="share"),
    path("<int:pk>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path("<int:pk>/investigate/", views.InvestigateView.as_view(), name="investigate"),
    path("<int:pk>/request-records/", views.RecordsRequestView.as_view(), name="records"),
    path("<int:pk>/packet.<str:fmt>", views.PacketDownloadView.as_view(), name="packet"),
    path("<int:pk>/letters/<str:reference>.pdf", views.AlertLetterView.as_view(), name="letter"),
]
