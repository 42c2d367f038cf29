from django.apps import AppConfig


class SubpoenasConfig(AppConfig):
    name = "subpoenas"
    verbose_name = "Legal demands"
