from django.apps import AppConfig


class TracebacksConfig(AppConfig):
    name = "tracebacks"
    verbose_name = "Tracebacks"
