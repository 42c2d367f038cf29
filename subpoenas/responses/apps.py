from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    """Responses to legal demands: responsive evidence, the signed PDF package, delivery and verification."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "subpoenas.responses"
    label = "responses"
    verbose_name = "Responses"
