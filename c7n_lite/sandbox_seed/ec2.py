"""EC2 demo instances and images, for policies/ec2.yml and policies/ami.yml.

Instances: two web servers with owners, from an old golden image; a batch
worker with no owner in the default security group; an instance stopped for
three months and one stopped today; one with an encrypted root volume.
Images: the golden image (400 days, in use), a recent one (in use), a legacy
one (300 days, unused) and a public one.
"""
from __future__ import annotations

import datetime
from typing import Any

import boto3

BASE_IMAGE = "ami-12c6146b"
PARTNER_ACCOUNT = "210987654321"


def moto_ec2(region: str) -> Any:
    """moto's EC2 model for the sandbox account, or None when moto runs elsewhere."""
    try:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ec2.models import ec2_backends
    except ImportError:
        return None
    return ec2_backends[DEFAULT_ACCOUNT_ID][region]


def days_ago(days: float) -> datetime.datetime:
    # moto keeps naive UTC timestamps.
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(days=days)


def backdate_instance(region: str, instance_id: str, days: float) -> None:
    """Launch time and volume attach times (what instance-age reads)."""
    backend = moto_ec2(region)
    if backend is None:
        return
    when = days_ago(days)
    instance = backend.get_instance(instance_id)
    instance.launch_time = when
    for mapping in instance.block_device_mapping.values():
        mapping.attach_time = when
        volume = backend.volumes.get(mapping.volume_id)
        if volume is not None and getattr(volume, "attachment", None) is not None:
            volume.attachment.attach_time = when


def backdate_image(region: str, image_id: str, days: float) -> None:
    """The image and the snapshots backing it."""
    backend = moto_ec2(region)
    if backend is None:
        return
    image = backend.amis[image_id]
    image.creation_date = days_ago(days)
    for snapshot in backend.snapshots.values():
        if image_id in (snapshot.description or ""):
            snapshot.start_time = days_ago(days)


def tags(**pairs: str) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


def launch(ec2: Any, image: str, count: int = 1, itype: str = "t3.micro", groups: list[str] | None = None,
           encrypted: bool = False, **tag_pairs: str) -> list[str]:
    kwargs: dict[str, Any] = {"ImageId": image, "MinCount": count, "MaxCount": count, "InstanceType": itype}
    if tag_pairs:
        kwargs["TagSpecifications"] = [{"ResourceType": "instance", "Tags": tags(**tag_pairs)}]
    if groups:
        kwargs["SecurityGroupIds"] = groups
    if encrypted:
        kwargs["BlockDeviceMappings"] = [{"DeviceName": "/dev/sda1",
                                          "Ebs": {"VolumeSize": 20, "Encrypted": True}}]
    return [i["InstanceId"] for i in ec2.run_instances(**kwargs)["Instances"]]


def make_image(ec2: Any, instance_id: str, name: str, **tag_pairs: str) -> str:
    return ec2.create_image(InstanceId=instance_id, Name=name, TagSpecifications=[
        {"ResourceType": "image", "Tags": tags(Name=name, **tag_pairs)}])["ImageId"]


def seed(endpoint: str, region: str) -> None:
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    web_sg = ec2.create_security_group(GroupName="web-tier", Description="web servers")["GroupId"]

    builder = launch(ec2, BASE_IMAGE, Name="image-builder", Owner="platform")[0]
    golden = make_image(ec2, builder, "golden-web-2024", Team="platform")
    backdate_image(region, golden, 400)
    fresh = make_image(ec2, builder, "golden-web-2026", Team="platform")
    legacy = make_image(ec2, builder, "legacy-batch-2025", Team="data")
    backdate_image(region, legacy, 300)
    public = make_image(ec2, builder, "demo-public-image", Team="marketing")
    ec2.modify_image_attribute(ImageId=public, LaunchPermission={"Add": [{"Group": "all"}]})
    partner = make_image(ec2, builder, "partner-shared-image", Team="platform")
    ec2.modify_image_attribute(ImageId=partner, LaunchPermission={"Add": [{"UserId": PARTNER_ACCOUNT}]})
    ec2.terminate_instances(InstanceIds=[builder])

    launch(ec2, golden, 2, "m5.large", [web_sg], Name="web", Owner="alice", CostCenter="cc-100",
           Environment="prod")
    launch(ec2, fresh, 1, "m5.xlarge", Name="batch-worker", Environment="dev")
    secure = launch(ec2, fresh, 1, "t3.small", [web_sg], encrypted=True, Name="secure-api", Owner="bob",
                    CostCenter="cc-200", Environment="prod")[0]
    # The one instance that already requires IMDSv2 tokens.
    ec2.modify_instance_metadata_options(InstanceId=secure, HttpTokens="required")
    old = launch(ec2, fresh, 1, "t3.medium", [web_sg], Name="forgotten-test", Owner="carol",
                 CostCenter="cc-300", Environment="test")[0]
    recent = launch(ec2, fresh, 1, "t3.medium", [web_sg], Name="paused-today", Owner="carol",
                    CostCenter="cc-300", Environment="test")[0]
    ec2.stop_instances(InstanceIds=[old, recent])
    backdate_instance(region, old, 90)
