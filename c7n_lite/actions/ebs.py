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


@actions.register("detach", "aws.ebs")
class DetachVolume(Action):
    """Detach volumes from their instances (`force: true` forces it, at the risk
    of losing data not yet written)."""

    schema = {"force": {"type": "boolean"}}
    permissions = ("ec2:DetachVolume",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls, loose = [], []
        for volume in resources:
            vid = self.resource_id(volume)
            attachments = [a for a in volume.get("Attachments") or () if a.get("InstanceId")]
            if not attachments:
                loose.append(vid)
            for a in attachments:
                params: dict = {"VolumeId": vid, "InstanceId": a["InstanceId"]}
                if self.data.get("force"):
                    params["Force"] = True
                calls.append(ApiCall("ec2", "detach_volume", params, [vid], f"detach from {a['InstanceId']}"))
        if loose:
            calls.append(ApiCall.skip(loose, "not attached", "detach_volume"))
        return calls


@actions.register("modify", "aws.ebs")
class ModifyVolume(Action):
    """Change volumes online: `volume-type`, size (`size-percent` of the current
    size; below 100 needs `shrink: true`) and IOPS (`iops-percent`, for
    io1/io2/gp3 targets)."""

    schema = {"volume-type": {"enum": ["io1", "io2", "gp2", "gp3", "st1", "sc1"]}, "shrink": {"type": "boolean"},
              "size-percent": {"type": "number"}, "iops-percent": {"type": "number"}}
    permissions = ("ec2:ModifyVolume",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("size-percent", 100) < 100 and not data.get("shrink"):
            return ["shrinking a volume needs support from its OS and file system: add `shrink: true`"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        vtype, psize, piops = (self.data.get(k) for k in ("volume-type", "size-percent", "iops-percent"))
        calls = []
        for r in resources:
            params: dict = {"VolumeId": self.resource_id(r)}
            target = vtype or r.get("VolumeType")
            if piops and target in ("io1", "io2", "gp3"):
                base, floor = (int(r.get("Iops") or 10), 100) if target != "gp3" else (int(r.get("Iops") or 3000), 3000)
                params["Iops"] = max(int(base * piops / 100.0), floor)
            if psize:
                params["Size"] = max(int(r["Size"] * psize / 100.0), 1)
            if vtype:
                params["VolumeType"] = vtype
            calls.append(ApiCall("ec2", "modify_volume", params, [params["VolumeId"]],
                                 ", ".join(f"{k}={v}" for k, v in params.items() if k != "VolumeId")))
        return calls
