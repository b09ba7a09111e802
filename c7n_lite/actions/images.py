"""Images and snapshots: deregister images, and who may launch an image or
create a volume from a snapshot."""
from __future__ import annotations

import datetime
from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.filters.accounts import VIOLATIONS
from c7n_lite.filters.value import parse_date
from c7n_lite.registry import actions

ACCOUNT = {"type": "string"}
REMOVE = {"oneOf": [{"enum": ["matched"]}, {"type": "array", "items": {"type": "string"}}]}


def image_snapshots(image: dict) -> list[str]:
    return [m["Ebs"]["SnapshotId"] for m in image.get("BlockDeviceMappings") or ()
            if (m.get("Ebs") or {}).get("SnapshotId")]


@actions.register("deregister", "aws.ami")
class Deregister(Action):
    """Deregister images; with `delete-snapshots: true` also delete the EBS
    snapshots behind them (after the image is gone)."""

    schema = {"delete-snapshots": {"type": "boolean"}}
    permissions = ("ec2:DeregisterImage",)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: Any = None) -> set[str]:
        return set(cls.permissions) | ({"ec2:DeleteSnapshot"} if data.get("delete-snapshots") else set())

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for image in resources:
            iid = self.resource_id(image)
            snaps = image_snapshots(image) if self.data.get("delete-snapshots") else []
            if not snaps:
                calls.append(ApiCall("ec2", "deregister_image", {"ImageId": iid}, [iid], "deregister image"))
                continue
            calls.append(ApiCall("ec2", "deregister_image", {"ImageId": iid, "delete_snapshots": snaps}, [iid],
                                 f"deregister image, then delete snapshots {', '.join(snaps)}",
                                 run=_deregister_with_snapshots(iid, snaps)))
        return calls


def _deregister_with_snapshots(image_id: str, snapshots: list[str]) -> Any:
    def run(session: Any) -> Any:
        ec2 = session.client("ec2")
        out = ec2.deregister_image(ImageId=image_id)
        for snapshot in snapshots:
            ec2.delete_snapshot(SnapshotId=snapshot)
        return out
    return run


def _entry(grantee: str) -> dict:
    if grantee == "all":
        return {"Group": "all"}
    if ":organization/" in grantee:
        return {"OrganizationArn": grantee}
    if ":ou/" in grantee:
        return {"OrganizationalUnitArn": grantee}
    return {"UserId": grantee}


class SharingAction(Action):
    """Add and remove grantees (account ids, `all`, organization / OU ARNs) of
    an image's launch permission or a snapshot's create-volume permission."""

    schema = {"add": {"type": "array", "items": ACCOUNT}, "remove": REMOVE}
    permission_key = ""

    def to_remove(self, resource: dict) -> list[str]:
        remove = self.data.get("remove")
        if remove == "matched":
            return list(resource.get(VIOLATIONS) or ())
        return list(remove or ())

    def call(self, rid: str, add: list[dict], remove: list[dict], message: str) -> ApiCall:
        raise NotImplementedError

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        add = list(self.data.get("add") or ())
        calls, nothing = [], []
        for r in resources:
            rid = self.resource_id(r)
            remove = self.to_remove(r)
            if not add and not remove:
                nothing.append(rid)
                continue
            parts = ([f"share with {', '.join(add)}"] if add else []) + \
                ([f"unshare from {', '.join(remove)}"] if remove else [])
            calls.append(self.call(rid, [_entry(a) for a in add], [_entry(g) for g in remove], "; ".join(parts)))
        if nothing:
            calls.append(ApiCall.skip(nothing, "no grantee to add or remove (for `matched`, add a "
                                      "cross-account filter)"))
        return calls


@actions.register("set-permissions", "aws.ami")
class SetImagePermissions(SharingAction):
    """Add (`add`) or remove (`remove`: a list, or `matched` for those the
    cross-account filter found) accounts that may launch the image."""

    permissions = ("ec2:ModifyImageAttribute",)

    def call(self, rid: str, add: list[dict], remove: list[dict], message: str) -> ApiCall:
        change = {k: v for k, v in (("Add", add), ("Remove", remove)) if v}
        return ApiCall("ec2", "modify_image_attribute", {"ImageId": rid, "LaunchPermission": change},
                       [rid], message)


@actions.register("remove-launch-permissions", "aws.ami")
class RemoveLaunchPermissions(Action):
    """Stop sharing images: every launch permission (the default), or with
    `accounts: matched` only those the cross-account filter found."""

    schema = {"accounts": {"oneOf": [{"enum": ["matched"]}, {"type": "string", "minLength": 12, "maxLength": 12}]}}
    permissions = ("ec2:DescribeImageAttribute", "ec2:ModifyImageAttribute")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            rid = self.resource_id(r)
            if self.data.get("accounts") != "matched":
                # Read when the call runs: what is shared then is unshared.
                calls.append(ApiCall("ec2", "modify_image_attribute", {"ImageId": rid, "LaunchPermission": "all"},
                                     [rid], "remove every launch permission", run=_unshare_all(rid)))
                continue
            matched = list(r.get(VIOLATIONS) or ())
            if not matched:
                calls.append(ApiCall.skip([rid], "no matched launch permission (add a cross-account filter)"))
                continue
            calls.append(ApiCall("ec2", "modify_image_attribute",
                                 {"ImageId": rid, "LaunchPermission": {"Remove": [_entry(g) for g in matched]}},
                                 [rid], f"unshare from {', '.join(matched)}"))
        return calls


def _unshare_all(image_id: str) -> Any:
    def run(session: Any) -> Any:
        ec2 = session.client("ec2")
        current = ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")
        entries = current.get("LaunchPermissions") or []
        if not entries:
            return None
        return ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Remove": entries})
    return run


@actions.register("set-permissions", "aws.ebs-snapshot")
class SetSnapshotPermissions(SharingAction):
    """Add (`add`) or remove (`remove`: a list, or `matched` for those the
    cross-account filter found) accounts that may create volumes from the snapshot."""

    permissions = ("ec2:ModifySnapshotAttribute",)

    def call(self, rid: str, add: list[dict], remove: list[dict], message: str) -> ApiCall:
        def params(op: str, entries: list[dict]) -> dict:
            found = {"SnapshotId": rid, "Attribute": "createVolumePermission", "OperationType": op}
            users = [e["UserId"] for e in entries if "UserId" in e]
            groups = [e["Group"] for e in entries if "Group" in e]
            return {**found, **({"UserIds": users} if users else {}), **({"GroupNames": groups} if groups else {})}
        steps = [params(op, entries) for op, entries in (("add", add), ("remove", remove)) if entries]
        if len(steps) == 1:
            return ApiCall("ec2", "modify_snapshot_attribute", steps[0], [rid], message)

        def run(session: Any) -> Any:
            ec2 = session.client("ec2")
            for step in steps:
                ec2.modify_snapshot_attribute(**step)
        return ApiCall("ec2", "modify_snapshot_attribute", {"steps": steps}, [rid], message, run=run)


@actions.register("set-deprecation", "aws.ami")
class SetDeprecation(Action):
    """Deprecate images at a `date`, `days` from now, or `age` days after their
    creation (a time in the past becomes one minute from now, which AWS
    accepts); with none of them, cancel the deprecation."""

    schema = {"date": {"type": "string"}, "days": {"type": "integer"}, "age": {"type": "integer"}}
    permissions = ("ec2:EnableImageDeprecation", "ec2:DisableImageDeprecation")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if "date" in data and parse_date(data["date"]) is None:
            return [f"'date' is not a date: {data['date']!r}"]
        return []

    def when(self, image: dict) -> datetime.datetime | None:
        now = self.manager.now()
        if "date" in self.data:
            when = parse_date(self.data["date"])
        elif "days" in self.data:
            when = now + datetime.timedelta(days=int(self.data["days"]))
        elif "age" in self.data:
            created = parse_date(image.get("CreationDate"))
            when = created + datetime.timedelta(days=int(self.data["age"])) if created else None
        else:
            return None
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        return max(when, now + datetime.timedelta(minutes=1)) if when else None

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for image in resources:
            iid = self.resource_id(image)
            when = self.when(image)
            if when is None:
                calls.append(ApiCall("ec2", "disable_image_deprecation", {"ImageId": iid}, [iid],
                                     "cancel deprecation"))
            else:
                calls.append(ApiCall("ec2", "enable_image_deprecation", {"ImageId": iid, "DeprecateAt": when},
                                     [iid], f"deprecate at {when.isoformat()}"))
        return calls


@actions.register("cancel-launch-permission", "aws.ami")
class CancelLaunchPermission(Action):
    """Give up the launch permission another account shared with this one (for
    images owned by another account; the account's own images are skipped)."""

    schema = {"dryrun": {"type": "boolean"}}
    permissions = ("ec2:CancelImageLaunchPermission",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        account = self.manager.session.account_id
        own = [self.resource_id(r) for r in resources if r.get("OwnerId") == account]
        calls = [ApiCall("ec2", "cancel_image_launch_permission", {"ImageId": self.resource_id(r)},
                         [self.resource_id(r)], "stop using the shared image")
                 for r in resources if r.get("OwnerId") != account]
        if own:
            calls.append(ApiCall.skip(own, "the account's own image", "cancel_image_launch_permission"))
        return calls


@actions.register("copy", "aws.ami")
class CopyImage(Action):
    """Copy images into `region` (default the image's own), named `name` and
    described `description` (default the image's), encrypted (`encrypt`,
    with `key-id`) on request."""

    schema = {"name": {"type": "string"}, "description": {"type": "string"}, "region": {"type": "string"},
              "encrypt": {"type": "boolean"}, "key-id": {"type": "string"}}
    permissions = ("ec2:CopyImage",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        session = self.manager.session
        target = self.data.get("region") or session.region
        calls = []
        for image in resources:
            params: dict = {"SourceImageId": self.resource_id(image), "SourceRegion": session.region,
                            "Name": self.data.get("name", image.get("Name", self.resource_id(image))),
                            "Encrypted": bool(self.data.get("encrypt", False))}
            description = self.data.get("description", image.get("Description"))
            if description:
                params["Description"] = description
            if self.data.get("key-id"):
                params["KmsKeyId"] = self.data["key-id"]
            calls.append(ApiCall("ec2", "copy_image", {**params, "region": target}, [self.resource_id(image)],
                                 f"copy to {target} as {params['Name']}", run=_in_region("copy_image", params, target)))
        return calls


def _in_region(operation: str, params: dict, region: str) -> Any:
    def run(session: Any) -> Any:
        return getattr(session.client("ec2", region), operation)(**params)
    return run


@actions.register("copy", "aws.ebs-snapshot")
class CopySnapshot(Action):
    """Copy snapshots into `target_region` (default the snapshot's own) with
    their tags; encrypted by default (`encrypted: false` keeps them as they
    are), with the `target_key` KMS key or the account's default."""

    schema = {"target_region": {"type": "string"}, "target_key": {"type": "string"}, "encrypted": {"type": "boolean"}}
    permissions = ("ec2:CopySnapshot", "ec2:CreateTags")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        session = self.manager.session
        target = self.data.get("target_region") or session.region
        calls = []
        for snap in resources:
            params: dict = {"SourceSnapshotId": self.resource_id(snap), "SourceRegion": session.region,
                            "Description": snap.get("Description", ""),
                            "Encrypted": bool(self.data.get("encrypted", True))}
            if params["Encrypted"] and self.data.get("target_key"):
                params["KmsKeyId"] = self.data["target_key"]
            tags = [t for t in snap.get("Tags") or () if not t["Key"].startswith("aws:")]
            if tags:
                params["TagSpecifications"] = [{"ResourceType": "snapshot", "Tags": tags}]
            calls.append(ApiCall("ec2", "copy_snapshot", {**params, "region": target}, [self.resource_id(snap)],
                                 f"copy to {target}", run=_in_region("copy_snapshot", params, target)))
        return calls
