"""EC2 instances."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceType

# DescribeTags takes up to 200 values in a filter.
TAGS_BATCH = 200


def fill_missing_tags(client: Any, items: list[dict], id_key: str) -> list[dict]:
    """Where a describe answer has no `Tags` (an untagged resource, or a partial
    answer), read them with DescribeTags, batched, so that tag filters never
    take a tagged resource for an untagged one.  A failed read raises."""
    lacking = [i for i in items if "Tags" not in i]
    for start in range(0, len(lacking), TAGS_BATCH):
        part = lacking[start:start + TAGS_BATCH]
        found: dict[str, list[dict]] = {i[id_key]: [] for i in part}
        pages = client.get_paginator("describe_tags").paginate(
            Filters=[{"Name": "resource-id", "Values": list(found)}])
        for page in pages:
            for tag in page.get("Tags", []):
                if tag.get("ResourceId") in found:
                    found[tag["ResourceId"]].append({"Key": tag["Key"], "Value": tag.get("Value", "")})
        for item in part:
            item["Tags"] = found[item[id_key]]
    return items


@resources.register("aws.ec2")
class EC2(ResourceType):
    """EC2 instances.  An instance the describe call lists without tags has them
    read with DescribeTags (batched), as Custodian does."""

    service = "ec2"
    enum_op = "describe_instances"
    server_query = True
    enum_path = "Reservations[].Instances[]"
    id = "InstanceId"
    name = "InstanceId"
    arn_format = "arn:{partition}:ec2:{region}:{account}:instance/{id}"
    date = "LaunchTime"
    taggable = True
    fetch_gone = ("InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed")
    security_groups_expr = "SecurityGroups[].GroupId"
    subnets_expr = "SubnetId"
    vpc_expr = "VpcId"
    metrics_namespace = "AWS/EC2"
    metrics_dimensions = (("InstanceId", "InstanceId"),)
    fetch_op = "describe_instances"
    fetch_param = "InstanceIds"
    fetch_batch = 1000
    extra_permissions = ("ec2:DescribeTags",)
    report_fields = ("InstanceId", "InstanceType", "State.Name", "LaunchTime", "tag:Name")

    @classmethod
    def enumerate(cls, session: AwsSession, params: dict | None = None) -> list[dict]:
        return fill_missing_tags(session.client("ec2"), super().enumerate(session, params), cls.id)

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        return fill_missing_tags(session.client("ec2"), super().fetch_by_ids(session, ids), cls.id)
