"""Periodic mode: a Lambda on an EventBridge schedule that scans the account.

From the CLI (`c7n-lite run`) a periodic policy runs as an ordinary scan.
"""
from __future__ import annotations

import re

from c7n_lite.modes.serverless import LAMBDA_OPTIONS, ServerlessMode
from c7n_lite.registry import modes

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)\Z")  # \Z: no trailing newline
# cron(minutes hours day-of-month month day-of-week year): six fields.
_CRON = re.compile(r"^cron\((\S+ \S+ \S+ \S+ \S+ \S+)\)\Z")


def schedule_problems(expression: str) -> list[str]:
    """EventBridge's rules for schedule expressions, checked before deploy."""
    rate = _RATE.match(expression)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1:
            return [f"schedule {expression!r}: the rate must be at least 1"]
        if (value == 1) != (not unit.endswith("s")):
            wanted = unit.rstrip("s") if value == 1 else unit if unit.endswith("s") else unit + "s"
            return [f"schedule {expression!r}: write rate({value} {wanted})"]
        return []
    cron = _CRON.match(expression)
    if cron:
        fields = cron.group(1).split()
        day_of_month, day_of_week = fields[2], fields[4]
        if (day_of_month == "?") == (day_of_week == "?"):
            return [f"schedule {expression!r}: exactly one of day-of-month and day-of-week must be '?'"]
        return []
    return [f"schedule {expression!r}: expected rate(N unit) or cron(min hour day month weekday year)"]


@modes.register("periodic")
class PeriodicMode(ServerlessMode):
    """Runs the policy as a scan on a schedule (`rate(1 day)`, `cron(0 2 * * ? *)`)."""

    schema = {**LAMBDA_OPTIONS, "schedule": {"type": "string"}}
    required = ("schedule",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        problems = super().check(data)
        if isinstance(data.get("schedule"), str):
            problems += schedule_problems(data["schedule"])
        return problems

    def rule(self) -> dict[str, str]:
        return {"ScheduleExpression": self.data["schedule"]}

    def expected_origin(self) -> tuple[list[str], list[str]]:
        return ["aws.events"], ["Scheduled Event"]

    def resource_ids(self, event: dict) -> list[str] | None:
        return None
