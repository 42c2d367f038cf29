from tracebacks.detection.trends import api_urlpatterns as urlpatterns  # noqa: F401
