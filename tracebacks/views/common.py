from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """A paginator told its total by a cheaper query than COUNT over the page's query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def apply_errors(form: Form, error: Exception) -> None:
    """Put a service's ValidationError next to the fields it names (or on top of the form)."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    elif isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
    else:
        raise error


def message_of(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
