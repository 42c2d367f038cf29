from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "itg.notifications"
    label = "notifications"
    verbose_name = "Notifications"
