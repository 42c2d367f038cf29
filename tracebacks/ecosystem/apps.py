from django.apps import AppConfig


class EcosystemConfig(AppConfig):
    """The provider ecosystem: findings about non-cooperative providers, the scorecard, the graph, letters."""

    name = "tracebacks.ecosystem"
    label = "ecosystem"
    verbose_name = "Provider ecosystem"
