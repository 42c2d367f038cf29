from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "tracebacks.calls"
    label = "calls"
    verbose_name = "Call data"
    default_auto_field = "django.db.models.BigAutoField"
