from django import template

from common import formatting

register = template.Library()

register.filter("govuk_date", formatting.govuk_date)
register.filter("govuk_time", formatting.govuk_time)
register.filter("govuk_datetime", formatting.govuk_datetime)
register.filter("money", formatting.money)
register.filter("hours", formatting.hours)


@register.filter
def yes_no(value) -> str:
    """Yes, No, or Not recorded for an unknown (None) value: empty never means no."""
    if value is None:
        return "Not recorded"
    return "Yes" if value else "No"


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, for dictionaries keyed by a variable."""
    return mapping.get(key, "")


@register.filter
def words(code: str) -> str:
    """A code as words: local_authority becomes "local authority"."""
    return str(code).replace("_", " ")


@register.filter
def is_breakdown(value) -> bool:
    """True for an indicator's breakdown (a dict of code to number), even an empty one."""
    return isinstance(value, dict)
