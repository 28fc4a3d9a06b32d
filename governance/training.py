"""Whether a buddy's mandatory training is in date, module by module (PSI requirement 4).

A module counts from its completion date until it expires; after that the prison's renewal window
keeps it counting, with a warning, so that a booked refresher does not stop care overnight.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

VALID, IN_WINDOW, EXPIRED, MISSING = "valid", "in_window", "expired", "missing"


@dataclass(frozen=True)
class ModuleState:
    code: str
    label: str
    status: str  # VALID, IN_WINDOW, EXPIRED or MISSING
    completed_on: dt.date | None = None
    expires_on: dt.date | None = None

    @property
    def counts(self) -> bool:
        return self.status in {VALID, IN_WINDOW}


class Completion(NamedTuple):
    """What decides whether a training record counts: its module and its dates."""

    module_id: str
    completed_on: dt.date
    expires_on: dt.date | None


def module_states(records, mandatory, *, on: dt.date, window_days: int) -> list[ModuleState]:
    """The state of each mandatory module on a date, from a buddy's training records
    (TrainingRecord rows or Completions)."""
    states = []
    for module in mandatory:
        done = [r for r in records if r.module_id == module.code and r.completed_on <= on]
        if not done:
            states.append(ModuleState(module.code, module.label, MISSING))
            continue
        # The record that lasts longest decides: one that never expires beats any that do.
        best = max(
            done, key=lambda r: (r.expires_on is None, r.expires_on or dt.date.min, r.completed_on)
        )
        if best.expires_on is None or on <= best.expires_on:
            status = VALID
        elif on <= best.expires_on + dt.timedelta(days=window_days):
            status = IN_WINDOW
        else:
            status = EXPIRED
        states.append(
            ModuleState(module.code, module.label, status, best.completed_on, best.expires_on)
        )
    return states


@dataclass
class TrainingContext:
    """Training records and each prison's mandatory modules, loaded once for many buddies."""

    records: dict[int, list[Completion]]  # buddy id: their training records
    mandatory: dict[int, list]  # prison id: modules
    window: dict[int, int]  # prison id: renewal window in days

    @classmethod
    def load(cls, buddy_ids, prison_ids) -> "TrainingContext":
        from governance.models import Scheme, TrainingRecord

        # Plain tuples of the three fields that matter: a national report reads about ten
        # thousand records, and building model instances for them took most of its time.
        records = defaultdict(list)
        rows = (
            TrainingRecord.objects.filter(buddy_id__in=list(buddy_ids))
            .order_by()
            .values_list("buddy_id", "module_id", "completed_on", "expires_on")
        )
        for buddy_id, *completion in rows:
            records[buddy_id].append(Completion(*completion))
        mandatory, window = {}, {}
        for scheme in Scheme.objects.filter(prison_id__in=list(prison_ids)).prefetch_related(
            "mandatory_modules"
        ):
            mandatory[scheme.prison_id] = list(scheme.mandatory_modules.all())
            window[scheme.prison_id] = scheme.training_renewal_window_days
        return cls(records=dict(records), mandatory=mandatory, window=window)

    def states(self, buddy, on: dt.date) -> list[ModuleState]:
        return module_states(
            self.records.get(buddy.pk, []),
            self.mandatory.get(buddy.prison_id, []),
            on=on,
            window_days=self.window.get(buddy.prison_id, 30),
        )

    def trained(self, buddy, on: dt.date) -> bool | None:
        """True when every mandatory module counts; None when the prison sets no mandatory module."""
        if not self.mandatory.get(buddy.prison_id):
            return None
        return all(state.counts for state in self.states(buddy, on))
