"""What can be prepared in the background: each kind reads its parameters (from a form or from the
saved request) and builds the file with the same function the page's own download uses."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from common.formatting import govuk_date


@dataclass(frozen=True)
class Kind:
    label: str
    # (user, parameters, progress(done, total)) -> (filename, content type, bytes)
    build: Callable


def _comparison(user, parameters: dict, progress) -> tuple[str, str, bytes]:
    from monitoring.comparison import comparison_file

    return comparison_file(
        user,
        dt.date.fromisoformat(parameters["from"]),
        dt.date.fromisoformat(parameters["to"]),
        by=parameters["by"],
        output=parameters["format"],
        progress=progress,
    )


def comparison_title(parameters: dict) -> str:
    from monitoring.comparison import GROUPINGS

    start, end = (dt.date.fromisoformat(parameters[key]) for key in ("from", "to"))
    return (
        f"Prisons compared by {GROUPINGS[parameters['by']].lower()}, {govuk_date(start)} to "
        f"{govuk_date(end)} ({parameters['format'].upper()})"
    )


KINDS = {"comparison": Kind("Prisons compared", _comparison)}
