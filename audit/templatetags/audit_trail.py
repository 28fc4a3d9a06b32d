from django import template

from audit.access import may_read_trails

register = template.Library()


@register.filter
def sees_audit_trail(user) -> bool:
    """Whether links to who has viewed a prison's records belong on the page for this user."""
    return may_read_trails(user)
