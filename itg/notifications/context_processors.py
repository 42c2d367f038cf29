"""The unread count in the header (one indexed COUNT per page)."""

from __future__ import annotations

from itg.notifications.services import unread_count


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {}
    return {"unread_notifications": unread_count(user)}
