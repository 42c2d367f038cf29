from django.urls import path

from subpoenas.responses import views

app_name = "responses"

urlpatterns = [
    path("verify/", views.VerifyView.as_view(), name="verify"),
    path("demand/<int:pk>/", views.DemandResponseView.as_view(), name="demand"),
    path("demand/<int:pk>/prepare/", views.PrepareView.as_view(), name="prepare"),
    path("request/<int:pk>/propose/", views.ProposeView.as_view(), name="propose"),
    path("request/<int:pk>/add/", views.AddEvidenceView.as_view(), name="add"),
    path("request/<int:pk>/remove/", views.RemoveManyEvidenceView.as_view(), name="remove_many"),
    path("request/<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
    path("evidence/<int:pk>/remove/", views.RemoveEvidenceView.as_view(), name="remove"),
    path("version/<int:pk>/retry/", views.RetryView.as_view(), name="retry"),
    path("version/<int:pk>/deliver/", views.DeliverView.as_view(), name="deliver"),
    path("version/<int:pk>/download/", views.DownloadView.as_view(), name="download"),
    path("version/<int:pk>/letters/<str:reference>.pdf", views.LetterView.as_view(), name="letter"),
]
