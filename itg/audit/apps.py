from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "itg.audit"
    label = "audit"
    verbose_name = "Audit trail"
