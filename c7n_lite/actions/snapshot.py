"""Backups: snapshot Redshift clusters and EBS volumes; delete old snapshots safely."""
from __future__ import annotations

import re
import secrets

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.aws.batching import tag_list, user_tags
from c7n_lite.filters.ebs import snapshots_backing_images
from c7n_lite.registry import actions


def _copied(tags: dict) -> str:
    if not tags:
        return ""
    return f" (tags copied: {', '.join(sorted(tags))})"


def redshift_snapshot_id(cluster: str, stamp: str) -> str:
    """`<cluster>-<timestamp>` within Redshift's rules: lowercase letters, digits and
    single hyphens, starting with a letter, at most 255 characters."""
    ident = re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", f"{cluster}-{stamp}".lower())).strip("-")
    if not ident[:1].isalpha():
        ident = f"s-{ident}"
    return ident[:255].rstrip("-")


@actions.register("snapshot", "aws.redshift")
class RedshiftSnapshot(Action):
    """Create a manual snapshot `<cluster>-<YYYY-MM-DD-HH-MM-SS>-<4 hex digits>` (unique
    even for two snapshots of one cluster in the same second), copying the cluster's tags."""

    schema = {"copy-tags": {"type": "boolean"}}
    permissions = ("redshift:CreateClusterSnapshot", "redshift:CreateTags")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        stamp = self.manager.now().strftime("%Y-%m-%d-%H-%M-%S")
        calls = []
        for r in resources:
            cluster = self.resource_id(r)
            params: dict = {"SnapshotIdentifier": redshift_snapshot_id(cluster, f"{stamp}-{secrets.token_hex(2)}"),
                            "ClusterIdentifier": cluster}
            tags = user_tags(r) if self.data.get("copy-tags", True) else {}
            if tags:
                params["Tags"] = tag_list(tags)
            calls.append(ApiCall("redshift", "create_cluster_snapshot", params, [cluster],
                                 f"snapshot {params['SnapshotIdentifier']}" + _copied(tags)))
        return calls


@actions.register("snapshot", "aws.ebs")
class EbsSnapshot(Action):
    """Snapshot each volume.  The snapshot gets the volume's tags (`copy-tags:
    true` or `copy-volume-tags: true`, the default), only those listed
    (`copy-tags: [Name, ...]`, `*` for all), and `tags` (which win; default
    `custodian_snapshot`)."""

    schema = {"copy-tags": {"oneOf": [{"type": "boolean"}, {"type": "array", "items": {"type": "string"}}]},
              "copy-volume-tags": {"type": "boolean"}, "tags": {"type": "object"},
              "description": {"type": "string"}}
    permissions = ("ec2:CreateSnapshot", "ec2:CreateTags")

    def tags(self, volume: dict) -> dict:
        copy = self.data.get("copy-tags")
        if copy is None or copy == []:
            copy = self.data.get("copy-volume-tags", True)
        own = user_tags(volume)
        if copy is False:
            own = {}
        elif isinstance(copy, list) and "*" not in copy:
            own = {k: v for k, v in own.items() if k in copy}
        # As in Custodian, a snapshot without given tags is marked `custodian_snapshot`.
        given = self.data.get("tags") or {"custodian_snapshot": ""}
        return {**own, **{k: str(v) for k, v in given.items()}}

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            volume = self.resource_id(r)
            tags = self.tags(r)
            params: dict = {"VolumeId": volume,
                            "Description": self.data.get("description", f"c7n-lite snapshot of {volume}")}
            if tags:
                params["TagSpecifications"] = [{"ResourceType": "snapshot", "Tags": tag_list(tags)}]
            calls.append(ApiCall("ec2", "create_snapshot", params, [volume],
                                 "snapshot" + _copied(tags)))
        return calls


@actions.register("delete", "aws.ebs-snapshot")
class DeleteEbsSnapshot(Action):
    """Delete snapshots; those backing an AMI are skipped (`skip-ami-snapshots`, default true)."""

    removes_resources = True

    schema = {"skip-ami-snapshots": {"type": "boolean"}}
    permissions = ("ec2:DeleteSnapshot", "ec2:DescribeImages")
    related_types = ("aws.ami",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        guarded = snapshots_backing_images(self.manager) if self.data.get("skip-ami-snapshots", True) else set()
        calls = [ApiCall("ec2", "delete_snapshot", {"SnapshotId": self.resource_id(r)}, [self.resource_id(r)],
                         f"delete snapshot of {r.get('VolumeId', '?')}")
                 for r in resources if self.resource_id(r) not in guarded]
        skipped = [self.resource_id(r) for r in resources if self.resource_id(r) in guarded]
        if skipped:
            calls.append(ApiCall.skip(skipped, "backs an AMI (skip-ami-snapshots)", "delete_snapshot"))
        return calls


@actions.register("delete", "aws.redshift-snapshot")
class DeleteRedshiftSnapshot(Action):
    """Delete manual cluster snapshots (automated ones are AWS's to expire, and are skipped)."""

    removes_resources = True

    permissions = ("redshift:DeleteClusterSnapshot",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls: list[ApiCall] = []
        automated = []
        for r in resources:
            sid = self.resource_id(r)
            if r.get("SnapshotType") == "automated":
                automated.append(sid)
                continue
            params = {"SnapshotIdentifier": sid}
            if r.get("ClusterIdentifier"):
                params["SnapshotClusterIdentifier"] = r["ClusterIdentifier"]
            calls.append(ApiCall("redshift", "delete_cluster_snapshot", params, [sid],
                                 f"delete snapshot of {r.get('ClusterIdentifier', '?')}"))
        if automated:
            calls.append(ApiCall.skip(automated, "automated snapshot: AWS deletes it at the end of its retention"))
        return calls
