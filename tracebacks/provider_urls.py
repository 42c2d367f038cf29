"""The registry's pages live here (not in `providers`) because they show traceback statistics, and imports
flow tracebacks -> providers."""

from django.urls import path

from tracebacks.views import registry

app_name = "registry"
urlpatterns = [
    path("", registry.ProviderListView.as_view(), name="list"),
    path("new/", registry.ProviderAddView.as_view(), name="add"),
    path("suggest/", registry.ProviderSuggestView.as_view(), name="suggest"),
    path("<int:pk>/", registry.ProviderDetailView.as_view(), name="detail"),
    path("<int:pk>/contact/", registry.ProviderContactView.as_view(), name="contact"),
    path("<int:pk>/token/", registry.ProviderTokenView.as_view(), name="token"),
]
