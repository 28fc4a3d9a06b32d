"""Statistical disclosure control for aggregate outputs seen by inspectors and national analysts.

A count from 1 to 4 could point to a person in a small scheme, so it is shown as "<5". Within a
breakdown, if exactly one cell is hidden, the next smallest non-zero cell is hidden too, so the
hidden one cannot be worked out from the total. A rate or percentage resting on 1 to 4 records
is hidden as well.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

SMALL = "<5"
# A group's figure withheld because it would give away a hidden figure of one of its members.
CONFIDENTIAL = "[c]"

# Indicators that count no people or sessions (a model number, requirements, money): never hidden.
NOT_ABOUT_PEOPLE = {
    "governance_model",
    "psi_requirements_met",
    "labour_cost",
    "non_labour_cost",
    "funding_sources",
}


def _small(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4


def suppress_breakdown(values: dict) -> dict:
    shown = {code: (SMALL if _small(v) else v) for code, v in values.items()}
    hidden = [code for code, v in shown.items() if v == SMALL]
    if len(hidden) == 1:
        others = [
            (v, code)
            for code, v in shown.items()
            if code not in hidden and isinstance(v, int | Decimal) and v
        ]
        if others:
            shown[min(others)[1]] = SMALL
    return shown


def suppress(value, base: int):
    """The value as an inspector may see it."""
    if isinstance(value, dict):
        if 1 <= base <= 4:  # rates or means (hours a week, per person) resting on 1 to 4 records
            value = {code: SMALL if isinstance(v, Decimal) else v for code, v in value.items()}
        return suppress_breakdown(value)
    if isinstance(value, Decimal) and 1 <= base <= 4:
        return SMALL
    if _small(value):
        return SMALL
    return value


# Sentences built for people who may see records (PSI explanations, the governance model's
# reasons) put counts into words. Inside `small_numbers_hidden()`, `shown(n)` writes 1 to 4 as
# "<5", so the same sentence can go to an inspector.
_hiding: ContextVar[bool] = ContextVar("hiding_small_numbers", default=False)


@contextmanager
def small_numbers_hidden(hide: bool = True) -> Iterator[None]:
    token = _hiding.set(hide)
    try:
        yield
    finally:
        _hiding.reset(token)


def hiding() -> bool:
    return _hiding.get()


def shown(n: int) -> int | str:
    """n as it may be written in a sentence: "<5" for 1 to 4 while small numbers are hidden."""
    return SMALL if _hiding.get() and _small(n) else n
