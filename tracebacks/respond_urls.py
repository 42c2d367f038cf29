from django.urls import path

from tracebacks.views import respond

app_name = "respond"
urlpatterns = [
    path("<str:token>/", respond.RespondView.as_view(), name="hop"),
    path("<str:token>/providers.json", respond.RespondSuggestView.as_view(), name="suggest"),
]
