"""Stored files and the rows that point at them, reconciled (issue 15, item 10).

A process killed between storing a file and committing its row (a signed response PDF, an upload) leaves
an object no row points to; a row can in principle point at an object that is gone. `orphans()` finds
the first kind (older than a grace period, so work in flight is left alone), `missing()` the second.
Every model field that holds a storage key is found by its shape: a FileField, or a CharField named
`storage_key`. `manage.py reconcile_storage` lists both and, with --repair, deletes the orphans.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

GRACE = timedelta(hours=1)  # far beyond any render or upload: younger files may still get their row


def key_fields() -> list[tuple[type[models.Model], str]]:
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) or (
                isinstance(field, models.CharField) and field.name == "storage_key"
            ):
                found.append((model, field.name))
    return found


def referenced_keys() -> set[str]:
    keys: set[str] = set()
    for model, name in key_fields():
        keys.update(k for k in model._default_manager.exclude(**{name: ""}).values_list(name, flat=True) if k)
    return keys


def stored_keys(prefix: str = "") -> Iterator[str]:
    try:
        folders, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{prefix}{name}"
    for folder in folders:
        yield from stored_keys(f"{prefix}{folder}/")


def orphans(*, grace: timedelta = GRACE) -> list[str]:
    """Stored objects that no row points to and that are older than `grace`."""
    known, cutoff = referenced_keys(), timezone.now() - grace
    return sorted(
        key for key in stored_keys() if key not in known and default_storage.get_modified_time(key) < cutoff
    )


def missing() -> list[str]:
    """Keys that rows point to but storage does not hold."""
    return sorted(key for key in referenced_keys() if not default_storage.exists(key))
