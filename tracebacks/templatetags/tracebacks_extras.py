from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def response_time(seconds: int | None) -> str:
    """How long a provider took to answer, as staff read it: '45 min', '3 h 10 min', '2 d 4 h'."""
    if seconds is None:
        return "—"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"
