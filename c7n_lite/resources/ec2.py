"""EC2 instances and launch template versions."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from c7n_lite.aws.session import AwsSession, error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import DETAIL_WORKERS, ResourceType, paginate
from c7n_lite.resources.facts import EC2_TAGGING

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
    config_type = "AWS::EC2::Instance"
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


@resources.register("aws.launch-template-version")
class LaunchTemplateVersion(ResourceType):
    """EC2 launch template versions: every version of every launch template, as
    Custodian lists them (DescribeLaunchTemplates, then each template's
    DescribeLaunchTemplateVersions), with the version's `LaunchTemplateData`.

    A version has no tags of its own in AWS: each carries its template's `Tags`,
    and the tag family writes to the template (so `mark-for-op` and a later
    `marked-for-op` see the same tags).  A version is named `<template id>/<version
    number>` in output and events (a bare template id in an event means all its
    versions), as in its ARN."""

    service = "ec2"
    enum_op = "describe_launch_templates"
    enum_path = "LaunchTemplates"
    id = "LaunchTemplateId"
    name = "LaunchTemplateName"
    arn_format = "arn:{partition}:ec2:{region}:{account}:launch-template/{id}"
    date = "CreateTime"
    taggable = True
    tagging = replace(EC2_TAGGING, by="LaunchTemplateId")
    fetch_gone = ("InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateId.Malformed",
                  "InvalidLaunchTemplateId.VersionNotFound")
    extra_permissions = ("ec2:DescribeLaunchTemplateVersions",)
    security_groups_expr = "LaunchTemplateData.[SecurityGroupIds[], NetworkInterfaces[].Groups[]][]"
    subnets_expr = "LaunchTemplateData.NetworkInterfaces[].SubnetId"
    kms_key_expr = "LaunchTemplateData.BlockDeviceMappings[].Ebs.KmsKeyId"
    report_fields = ("LaunchTemplateId", "LaunchTemplateName", "VersionNumber", "DefaultVersion",
                     "CreateTime", "LaunchTemplateData.ImageId", "LaunchTemplateData.InstanceType")

    @classmethod
    def resource_id(cls, resource: dict) -> str:
        return f"{resource['LaunchTemplateId']}/{resource['VersionNumber']}"

    @classmethod
    def enumerate(cls, session: AwsSession, params: dict | None = None) -> list[dict]:
        client = session.client("ec2")
        templates = paginate(client, cls.enum_op, cls.enum_path, params or {})
        return cls._versions(client, {t["LaunchTemplateId"]: (t.get("Tags", []), []) for t in templates})

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        wanted: dict[str, list[str]] = {}
        for rid in ids:
            template, _, version = rid.partition("/")
            wanted.setdefault(template, [])
            if version:
                wanted[template].append(version)
        client = session.client("ec2")
        tags: dict[str, list[dict]] = {}
        for template in wanted:
            try:
                found = client.describe_launch_templates(LaunchTemplateIds=[template])["LaunchTemplates"]
            except Exception as exc:  # noqa: BLE001 - only "gone" is expected
                if error_code(exc) in cls.fetch_gone:
                    continue
                raise
            tags.update({t["LaunchTemplateId"]: t.get("Tags", []) for t in found})
        return cls._versions(client, {t: (tags[t], wanted[t]) for t in tags})

    @classmethod
    def _versions(cls, client: Any, templates: dict[str, tuple[list[dict], list[str]]]) -> list[dict]:
        def versions(template: str) -> list[dict]:
            tags, numbers = templates[template]
            params: dict = {"LaunchTemplateId": template}
            if numbers:
                params["Versions"] = numbers
            try:
                found = paginate(client, "describe_launch_template_versions", "LaunchTemplateVersions", params)
            except Exception as exc:  # noqa: BLE001 - a template deleted since it was listed
                if error_code(exc) in cls.fetch_gone:
                    return []
                raise
            return [{**v, "Tags": tags} for v in found]

        with ThreadPoolExecutor(max_workers=max(1, min(DETAIL_WORKERS, len(templates)))) as pool:
            return [v for found in pool.map(versions, list(templates)) for v in found]
