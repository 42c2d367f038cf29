from tracebacks.detection.trends import app_name, urlpatterns  # noqa: F401
