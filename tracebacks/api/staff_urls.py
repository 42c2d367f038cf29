from django.urls import path

from tracebacks.api.staff import TracebackListAPI

urlpatterns = [path("", TracebackListAPI.as_view(), name="api-tracebacks")]
