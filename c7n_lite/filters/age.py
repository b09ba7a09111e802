"""Age filters: match resources by how long ago a date of theirs is.

Custodian's semantics: the threshold is now minus days/hours/minutes, and the
op compares threshold with the resource's date, so `op: ge, days: 30` (or
`gt`, the default) means "older than 30 days".
"""
from __future__ import annotations

import datetime
from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import OPERATORS, parse_date

COMPARISONS = sorted(op for op in OPERATORS if op in (
    "eq", "equal", "ne", "not-equal", "gt", "greater-than", "ge", "gte",
    "lt", "less-than", "le", "lte"))
DAYS_SCHEMA = {"days": {"type": "number", "minimum": 0}, "op": {"enum": COMPARISONS}}
DURATION_SCHEMA = {**DAYS_SCHEMA, "hours": {"type": "number", "minimum": 0},
                   "minutes": {"type": "number", "minimum": 0}}


class AgeFilter(Filter):
    """Subclasses name the date field (`date_field`) or override `resource_date`."""

    api_free = True
    notes = False

    schema = DAYS_SCHEMA
    date_field = ""

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.compare = OPERATORS[data.get("op", "greater-than")]
        self.threshold: datetime.datetime | None = None

    def resource_date(self, resource: dict) -> Any:
        return resource.get(self.date_field)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        self.threshold = None  # "now" is read once per evaluation
        return super().process(resources, event)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        when = parse_date(self.resource_date(resource))
        if when is None:
            return False
        if self.threshold is None:
            delta = datetime.timedelta(days=self.data.get("days", 0), hours=self.data.get("hours", 0),
                                       minutes=self.data.get("minutes", 0))
            self.threshold = self.manager.now() - delta
        return bool(self.compare(self.threshold, when))
