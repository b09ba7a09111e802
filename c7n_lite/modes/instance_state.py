"""ec2-instance-state mode: a Lambda run when EC2 instances change state."""
from __future__ import annotations

from c7n_lite.modes.serverless import LAMBDA_OPTIONS, ServerlessMode
from c7n_lite.registry import modes

STATES = ("pending", "running", "shutting-down", "stopped", "stopping", "terminated")


@modes.register("ec2-instance-state")
class InstanceStateMode(ServerlessMode):
    """Runs on EC2 "Instance State-change Notification" events for the listed states."""

    event_driven = True
    schema = {**LAMBDA_OPTIONS,
              "events": {"type": "array", "minItems": 1, "items": {"enum": list(STATES)}}}
    required = ("events",)

    def event_pattern(self) -> dict:
        return {"source": ["aws.ec2"],
                "detail-type": ["EC2 Instance State-change Notification"],
                "detail": {"state": list(self.data["events"])}}

    def resource_ids(self, event: dict) -> list[str] | None:
        instance = (event.get("detail") or {}).get("instance-id")
        return [instance] if instance else []
