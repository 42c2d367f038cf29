from django import template

from itg.filescan import FLAG_LABELS

register = template.Library()


@register.filter
def flag_labels(flags) -> str:
    """Active-content flags as staff read them ("JavaScript, an embedded file"), not as stored."""
    return ", ".join(FLAG_LABELS.get(flag, flag) for flag in flags or ())
