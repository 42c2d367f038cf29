from django.apps import AppConfig


class ScanningConfig(AppConfig):
    name = "itg.scanning"
    label = "scanning"
    verbose_name = "Malware scanning"
