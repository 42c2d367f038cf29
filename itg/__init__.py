"""itg: the Industry Traceback Group's portal. The Celery app is loaded with Django."""

try:
    from itg.celery import app as celery_app
except ModuleNotFoundError as error:  # pragma: no cover - exercised by a bare interpreter in the tests
    # `python3 -m itg.audit.verify EXPORT` is promised to run on a bare Python (an auditor's machine, no
    # virtual environment): the verifier needs only the standard library, so without Celery the package
    # still imports. With Celery installed, any other import error is raised as usual.
    if error.name not in ("celery", "kombu"):
        raise
    celery_app = None

__all__ = ["celery_app"]
