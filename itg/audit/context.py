"""Who is making the current request, for the audit trail.

A context variable (per thread and per asyncio task, never shared between requests) holds the
client's address, user agent and a request id, set by `RequestContextMiddleware`.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""


_EMPTY = RequestContext()  # frozen, so a safe shared default
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("itg_request", default=_EMPTY)  # noqa: B039


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)
