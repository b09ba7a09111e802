"""EC2 instance configuration: instance metadata (IMDSv2), snapshots of the
attached volumes, instance type, security groups; and copying instance tags
to volumes."""
from __future__ import annotations

from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.aws.batching import chunks, resource_tags, tag_list, user_tags
from c7n_lite.filters.related import related_by_id, related_manager
from c7n_lite.registry import actions

METADATA_OPTIONS = {
    # option: (API parameter, allowed values)
    "endpoint": ("HttpEndpoint", ["enabled", "disabled"]),
    "tokens": ("HttpTokens", ["required", "optional"]),
    "metadata-tags": ("InstanceMetadataTags", ["enabled", "disabled"]),
    "hop-limit": ("HttpPutResponseHopLimit", None),
}


def copy_tags(resource: dict, copy: Any, extra: dict | None) -> dict[str, str]:
    """Custodian's copy-tags/tags: the listed tags (`*` or true: all but aws:) of
    the resource, overridden by the given `tags`."""
    own = user_tags(resource)
    if isinstance(copy, list) and "*" not in copy:
        own = {k: v for k, v in own.items() if k in copy}
    elif copy is False:
        own = {}
    return {**own, **{k: str(v) for k, v in (extra or {}).items()}}


@actions.register("set-metadata-access", "aws.ec2")
class SetMetadataAccess(Action):
    """Set instance metadata options: `tokens: required` (IMDSv2 only),
    `endpoint`, `metadata-tags`, `hop-limit`.  Instances already set so are skipped."""

    schema = {"endpoint": {"enum": ["enabled", "disabled"]}, "tokens": {"enum": ["required", "optional"]},
              "metadata-tags": {"enum": ["enabled", "disabled"]}, "metadatatags": {"enum": ["enabled", "disabled"]},
              "hop-limit": {"type": "integer", "minimum": 1, "maximum": 64}}
    permissions = ("ec2:ModifyInstanceMetadataOptions",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if not any(k in data for k in (*METADATA_OPTIONS, "metadatatags")):
            return ["give at least one of endpoint, tokens, metadata-tags, hop-limit"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        data = dict(self.data)
        if "metadatatags" in data:
            data.setdefault("metadata-tags", data["metadatatags"])
        wanted = {param: data[opt] for opt, (param, _) in METADATA_OPTIONS.items() if opt in data}
        calls, skipped = [], []
        for r in resources:
            current = r.get("MetadataOptions") or {}
            if all(current.get(k) == v for k, v in wanted.items()):
                skipped.append(self.resource_id(r))
                continue
            calls.append(ApiCall("ec2", "modify_instance_metadata_options",
                                 {"InstanceId": self.resource_id(r), **wanted}, [self.resource_id(r)],
                                 ", ".join(f"{k}={v}" for k, v in wanted.items())))
        if skipped:
            calls.append(ApiCall.skip(skipped, "metadata options already set", "modify_instance_metadata_options"))
        return calls


@actions.register("snapshot", "aws.ec2")
class InstanceSnapshot(Action):
    """Snapshot every EBS volume of the instance at once (a crash-consistent
    set; `exclude-boot` leaves out the root volume).  Each snapshot gets its
    volume's tags (`copy-volume-tags`, the default), or the listed instance
    tags (`copy-tags`) plus `tags` (default `custodian_snapshot`)."""

    schema = {"copy-tags": {"type": "array", "items": {"type": "string"}}, "copy-volume-tags": {"type": "boolean"},
              "exclude-boot": {"type": "boolean"}, "tags": {"type": "object"}}
    permissions = ("ec2:CreateSnapshots", "ec2:CreateSnapshot", "ec2:CreateTags")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("copy-tags") and "copy-volume-tags" in data:
            return ["give copy-tags or copy-volume-tags, not both"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            iid = self.resource_id(r)
            name = resource_tags(r).get("Name", "-")
            params: dict = {"Description": f"Snapshot Created for {iid} ({name})",
                            "InstanceSpecification": {"InstanceId": iid,
                                                      "ExcludeBootVolume": bool(self.data.get("exclude-boot"))}}
            if "copy-tags" in self.data:
                tags = copy_tags(r, self.data["copy-tags"], self.data.get("tags") or {"custodian_snapshot": ""})
                params["TagSpecifications"] = [{"ResourceType": "snapshot", "Tags": tag_list(tags)}]
                text = f"tags {', '.join(sorted(tags))}"
            elif self.data.get("copy-volume-tags", True):
                params["CopyTagsFromSource"] = "volume"
                text = "volume tags copied"
            else:
                text = "no tags"
            calls.append(ApiCall("ec2", "create_snapshots", params, [iid], f"snapshot all volumes ({text})"))
        return calls


@actions.register("resize", "aws.ec2")
class Resize(Action):
    """Change the instance type: to the one a `cost-optimization` filter's
    Rightsize recommendation names (`c7n:cost_optimize`), else by `type-map`
    (current type → new type), else `default`.  A running instance is only
    resized with `restart: true`: it is stopped, resized and started again;
    stopped instances stay stopped."""

    schema = {"default": {"type": "string"}, "restart": {"type": "boolean"}, "type-map": {"type": "object"}}
    permissions = ("ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls, skips = [], {}
        for r in resources:
            iid, current = self.resource_id(r), r.get("InstanceType")
            new = (self.data.get("type-map") or {}).get(current, self.data.get("default"))
            advice = r.get("c7n:cost_optimize") or {}
            if advice.get("actionType") == "Rightsize" and advice.get("recommendedResourceSummary"):
                new = advice["recommendedResourceSummary"]
            state = (r.get("State") or {}).get("Name")
            if not new or new == current:
                skips.setdefault("no new instance type for " + str(current), []).append(iid)
            elif state == "stopped":
                calls.append(ApiCall("ec2", "modify_instance_attribute",
                                     {"InstanceId": iid, "InstanceType": {"Value": new}}, [iid], f"{current} → {new}"))
            elif state == "running" and self.data.get("restart"):
                calls.append(ApiCall("ec2", "modify_instance_attribute",
                                     {"InstanceId": iid, "InstanceType": {"Value": new}, "restart": True}, [iid],
                                     f"stop, {current} → {new}, start", run=_restart_resize(iid, new)))
            else:
                skips.setdefault(f"instance is {state} (running instances need restart: true)", []).append(iid)
        return calls + [ApiCall.skip(ids, why, "modify_instance_attribute") for why, ids in skips.items()]


def _restart_resize(instance_id: str, new_type: str) -> Any:
    def run(session: Any) -> Any:
        ec2 = session.client("ec2")
        ec2.stop_instances(InstanceIds=[instance_id])
        ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance_id], WaiterConfig={"Delay": 5, "MaxAttempts": 60})
        out = ec2.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": new_type})
        ec2.start_instances(InstanceIds=[instance_id])
        return out
    return run


GROUPS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or ())


def location_mismatched(resource: dict) -> set[str]:
    """The groups the network-location filter found out of place (its first SecurityGroupMismatch)."""
    for reason in resource.get("c7n:NetworkLocation") or ():
        if reason.get("reason") == "SecurityGroupMismatch":
            return set(reason.get("security-groups") or ())
    return set()


@actions.register("modify-security-groups", "aws.ec2")
class ModifySecurityGroups(Action):
    """Change the security groups of each network interface of the instance:
    `remove` (ids, `matched` for those the security-group filter matched,
    `network-location` for those whose value the network-location filter found
    differing from the instance's, or `all`) and `add` (ids); an interface left
    with none gets `isolation-group`."""

    schema = {"add": GROUPS, "remove": {"oneOf": [{"type": "array", "items": {"type": "string"}},
                                                  {"type": "string"}]},
              "isolation-group": GROUPS,
              "add-by-tag": {"type": "object", "required": ["key", "values"],
                             "properties": {"key": {"type": "string"},
                                            "values": {"type": "array", "items": {"type": "string"}}}}}
    permissions = ("ec2:ModifyNetworkInterfaceAttribute",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if not any(k in data for k in ("add", "remove", "add-by-tag")):
            return ["give add, remove (with isolation-group) or add-by-tag"]
        return []

    @classmethod
    def all_permissions(cls, data: dict, resource_type: Any = None) -> set[str]:
        return set(cls.permissions) | ({"ec2:DescribeSecurityGroups"} if "add-by-tag" in data else set())

    def _by_tag(self) -> list[str]:
        spec = self.data.get("add-by-tag")
        if not spec:
            return []
        groups = self.manager.session.client("ec2").describe_security_groups(
            Filters=[{"Name": f"tag:{spec['key']}", "Values": list(spec["values"])}])["SecurityGroups"]
        return [g["GroupId"] for g in groups]

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        add = _as_list(self.data.get("add")) + self._by_tag()
        remove = self.data.get("remove")
        isolation = _as_list(self.data.get("isolation-group"))
        calls, unchanged = [], []
        for r in resources:
            matched = set(r.get("c7n:matched-security-groups") or ())
            for eni in r.get("NetworkInterfaces") or ():
                current = [g["GroupId"] for g in eni.get("Groups") or ()]
                symbols = _as_list(remove)
                if "matched" in symbols:
                    dropped = matched
                elif "network-location" in symbols:
                    dropped = location_mismatched(r)
                elif "all" in symbols:
                    dropped = set(current)
                else:
                    dropped = set(_as_list(remove))
                new = [g for g in current if g not in dropped] + [g for g in add if g not in current]
                new = list(dict.fromkeys(new)) or isolation
                if not new or new == current:
                    unchanged.append(self.resource_id(r))
                    continue
                calls.append(ApiCall("ec2", "modify_network_interface_attribute",
                                     {"NetworkInterfaceId": eni["NetworkInterfaceId"], "Groups": new},
                                     [self.resource_id(r)],
                                     f"{eni['NetworkInterfaceId']}: {', '.join(current)} → {', '.join(new)}"))
        if unchanged:
            calls.append(ApiCall.skip(sorted(set(unchanged)), "security groups unchanged (nothing to remove, "
                                      "or no group would be left and no isolation-group is given)"))
        return calls


@actions.register("copy-instance-tags", "aws.ebs")
class CopyInstanceTags(Action):
    """Copy the tags (all but aws:, or only `tags`) of the instance each volume
    is attached to onto the volume, with LastAttachInstance and LastAttachTime.
    Unattached volumes are skipped."""

    schema = {"tags": {"type": "array", "items": {"type": "string"}}}
    permissions = ("ec2:DescribeInstances", "ec2:CreateTags")
    related_types = ("aws.ec2",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        attached = [v for v in resources if (v.get("Attachments") or [{}])[0].get("InstanceId")]
        ids = {v["Attachments"][0]["InstanceId"] for v in attached}
        instances = related_by_id(related_manager(self.manager, "aws.ec2"), ids, fetch_missing=True)
        only = set(self.data.get("tags") or ())
        calls, nothing = [], [self.resource_id(v) for v in resources if v not in attached]
        for v in attached:
            attachment = v["Attachments"][0]
            instance = instances.get(attachment["InstanceId"])
            if instance is None:
                nothing.append(self.resource_id(v))
                continue
            have = resource_tags(v)
            tags = {k: val for k, val in user_tags(instance).items()
                    if (not only or k in only) and have.get(k) != val}
            if have.get("LastAttachInstance") != attachment["InstanceId"]:
                when = attachment.get("AttachTime")
                tags["LastAttachTime"] = when.isoformat() if hasattr(when, "isoformat") else str(when)
                tags["LastAttachInstance"] = attachment["InstanceId"]
            if not tags:
                nothing.append(self.resource_id(v))
                continue
            calls.append(ApiCall("ec2", "create_tags", {"Resources": [self.resource_id(v)], "Tags": tag_list(tags)},
                                 [self.resource_id(v)], f"from {attachment['InstanceId']}: {', '.join(sorted(tags))}"))
        if nothing:
            calls.append(ApiCall.skip(nothing, "not attached, or the instance's tags are already on it", "create_tags"))
        return calls


@actions.register("set-instance-profile", "aws.ec2")
class SetInstanceProfile(Action):
    """Give instances the instance profile `name` (associating or replacing),
    or, without a name, remove their profile."""

    schema = {"name": {"type": "string"}}
    permissions = ("ec2:DescribeIamInstanceProfileAssociations", "ec2:AssociateIamInstanceProfile",
                   "ec2:DisassociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation", "iam:PassRole")

    def associations(self, ids: list[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        ec2 = self.manager.session.client("ec2")
        for start in range(0, len(ids), 100):
            out = ec2.describe_iam_instance_profile_associations(Filters=[
                {"Name": "instance-id", "Values": ids[start:start + 100]},
                {"Name": "state", "Values": ["associating", "associated"]}])
            found.update({a["InstanceId"]: a for a in out.get("IamInstanceProfileAssociations", [])})
        return found

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        name = self.data.get("name")
        with_profile = [self.resource_id(r) for r in resources if r.get("IamInstanceProfile")]
        current = self.associations(with_profile) if with_profile else {}
        calls, unchanged = [], []
        for r in resources:
            iid = self.resource_id(r)
            assoc = current.get(iid)
            if assoc is None:
                if name:
                    calls.append(ApiCall("ec2", "associate_iam_instance_profile",
                                         {"IamInstanceProfile": {"Name": name}, "InstanceId": iid}, [iid],
                                         f"attach profile {name}"))
                else:
                    unchanged.append(iid)
            elif not name:
                calls.append(ApiCall("ec2", "disassociate_iam_instance_profile",
                                     {"AssociationId": assoc["AssociationId"]}, [iid], "remove the instance profile"))
            elif assoc["IamInstanceProfile"]["Arn"].endswith(f"/{name}"):
                unchanged.append(iid)
            else:
                calls.append(ApiCall("ec2", "replace_iam_instance_profile_association",
                                     {"IamInstanceProfile": {"Name": name}, "AssociationId": assoc["AssociationId"]},
                                     [iid], f"replace profile with {name}"))
        if unchanged:
            calls.append(ApiCall.skip(unchanged, "instance profile already as wanted"))
        return calls


@actions.register("send-command", "aws.ec2")
class SendCommand(Action):
    """Run an SSM command on the instances, 50 a call: `command` holds the
    SendCommand parameters (DocumentName, Parameters, …) but InstanceIds.
    Commands reach only instances SSM manages: pair it with the `ssm` filter."""

    schema = {"command": {"type": "object", "required": ["DocumentName"]}}
    required = ("command",)
    permissions = ("ssm:SendCommand",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if "InstanceIds" in (data.get("command") or {}):
            return ["'command' must not name InstanceIds: the matched instances are the targets"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        ids = [self.resource_id(r) for r in resources]
        return [ApiCall("ssm", "send_command", {**self.data["command"], "InstanceIds": part}, part,
                        f"run {self.data['command']['DocumentName']} on {len(part)} instance(s)",
                        ids_param="InstanceIds") for part in chunks(ids, 50)]


@actions.register("propagate-spot-tags", "aws.ec2")
class PropagateSpotTags(Action):
    """Copy the tags of the spot request an instance came from (all but aws:,
    or `only_tags`) onto the instance; instances already carrying them, and
    instances that are not spot instances, are skipped."""

    schema = {"only_tags": {"type": "array", "items": {"type": "string"}}}
    permissions = ("ec2:DescribeSpotInstanceRequests", "ec2:CreateTags")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        spot = [r for r in resources if r.get("InstanceLifecycle") == "spot"]
        # Each spot instance's request, found by instance id (the request names its instance).
        requests: dict[str, dict] = {}
        ids = [self.resource_id(r) for r in spot]
        ec2 = self.manager.session.client("ec2")
        for start in range(0, len(ids), 100):
            pages = ec2.get_paginator("describe_spot_instance_requests").paginate(
                Filters=[{"Name": "instance-id", "Values": ids[start:start + 100]}])
            requests.update({q["InstanceId"]: q for page in pages for q in page.get("SpotInstanceRequests", [])
                             if q.get("InstanceId")})
        only = set(self.data.get("only_tags") or ())
        calls, skipped = [], [self.resource_id(r) for r in resources if r not in spot]
        for r in spot:
            request = requests.get(self.resource_id(r)) or {}
            tags = {k: v for k, v in user_tags(request).items() if not only or k in only}
            have = resource_tags(r)
            if not tags or all(have.get(k) == v for k, v in tags.items()):
                skipped.append(self.resource_id(r))
                continue
            calls.append(ApiCall("ec2", "create_tags", {"Resources": [self.resource_id(r)], "Tags": tag_list(tags)},
                                 [self.resource_id(r)],
                                 f"from {request.get('SpotInstanceRequestId')}: {', '.join(sorted(tags))}"))
        if skipped:
            calls.append(ApiCall.skip(skipped, "not a spot instance, or its request's tags are already on it",
                                      "create_tags"))
        return calls
