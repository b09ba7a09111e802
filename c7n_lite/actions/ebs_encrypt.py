"""Encrypt the unencrypted volumes attached to instances, in place: snapshot,
encrypted copy, new volume, swap, delete the old one."""
from __future__ import annotations

import time
from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions

# Tags the new volume carries while the swap is under way, so a volume left
# behind by an interrupted run can be traced to its instance and origin.
TRANSIENT_TAGS = ("maid-crypt-remediation", "maid-origin-volume", "maid-instance-device")
SNAPSHOT_TAG = "maid-crypto-remediation"
TRANSIENT_DESCRIPTION = "c7n-lite transient snapshot for encryption"
WAIT = {"Delay": 5, "MaxAttempts": 120}


@actions.register("encrypt-instance-volumes", "aws.ebs")
class EncryptInstanceVolumes(Action):
    """Replace each unencrypted attached volume by an encrypted copy under the
    KMS `key` (an id, ARN or alias).  Per instance: stop it if running, snapshot
    each volume and copy the snapshot encrypted, create the new volume from it
    (same size, type, zone and tags), detach the old volume, wait `delay`
    seconds (default 15), attach the new one on the same device (keeping
    DeleteOnTermination), start the instance again if it was running, delete
    the old volumes and the transient snapshots.  Volumes that are encrypted
    or not attached, and those of terminated instances, are skipped; one
    instance failing leaves the others to go on."""

    removes_resources = True

    schema = {"key": {"type": "string"}, "delay": {"type": "number"}, "verbose": {"type": "boolean"}}
    required = ("key",)
    permissions = (
        "ec2:DescribeInstances", "ec2:StopInstances", "ec2:StartInstances", "ec2:CreateSnapshot",
        "ec2:CopySnapshot", "ec2:DescribeSnapshots", "ec2:DeleteSnapshot", "ec2:CreateVolume",
        "ec2:DescribeVolumes", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DetachVolume", "ec2:AttachVolume",
        "ec2:ModifyInstanceAttribute", "ec2:DeleteVolume", "kms:DescribeKey", "kms:CreateGrant",
        "kms:GenerateDataKeyWithoutPlaintext", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        skipped: dict[str, list[str]] = {}
        by_instance: dict[str, list[dict]] = {}
        for v in resources:
            attachments = [a for a in v.get("Attachments") or () if a.get("InstanceId")]
            if v.get("Encrypted"):
                skipped.setdefault("already encrypted", []).append(self.resource_id(v))
            elif not attachments:
                skipped.setdefault("not attached to an instance", []).append(self.resource_id(v))
            else:
                by_instance.setdefault(attachments[0]["InstanceId"], []).append(v)
        states = self.instance_states(list(by_instance))
        calls = []
        for instance_id, volumes in by_instance.items():
            ids = [self.resource_id(v) for v in volumes]
            state = states.get(instance_id)
            if state in (None, "shutting-down", "terminated"):
                skipped.setdefault(f"instance {instance_id} is {state or 'gone'}", []).extend(ids)
                continue
            steps = (["stop the instance"] if state == "running" else []) + [
                f"{', '.join(ids)} → encrypted copies under {self.data['key']}"] + (
                ["start the instance"] if state == "running" else [])
            calls.append(ApiCall("ec2", "encrypt_instance_volumes",
                                 {"InstanceId": instance_id, "VolumeIds": ids, "KmsKeyId": self.data["key"]},
                                 ids, f"{instance_id}: " + "; ".join(steps),
                                 run=self.swap(instance_id, volumes, state == "running")))
        calls.extend(ApiCall.skip(ids, reason) for reason, ids in skipped.items())
        return calls

    def instance_states(self, instance_ids: list[str]) -> dict[str, str]:
        if not instance_ids:
            return {}
        ec2 = self.manager.session.client("ec2")
        states = {}
        for start in range(0, len(instance_ids), 200):
            pages = ec2.get_paginator("describe_instances").paginate(InstanceIds=instance_ids[start:start + 200])
            for page in pages:
                for reservation in page.get("Reservations", []):
                    for i in reservation.get("Instances", []):
                        states[i["InstanceId"]] = i["State"]["Name"]
        return states

    def swap(self, instance_id: str, volumes: list[dict], running: bool) -> Any:
        key, delay = self.data["key"], float(self.data.get("delay", 15))

        def run(session: Any) -> Any:
            ec2 = session.client("ec2")
            key_id = session.client("kms").describe_key(KeyId=key)["KeyMetadata"]["Arn"]
            if running:
                ec2.stop_instances(InstanceIds=[instance_id])
                ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance_id], WaiterConfig=WAIT)
            # Every new volume exists before the instance is touched.
            paired = [(v, encrypted_copy(ec2, v, key_id, instance_id)) for v in volumes]
            for old, new in paired:
                attachment = old["Attachments"][0]
                ec2.detach_volume(InstanceId=instance_id, VolumeId=old["VolumeId"])
                ec2.get_waiter("volume_available").wait(VolumeIds=[old["VolumeId"]], WaiterConfig=WAIT)
                time.sleep(delay)
                ec2.attach_volume(InstanceId=instance_id, VolumeId=new, Device=attachment["Device"])
                if attachment.get("DeleteOnTermination"):
                    ec2.modify_instance_attribute(InstanceId=instance_id, BlockDeviceMappings=[
                        {"DeviceName": attachment["Device"], "Ebs": {"VolumeId": new, "DeleteOnTermination": True}}])
            if running:
                ec2.start_instances(InstanceIds=[instance_id])
            for old, _ in paired:
                ec2.delete_volume(VolumeId=old["VolumeId"])
            ec2.delete_tags(Resources=[new for _, new in paired], Tags=[{"Key": k} for k in TRANSIENT_TAGS])
            return {"replaced": {old["VolumeId"]: new for old, new in paired}}
        return run


def encrypted_copy(ec2: Any, volume: dict, key_id: str, instance_id: str) -> str:
    """A new encrypted volume with the volume's data, size, type, zone and tags."""
    marker = [{"ResourceType": "snapshot", "Tags": [{"Key": SNAPSHOT_TAG, "Value": "true"}]}]
    plain = ec2.create_snapshot(VolumeId=volume["VolumeId"], Description=TRANSIENT_DESCRIPTION,
                                TagSpecifications=marker)["SnapshotId"]
    transient = [plain]
    try:
        ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[plain], WaiterConfig=WAIT)
        region = volume["AvailabilityZone"][:-1]
        secret = ec2.copy_snapshot(SourceSnapshotId=plain, SourceRegion=region, Encrypted=True, KmsKeyId=key_id,
                                   Description=TRANSIENT_DESCRIPTION, TagSpecifications=marker)["SnapshotId"]
        transient.append(secret)
        ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[secret], WaiterConfig=WAIT)
        tags = [{"Key": "maid-crypt-remediation", "Value": instance_id},
                {"Key": "maid-origin-volume", "Value": volume["VolumeId"]},
                {"Key": "maid-instance-device", "Value": volume["Attachments"][0]["Device"]}] + [
            t for t in volume.get("Tags") or () if not t["Key"].startswith("aws:")]
        params: dict = {"Size": volume["Size"], "VolumeType": volume["VolumeType"], "SnapshotId": secret,
                        "AvailabilityZone": volume["AvailabilityZone"], "Encrypted": True, "KmsKeyId": key_id,
                        "TagSpecifications": [{"ResourceType": "volume", "Tags": tags}]}
        for field in ("Iops", "Throughput"):
            if volume.get(field) and volume["VolumeType"] in ("io1", "io2", "gp3"):
                params[field] = volume[field]
        if params.get("Throughput") and volume["VolumeType"] != "gp3":
            params.pop("Throughput")
        new = ec2.create_volume(**params)["VolumeId"]
        ec2.get_waiter("volume_available").wait(VolumeIds=[new], WaiterConfig=WAIT)
    except Exception:
        for sid in transient:
            try:
                ec2.delete_snapshot(SnapshotId=sid)
            except Exception:  # noqa: BLE001, S110 - the first failure is the one reported
                pass
        raise
    for sid in transient:
        ec2.delete_snapshot(SnapshotId=sid)
    return new
