from django.urls import path

from tracebacks.api import views

urlpatterns = [
    path("hops/", views.HopListView.as_view(), name="provider-api-hops"),
    path("hops/<int:pk>/", views.HopDetailView.as_view(), name="provider-api-hop"),
    path("hops/<int:pk>/answer/", views.HopAnswerView.as_view(), name="provider-api-answer"),
    path("providers/", views.ProviderSuggestView.as_view(), name="provider-api-suggest"),
]
