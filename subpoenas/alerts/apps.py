from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Alerts to law enforcement: campaign intelligence routed to the AG offices whose residents are hit."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "subpoenas.alerts"
    label = "alerts"
    verbose_name = "Alerts"
