from django.urls import path

from tracebacks.api import views
from tracebacks.ecosystem.letters import api as letters

urlpatterns = [
    path("hops/", views.HopListView.as_view(), name="provider-api-hops"),
    path("hops/<int:pk>/", views.HopDetailView.as_view(), name="provider-api-hop"),
    path("hops/<int:pk>/answer/", views.HopAnswerView.as_view(), name="provider-api-answer"),
    path("providers/", views.ProviderSuggestView.as_view(), name="provider-api-suggest"),
    path("letters/", letters.LetterListView.as_view(), name="provider-api-letters"),
    path("letters/<int:pk>/", letters.LetterDetailView.as_view(), name="provider-api-letter"),
    path("letters/<int:pk>/pdf/", letters.LetterPdfView.as_view(), name="provider-api-letter-pdf"),
    path(
        "letters/<int:pk>/acknowledge/",
        letters.LetterAcknowledgeView.as_view(),
        name="provider-api-letter-ack",
    ),
]
