"""WSGI entry point (gunicorn itg.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")
application = get_wsgi_application()
# Import every view (and WeasyPrint, pyHanko behind them) now, not in a worker's first request: on a busy
# machine that import outlasted gunicorn's 30 s timeout and the worker was killed (bench/faults.py). With
# `gunicorn --preload` the workers are forked with everything loaded.
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
