from django.urls import path

from subpoenas.responses import views

app_name = "responses"

urlpatterns = [
    path("verify/", views.VerifyView.as_view(), name="verify"),
]
