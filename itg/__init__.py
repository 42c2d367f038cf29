"""itg: the Industry Traceback Group's portal. The Celery app is loaded with Django."""

from itg.celery import app as celery_app

__all__ = ["celery_app"]
