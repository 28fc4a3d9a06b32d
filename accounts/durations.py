import datetime


def describe(duration: datetime.timedelta) -> str:
    """A duration in words as GOV.UK writes it: "30 minutes", "12 hours", "1 minute".

    The largest whole unit is used, so settings in whole hours or minutes read naturally; a
    shortened setting in tests ("20 seconds") still reads as English."""
    seconds = int(duration.total_seconds())
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"
