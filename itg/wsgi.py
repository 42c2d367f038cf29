"""WSGI entry point (gunicorn itg.wsgi)."""

import os

from django.core.files.storage import storages
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")
application = get_wsgi_application()
# Import every view (and WeasyPrint, pyHanko behind them) and the storage backend (boto3) now, not in a
# worker's first request: on a busy machine those imports outlasted gunicorn's 30 s timeout, the worker
# was killed, and its replacement started the same imports again (bench/faults.py). With `gunicorn
# --preload` the workers are forked with everything loaded. No connection is opened here (fork-safe).
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
storages["default"]  # noqa: B018 - the backend class and its imports, no client yet
