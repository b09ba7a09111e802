"""Schedule mode: a Lambda that scans the account on an EventBridge Scheduler
schedule (Custodian's `schedule` mode): a rate, cron or one-time `at()`
expression, in a `timezone`, between `start-date` and `end-date`, in the
schedule group `group-name`, invoked as `scheduler-role`.

From the CLI (`c7n-lite run`) a schedule policy runs as an ordinary scan.
"""
from __future__ import annotations

import datetime
import re

from c7n_lite.modes.periodic import schedule_problems
from c7n_lite.modes.serverless import LAMBDA_OPTIONS, ServerlessMode
from c7n_lite.registry import modes

_AT = re.compile(r"^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)\Z")
DEFAULT_GROUP = "default"
DEFAULT_TIMEZONE = "Etc/UTC"
SOURCE, DETAIL_TYPE = "aws.scheduler", "Scheduled Event"
# What the schedule sends the function: the shape of a scheduled event, with
# Scheduler's own placeholders for the schedule and the time.
SCHEDULE_INPUT = ('{"source": "aws.scheduler", "detail-type": "Scheduled Event", '
                  '"resources": ["<aws.scheduler.schedule-arn>"], "time": "<aws.scheduler.scheduled-time>", '
                  '"detail": {}}')


def parse_date(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


@modes.register("schedule")
class ScheduleMode(ServerlessMode):
    """Runs the policy as a scan on an EventBridge Scheduler schedule."""

    trigger = "scheduler"
    schema = {**LAMBDA_OPTIONS, "schedule": {"type": "string"}, "timezone": {"type": "string"},
              "start-date": {"type": "string"}, "end-date": {"type": "string"},
              "scheduler-role": {"type": "string"}, "group-name": {"type": "string"}}
    required = ("schedule",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        problems = super().check(data)
        expression = data.get("schedule")
        if isinstance(expression, str) and not _AT.match(expression):
            problems += schedule_problems(expression)
        for key in ("start-date", "end-date"):
            if isinstance(data.get(key), str) and parse_date(data[key]) is None:
                problems.append(f"{key} {data[key]!r}: expected a date and time such as 2024-04-04T00:05:23")
        return problems

    def schedule_params(self, name: str, description: str, function_arn: str, role_arn: str) -> dict:
        """CreateSchedule's parameters for this mode (UpdateSchedule takes the same)."""
        params: dict = {
            "Name": name, "GroupName": self.data.get("group-name", DEFAULT_GROUP),
            "Description": description, "State": "ENABLED", "FlexibleTimeWindow": {"Mode": "OFF"},
            "ScheduleExpression": self.data["schedule"],
            "ScheduleExpressionTimezone": self.data.get("timezone", DEFAULT_TIMEZONE),
            "Target": {"Arn": function_arn, "RoleArn": role_arn, "Input": SCHEDULE_INPUT},
        }
        for key, field in (("start-date", "StartDate"), ("end-date", "EndDate")):
            if self.data.get(key):
                params[field] = parse_date(self.data[key])
        return params

    def rule(self) -> dict[str, str]:
        """No EventBridge rule: deploy plans the mode's own trigger (deploy/triggers.py)."""
        return {}

    def expected_origin(self) -> tuple[list[str], list[str]]:
        return [SOURCE], [DETAIL_TYPE]

    def resource_ids(self, event: dict) -> list[str] | None:
        return None
