from django.urls import path

from tracebacks.detection import views

app_name = "detection"
urlpatterns = [
    path("", views.DetectedListView.as_view(), name="list"),
    path("<int:pk>/", views.DetectedDetailView.as_view(), name="detected"),
    path("<int:pk>/<str:action>/", views.DetectedActionView.as_view(), name="action"),
]
