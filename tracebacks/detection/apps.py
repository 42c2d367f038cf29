from django.apps import AppConfig


class DetectionConfig(AppConfig):
    name = "tracebacks.detection"
    label = "detection"
    verbose_name = "Campaign detection"
    default_auto_field = "django.db.models.BigAutoField"
