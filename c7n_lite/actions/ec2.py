"""EC2 instance lifecycle: stop, start, terminate (with a guard for protected instances)."""
from __future__ import annotations

from typing import ClassVar

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.aws.batching import chunks
from c7n_lite.registry import actions

# EC2 takes many ids per call; a failed batch is split by the executor.
BATCH = 500


def state(resource: dict) -> str:
    return (resource.get("State") or {}).get("Name", "")


class InstanceStateAction(Action):
    """Calls `operation` on the instances in `from_states`; the others are skipped."""

    operation: ClassVar[str] = ""
    from_states: ClassVar[tuple[str, ...]] = ()
    verb: ClassVar[str] = ""

    def batched(self, ids: list[str], params: dict | None = None, message: str = "") -> list[ApiCall]:
        return [ApiCall("ec2", self.operation, {**(params or {}), "InstanceIds": part}, part,
                        message or f"{self.verb} {len(part)} instance(s)", ids_param="InstanceIds")
                for part in chunks(ids, BATCH)]

    def split_by_state(self, resources: list[dict]) -> tuple[list[dict], list[ApiCall]]:
        eligible = [r for r in resources if state(r) in self.from_states]
        skipped: dict[str, list[str]] = {}
        for r in resources:
            if state(r) not in self.from_states:
                skipped.setdefault(state(r) or "unknown", []).append(self.resource_id(r))
        return eligible, [ApiCall.skip(ids, f"instance is {s}", self.operation) for s, ids in skipped.items()]

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        eligible, skips = self.split_by_state(resources)
        return self.batched([self.resource_id(r) for r in eligible]) + skips


@actions.register("stop", "aws.ec2")
class Stop(InstanceStateAction):
    """Stop running instances."""

    schema = {"hibernate": {"type": "boolean"}, "force": {"type": "boolean"}}
    permissions = ("ec2:StopInstances",)
    operation = "stop_instances"
    from_states = ("running", "pending")
    verb = "stop"

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        eligible, skips = self.split_by_state(resources)
        params = {k: True for k, opt in (("Hibernate", "hibernate"), ("Force", "force")) if self.data.get(opt)}
        return self.batched([self.resource_id(r) for r in eligible], params) + skips


@actions.register("start", "aws.ec2")
class Start(InstanceStateAction):
    """Start stopped instances."""

    permissions = ("ec2:StartInstances",)
    operation = "start_instances"
    from_states = ("stopped",)
    verb = "start"


@actions.register("terminate", "aws.ec2")
class Terminate(InstanceStateAction):
    """Terminate instances.  Protected instances are skipped unless `force: true`,
    which first turns termination protection off."""

    removes_resources = True

    schema = {"force": {"type": "boolean"}}
    permissions = ("ec2:TerminateInstances", "ec2:DescribeInstanceAttribute")
    operation = "terminate_instances"
    from_states = ("pending", "running", "stopping", "stopped")
    verb = "terminate"

    @classmethod
    def all_permissions(cls, data: dict, resource_type: type | None = None) -> set[str]:
        perms = set(cls.permissions)
        if data.get("force"):
            perms.add("ec2:ModifyInstanceAttribute")
        return perms

    def protected(self, ids: list[str]) -> set[str]:
        client = self.manager.session.client("ec2")
        return {i for i in ids if client.describe_instance_attribute(
            InstanceId=i, Attribute="disableApiTermination")["DisableApiTermination"].get("Value")}

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        eligible, skips = self.split_by_state(resources)
        ids = [self.resource_id(r) for r in eligible]
        protected = self.protected(ids)
        calls: list[ApiCall] = []
        if protected and self.data.get("force"):
            calls.extend(ApiCall("ec2", "modify_instance_attribute",
                                 {"InstanceId": i, "DisableApiTermination": {"Value": False}}, [i],
                                 "turn termination protection off (force)") for i in sorted(protected))
        elif protected:
            skips.append(ApiCall.skip(sorted(protected), "termination protection is on; "
                                      "use `force: true` to turn it off and terminate", self.operation))
            ids = [i for i in ids if i not in protected]
        return calls + self.batched(ids) + skips


@actions.register("reboot", "aws.ec2")
class Reboot(InstanceStateAction):
    """Reboot running instances."""

    permissions = ("ec2:RebootInstances",)
    operation = "reboot_instances"
    from_states = ("running",)
    verb = "reboot"


@actions.register("set-monitoring", "aws.ec2")
class SetMonitoring(InstanceStateAction):
    """Turn detailed CloudWatch monitoring on (`state: enable`) or off (`disable`)."""

    schema = {"state": {"enum": ["enable", "disable"]}}
    permissions = ("ec2:MonitorInstances", "ec2:UnmonitorInstances")
    from_states = ("pending", "running", "stopping", "stopped")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        enable = self.data.get("state", "enable") == "enable"
        self.operation = "monitor_instances" if enable else "unmonitor_instances"
        self.verb = "turn detailed monitoring " + ("on for" if enable else "off for")
        return super().plan(resources, event)


@actions.register("autorecover-alarm", "aws.ec2")
class AutorecoverAlarm(Action):
    """Create (or update) the CloudWatch alarm `recover-<instance>` that
    recovers the instance when its system status check fails (two minutes).
    Instances of Auto Scaling groups are skipped: the group replaces them."""

    permissions = ("cloudwatch:PutMetricAlarm",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        partition = self.manager.session.partition
        calls, skipped = [], []
        for r in resources:
            iid = self.resource_id(r)
            in_group = any(t.get("Key") == "aws:autoscaling:groupName" for t in r.get("Tags") or ())
            if in_group or state(r) not in ("running", "stopped", "pending", "stopping"):
                skipped.append(iid)
                continue
            region = (r.get("Placement") or {}).get("AvailabilityZone", self.manager.session.region + "x")[:-1]
            calls.append(ApiCall("cloudwatch", "put_metric_alarm", {
                "AlarmName": f"recover-{iid}", "AlarmDescription": f"Auto Recover {iid}", "ActionsEnabled": True,
                "AlarmActions": [f"arn:{partition}:automate:{region}:ec2:recover"],
                "MetricName": "StatusCheckFailed_System", "Namespace": "AWS/EC2", "Statistic": "Minimum",
                "Dimensions": [{"Name": "InstanceId", "Value": iid}], "Period": 60, "EvaluationPeriods": 2,
                "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}, [iid], "alarm that recovers it"))
        if skipped:
            calls.append(ApiCall.skip(skipped, "in an Auto Scaling group, or terminated", "put_metric_alarm"))
        return calls
