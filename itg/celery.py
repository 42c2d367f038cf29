"""The Celery application.

Tasks are thin: they load rows by id and call a service, and every service they call is safe to
run twice, because with ``acks_late`` a task whose worker died is delivered again (STACK-NOTES).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")

app = Celery("itg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
