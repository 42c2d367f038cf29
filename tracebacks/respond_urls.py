from django.urls import path

from tracebacks.ecosystem.letters import views as letters
from tracebacks.views import respond

app_name = "respond"
urlpatterns = [
    path("<str:token>/", respond.RespondView.as_view(), name="hop"),
    path("<str:token>/providers.json", respond.RespondSuggestView.as_view(), name="suggest"),
    path("letters/<str:token>/", letters.AcknowledgeView.as_view(), name="letter"),
    path("letters/<str:token>/letter.pdf", letters.AcknowledgePdfView.as_view(), name="letter_pdf"),
]
