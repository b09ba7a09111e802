"""The tag family as Custodian shapes it for Auto Scaling groups: `tag` with
`propagate`, `remove-tag` with `key`, `mark-for-op` with `key` / `message`,
`rename-tag` with `source` / `dest` (and the instances' tags too), and
`propagate-tags` (copy the group's propagating tags to its running instances)."""
from __future__ import annotations

from c7n_lite.actions.core import ApiCall
from c7n_lite.actions.staging import StagedAction
from c7n_lite.actions.tagging import AsgTags, describe_tags
from c7n_lite.actions.tags import MarkForOp, RemoveTag, RenameTag, Tag, TagAction
from c7n_lite.aws.batching import chunks, resource_tags
from c7n_lite.filters.marked_for_op import DEFAULT_TAG
from c7n_lite.registry import actions

ASG_MARK_TEMPLATE = "AutoScaleGroup does not meet org policy: {op}@{action_date}"


def _planner(action: TagAction) -> AsgTags:
    return AsgTags(action.manager.resource_type.tag_facts())


def _instance_ids(asg: dict) -> list[str]:
    return [i["InstanceId"] for i in asg.get("Instances") or () if i.get("InstanceId")]


@actions.register("tag", "aws.asg")
@actions.register("mark", "aws.asg")
class AsgTag(Tag):
    """Set tags; `propagate: true` also puts them on instances the group launches
    later (without it a tag keeps its current setting; new tags do not propagate)."""

    schema = {**Tag.schema, "propagate": {"type": "boolean"}, "msg": {"type": "string"}}

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        tags = self.tags()
        return _planner(self).tag(self.manager, resources, tags, describe_tags(tags),
                                  propagate=self.data.get("propagate"))


@actions.register("remove-tag", "aws.asg")
@actions.register("untag", "aws.asg")
@actions.register("unmark", "aws.asg")
class AsgRemoveTag(RemoveTag):
    """Remove the listed `tags` (or the one `key`; `maid_status` when neither is given)."""

    schema = {**RemoveTag.schema, "key": {"type": "string"}}

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        keys = list(self.data.get("tags") or [self.data.get("key") or DEFAULT_TAG])
        return self.untag(resources, keys)


@actions.register("mark-for-op", "aws.asg")
class AsgMarkForOp(MarkForOp):
    """Tag groups for a later `op`; the tag is `key` (or `tag`), the text
    `message` (or `msg`)."""

    schema = {**MarkForOp.schema, "key": {"type": "string"}, "message": {"type": "string"}}

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        data = dict(self.data)
        data.setdefault("msg", data.get("message", ASG_MARK_TEMPLATE))
        data.setdefault("tag", data.get("key", DEFAULT_TAG))
        self.data = data
        return super().plan(resources, event)


@actions.register("rename-tag", "aws.asg")
class AsgRenameTag(RenameTag):
    """Copy tag `source`'s value (and propagate setting) to `dest`, then remove
    `source`; with `propagate` (default true) the group's instances are renamed
    too.  `old_key` / `new_key` are accepted as elsewhere."""

    schema = {"source": {"type": "string"}, "dest": {"type": "string"}, "propagate": {"type": "boolean"},
              **RenameTag.schema}
    required = ()

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if not (data.get("source") or data.get("old_key")) or not (data.get("dest") or data.get("new_key")):
            return ["give `source` and `dest` (or `old_key` and `new_key`)"]
        return []

    @classmethod
    def all_permissions(cls, data: dict, resource_type: object = None) -> set[str]:
        perms = {"autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags"}
        if data.get("propagate", True):
            perms |= {"ec2:CreateTags", "ec2:DeleteTags"}
        return perms

    def plan_stages(self, resources: list[dict], event: dict | None = None) -> list[list[ApiCall]]:
        old = self.data.get("source") or self.data["old_key"]
        new = self.data.get("dest") or self.data["new_key"]
        planner = _planner(self)
        copy, remove, on_instances, lacking = [], [], [], []
        for r in resources:
            tags = {t["Key"]: t for t in r.get("Tags") or ()}
            if old not in tags:
                lacking.append(self.resource_id(r))
                continue
            value, propagate = tags[old].get("Value", ""), bool(tags[old].get("PropagateAtLaunch"))
            copy.extend(planner.tag(self.manager, [r], {new: value}, f"rename {old} → {new}",
                                    propagate=propagate))
            remove.extend(planner.untag(self.manager, [r], [old], f"rename {old} → {new}: remove {old}"))
            ids = _instance_ids(r)
            if self.data.get("propagate", True) and ids:
                name = self.resource_id(r)
                on_instances.append(ApiCall("ec2", "create_tags", {"Resources": ids,
                                            "Tags": [{"Key": new, "Value": value}]}, [name],
                                            f"rename {old} → {new} on {len(ids)} instance(s)"))
                on_instances.append(ApiCall("ec2", "delete_tags", {"Resources": ids, "Tags": [{"Key": old}]},
                                            [name], f"remove {old} from {len(ids)} instance(s)"))
        skips = [ApiCall.skip(lacking, f"has no tag {old}")] if lacking else []
        return [copy, remove, on_instances, skips]


@actions.register("propagate-tags", "aws.asg")
class PropagateTags(StagedAction, TagAction):
    """Put the group's propagating tags (only the listed `tags`, if given) on its
    running instances (AWS tags only instances launched later).  `trim` also
    removes tags every instance has and the group does not."""

    schema = {"tags": {"type": "array", "items": {"type": "string"}}, "trim": {"type": "boolean"}}
    permissions = ("ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeInstances")

    @classmethod
    def all_permissions(cls, data: dict, resource_type: object = None) -> set[str]:
        return set(cls.permissions)

    def _instance_tags(self, ids: list[str]) -> list[dict[str, str]]:
        from c7n_lite.resources.core import paginate
        client = self.manager.session.client("ec2")
        found = []
        for part in chunks(ids, 200):
            found += paginate(client, "describe_instances", "Reservations[].Instances[]", {"InstanceIds": part})
        return [resource_tags(i) for i in found]

    def plan_stages(self, resources: list[dict], event: dict | None = None) -> list[list[ApiCall]]:
        only = set(self.data.get("tags") or ())
        put, trim, nothing = [], [], []
        for r in resources:
            name, ids = self.resource_id(r), _instance_ids(r)
            tags = {t["Key"]: t.get("Value", "") for t in r.get("Tags") or ()
                    if t.get("PropagateAtLaunch") and not t["Key"].startswith("aws:")
                    and (not only or t["Key"] in only)}
            if not ids or not (tags or self.data.get("trim")):
                nothing.append(name)
                continue
            if tags:
                put.append(ApiCall("ec2", "create_tags", {"Resources": ids, "Tags": [
                    {"Key": k, "Value": v} for k, v in tags.items()]}, [name],
                    f"{describe_tags(tags)} on {len(ids)} instance(s)"))
            if self.data.get("trim"):
                on_all = set.intersection(*(set(t) for t in self._instance_tags(ids))) if ids else set()
                extra = sorted(k for k in on_all - set(resource_tags(r)) if not k.startswith("aws:"))
                if extra:
                    trim.append(ApiCall("ec2", "delete_tags", {"Resources": ids, "Tags": [
                        {"Key": k} for k in extra]}, [name], f"remove {', '.join(extra)} from instances"))
        skips = [ApiCall.skip(nothing, "no instances, or no tags to propagate")] if nothing else []
        return [put, trim, skips]
