"""Delete EBS volumes."""
from __future__ import annotations

from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions


@actions.register("delete", "aws.ebs")
class DeleteVolume(Action):
    """Delete volumes.  Attached volumes are skipped, unless `force: true`, which
    detaches them first (and waits until they are available)."""

    removes_resources = True

    schema = {"force": {"type": "boolean"}}
    permissions = ("ec2:DeleteVolume",)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: type | None = None) -> set[str]:
        extra = {"ec2:DetachVolume", "ec2:DescribeVolumes"} if data.get("force") else set()
        return set(cls.permissions) | extra

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls: list[ApiCall] = []
        attached = []
        for volume in resources:
            vid = self.resource_id(volume)
            instances = [a.get("InstanceId") for a in volume.get("Attachments") or ()]
            if not instances:
                calls.append(ApiCall("ec2", "delete_volume", {"VolumeId": vid}, [vid], "delete volume"))
            elif self.data.get("force"):
                calls.append(ApiCall("ec2", "delete_volume", {"VolumeId": vid}, [vid],
                                     f"detach from {', '.join(instances)}, then delete volume",
                                     run=_detach_then_delete(vid, instances)))
            else:
                attached.append(vid)
        if attached:
            calls.append(ApiCall.skip(attached, "attached to an instance (force: true detaches it)", "delete_volume"))
        return calls


def _detach_then_delete(volume_id: str, instance_ids: list[str]) -> Any:
    def run(session: Any) -> Any:
        ec2 = session.client("ec2")
        for instance_id in instance_ids:
            ec2.detach_volume(VolumeId=volume_id, InstanceId=instance_id, Force=True)
        ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig={"Delay": 5, "MaxAttempts": 24})
        return ec2.delete_volume(VolumeId=volume_id)
    return run
