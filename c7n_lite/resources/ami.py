"""Machine images (AMIs) owned by the account."""
from __future__ import annotations

import re
from typing import Any

from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, paginate

_MISSING_IDS = re.compile(r"ami-[0-9a-fA-F]+")


def _launch_permissions(client: Any, image: dict) -> dict:
    found = client.describe_image_attribute(ImageId=image["ImageId"], Attribute="launchPermission")
    return {"LaunchPermissions": found.get("LaunchPermissions", [])}


@resources.register("aws.ami")
class AMI(ResourceType):
    service = "ec2"
    enum_op = "describe_images"
    server_query = True
    enum_path = "Images"
    # Without it AWS lists every public image.
    enum_params = {"Owners": ["self"]}
    id = "ImageId"
    name = "Name"
    arn_format = "arn:{partition}:ec2:{region}::image/{id}"
    date = "CreationDate"
    taggable = True
    fetch_gone = ("InvalidAMIID.NotFound", "InvalidAMIID.Unavailable")
    fetch_op = "describe_images"
    fetch_param = "ImageIds"
    fetch_batch = 200
    details = {
        "launch-permission": Detail(
            keys=("LaunchPermissions",), fetch=_launch_permissions,
            permissions=("ec2:DescribeImageAttribute",)),
    }
    report_fields = ("ImageId", "Name", "CreationDate", "Public", "State", "tag:Name")

    @classmethod
    def fetch_by_ids(cls, session: Any, ids: list[str]) -> list[dict]:
        """Images by id whoever owns them (an instance may run a public or shared
        image); ids AWS no longer knows (deregistered images) are dropped."""
        from botocore.exceptions import ClientError
        client = session.client(cls.service)
        found: list[dict] = []
        for start in range(0, len(ids), cls.fetch_batch):
            batch = ids[start:start + cls.fetch_batch]
            while batch:
                try:
                    found.extend(paginate(client, cls.fetch_op, cls.enum_path, {cls.fetch_param: batch}))
                    break
                except ClientError as exc:
                    code = exc.response.get("Error", {}).get("Code", "")
                    bad = set(_MISSING_IDS.findall(exc.response.get("Error", {}).get("Message", "")))
                    if code not in ("InvalidAMIID.NotFound", "InvalidAMIID.Malformed") or not bad & set(batch):
                        raise
                    batch = [i for i in batch if i not in bad]
        return found
