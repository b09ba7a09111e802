"""Auto Scaling group actions: suspend and resume (processes and instances),
resize, update, delete; launch configurations: delete.  The ASG forms of the
tag family are in `actions.asg_tags`."""
from __future__ import annotations

import time

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.staging import StagedAction
from c7n_lite.actions.tagging import AsgTags
from c7n_lite.aws.batching import resource_tags
from c7n_lite.registry import actions

PROCESSES = ("Launch", "Terminate", "HealthCheck", "ReplaceUnhealthy", "AZRebalance",
             "AlarmNotification", "ScheduledActions", "AddToLoadBalancer", "InstanceRefresh")
EXCLUDE_SCHEMA = {"type": "array", "items": {"enum": list(PROCESSES)}}
SIZE_PARAMS = ("MinSize", "MaxSize", "DesiredCapacity")


def _instance_ids(asg: dict) -> list[str]:
    return [i["InstanceId"] for i in asg.get("Instances") or () if i.get("InstanceId")]


@actions.register("suspend", "aws.asg")
class Suspend(StagedAction):
    """Suspend the group's scaling processes (all but `exclude`), then stop its
    instances; `force` first turns off their stop protection."""

    schema = {"exclude": EXCLUDE_SCHEMA, "force": {"type": "boolean"}}
    permissions = ("autoscaling:SuspendProcesses", "ec2:StopInstances")

    @classmethod
    def all_permissions(cls, data: dict, resource_type: object = None) -> set[str]:
        extra = {"ec2:ModifyInstanceAttribute"} if data.get("force") else set()
        return set(cls.permissions) | extra

    def plan_stages(self, resources: list[dict], event: dict | None = None) -> list[list[ApiCall]]:
        processes = [p for p in PROCESSES if p not in set(self.data.get("exclude") or ())]
        suspend, unprotect, stop = [], [], []
        for r in resources:
            name = self.resource_id(r)
            suspend.append(ApiCall("autoscaling", "suspend_processes",
                                   {"AutoScalingGroupName": name, "ScalingProcesses": processes},
                                   [name], f"suspend {', '.join(processes)}"))
            ids = _instance_ids(r)
            if not ids:
                continue
            if self.data.get("force"):
                unprotect.extend(ApiCall("ec2", "modify_instance_attribute",
                                         {"InstanceId": i, "DisableApiStop": {"Value": False}},
                                         [name], f"allow stopping {i}") for i in ids)
            stop.append(ApiCall("ec2", "stop_instances", {"InstanceIds": ids}, [name],
                                f"stop {len(ids)} instance(s)"))
        return [suspend, unprotect, stop]


@actions.register("resume", "aws.asg")
class Resume(StagedAction):
    """Start the group's stopped instances, wait `delay` seconds (default 30, so
    health checks do not replace them), then resume its processes (all but `exclude`)."""

    schema = {"exclude": EXCLUDE_SCHEMA, "delay": {"type": "number", "minimum": 0}}
    permissions = ("autoscaling:ResumeProcesses", "ec2:StartInstances", "ec2:DescribeInstances")

    def _stopped(self, ids: list[str]) -> list[str]:
        if not ids:
            return []
        from c7n_lite.resources.core import paginate
        found = paginate(self.manager.session.client("ec2"), "describe_instances",
                         "Reservations[].Instances[]", {"InstanceIds": ids})
        return [i["InstanceId"] for i in found if i.get("State", {}).get("Name") == "stopped"]

    def plan_stages(self, resources: list[dict], event: dict | None = None) -> list[list[ApiCall]]:
        exclude = set(self.data.get("exclude") or ())
        params = {"ScalingProcesses": [p for p in PROCESSES if p not in exclude]} if exclude else {}
        delay = float(self.data.get("delay", 30))
        start, resume = [], []
        for r in resources:
            name = self.resource_id(r)
            stopped = self._stopped(_instance_ids(r))
            if stopped:
                start.append(ApiCall("ec2", "start_instances", {"InstanceIds": stopped}, [name],
                                     f"start {len(stopped)} instance(s)"))
            call_params = {"AutoScalingGroupName": name, **params}
            resume.append(ApiCall("autoscaling", "resume_processes", call_params, [name],
                                  "resume " + (", ".join(params["ScalingProcesses"]) if params else "all processes")))
        if start and delay and resume:
            first = resume[0]
            resume[0] = ApiCall(first.service, first.operation, first.params, first.resource_ids,
                                f"after {delay:g}s, {first.message}", run=_after(delay, first.params))
        return [start, resume]


def _after(delay: float, params: dict):
    def run(session):
        time.sleep(delay)
        return session.client("autoscaling").resume_processes(**params)
    return run


@actions.register("resize", "aws.asg")
class Resize(StagedAction):
    """Set `min-size`, `max-size`, `desired-size` (`current`: the running count,
    lowering the minimum to it if needed); or restore them from the
    `restore-options-tag` (`MinSize=1;MaxSize=4;DesiredCapacity=2`).
    `save-options-tag` first saves the current sizes in that tag."""

    size = {"anyOf": [{"enum": ["current"]}, {"type": "integer", "minimum": 0}]}
    schema = {"min-size": {"type": "integer", "minimum": 0}, "max-size": {"type": "integer", "minimum": 0},
              "desired-size": size, "desired_size": size,
              "save-options-tag": {"type": "string"}, "restore-options-tag": {"type": "string"}}
    permissions = ("autoscaling:UpdateAutoScalingGroup", "autoscaling:CreateOrUpdateTags")

    def update_for(self, asg: dict) -> dict:
        data, update = self.data, {}
        if "restore-options-tag" in data:
            saved = resource_tags(asg).get(data["restore-options-tag"], "")
            for field in filter(None, saved.split(";")):
                param, _, value = field.partition("=")
                if param in SIZE_PARAMS and value.strip().isdigit():
                    update[param] = int(value)
            return update
        for key, param in (("min-size", "MinSize"), ("max-size", "MaxSize")):
            if key in data:
                update[param] = data[key]
        desired = data.get("desired-size", data.get("desired_size"))
        running = len(asg.get("Instances") or ())
        if desired == "current":
            update["DesiredCapacity"] = min(running, asg.get("DesiredCapacity", running))
            update.setdefault("MinSize", min(running, asg.get("MinSize", running)))
        elif isinstance(desired, int):
            update["DesiredCapacity"] = desired
        return update

    def plan_stages(self, resources: list[dict], event: dict | None = None) -> list[list[ApiCall]]:
        save, resize, skipped = [], [], []
        for r in resources:
            name, update = self.resource_id(r), self.update_for(r)
            if not update:
                skipped.append(name)
                continue
            if "save-options-tag" in self.data:
                value = ";".join(f"{p}={r.get(p, 0)}" for p in SIZE_PARAMS)
                save.extend(AsgTags(self.manager.resource_type.tag_facts()).tag(
                    self.manager, [r], {self.data["save-options-tag"]: value}, propagate=False))
            resize.append(ApiCall("autoscaling", "update_auto_scaling_group",
                                  {"AutoScalingGroupName": name, **update}, [name],
                                  ", ".join(f"{k}={v}" for k, v in update.items())))
        skips = [ApiCall.skip(skipped, "no size to set (no saved sizes in the tag)")] if skipped else []
        return [save, resize, skips]


@actions.register("delete", "aws.asg")
class Delete(Action):
    """Delete the group; `force` also terminates its instances (without it, AWS
    refuses a group that still has instances)."""

    schema = {"force": {"type": "boolean"}}
    permissions = ("autoscaling:DeleteAutoScalingGroup",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        force = bool(self.data.get("force", False))
        return [ApiCall("autoscaling", "delete_auto_scaling_group",
                        {"AutoScalingGroupName": self.resource_id(r), "ForceDelete": force},
                        [self.resource_id(r)], "delete" + (" with its instances" if force else ""))
                for r in resources]


@actions.register("update", "aws.asg")
class Update(Action):
    """Change group settings: `capacity-rebalance`, `default-cooldown`,
    `max-instance-lifetime` (0 to clear, else at least 86400 seconds),
    `new-instances-protected-from-scale-in`."""

    schema = {"capacity-rebalance": {"type": "boolean"}, "default-cooldown": {"type": "integer", "minimum": 0},
              "max-instance-lifetime": {"anyOf": [{"enum": [0]}, {"type": "integer", "minimum": 86400}]},
              "new-instances-protected-from-scale-in": {"type": "boolean"}}
    permissions = ("autoscaling:UpdateAutoScalingGroup",)
    params = {"capacity-rebalance": "CapacityRebalance", "default-cooldown": "DefaultCooldown",
              "max-instance-lifetime": "MaxInstanceLifetime",
              "new-instances-protected-from-scale-in": "NewInstancesProtectedFromScaleIn"}

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        update = {param: self.data[key] for key, param in self.params.items() if key in self.data}
        if not update:
            return [ApiCall.skip([self.resource_id(r) for r in resources], "no setting to change")]
        return [ApiCall("autoscaling", "update_auto_scaling_group",
                        {"AutoScalingGroupName": self.resource_id(r), **update}, [self.resource_id(r)],
                        ", ".join(f"{k}={v}" for k, v in update.items())) for r in resources]


@actions.register("delete", "aws.launch-config")
class DeleteLaunchConfig(Action):
    """Delete the launch configuration (AWS refuses one a group still uses)."""

    permissions = ("autoscaling:DeleteLaunchConfiguration",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("autoscaling", "delete_launch_configuration",
                        {"LaunchConfigurationName": self.resource_id(r)}, [self.resource_id(r)], "delete")
                for r in resources]
