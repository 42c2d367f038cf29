from django.urls import path

from providers import views

app_name = "providers"
urlpatterns = [
    path("import/", views.RmdImportView.as_view(), name="import"),
    path("import/<int:pk>/", views.RmdImportDetailView.as_view(), name="import_detail"),
]
