"""ECS clusters, services and task definitions."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.batching import chunks
from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceType, Tagging, paginate

ECS_TAGGING = Tagging("calls", "ecs", "tag_resource", "untag_resource", "resourceArn", tags_param="tags",
                      tags_shape="lower", keys_param="tagKeys", permissions=("ecs:TagResource", "ecs:UntagResource"))


def ecs_tags(item: dict) -> dict:
    """ECS says `tags` with `key`/`value`; Custodian presents `Tags` with Key/Value."""
    item["Tags"] = [{"Key": t["key"], "Value": t.get("value", "")} for t in item.pop("tags", None) or ()]
    return item


class EcsType(ResourceType):
    service = "ecs"
    taggable = True
    tagging = ECS_TAGGING

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        wanted = set(ids)
        return [r for r in cls.enumerate(session) if cls.resource_id(r) in wanted]


@resources.register("aws.ecs")
class EcsCluster(EcsType):
    """ECS clusters, described with their settings (Container Insights),
    configuration, statistics and tags."""

    enum_op = "list_clusters"
    enum_path = "clusterArns"
    id = "clusterArn"
    name = "clusterName"
    arn_key = "clusterArn"
    extra_permissions = ("ecs:DescribeClusters",)
    report_fields = ("clusterName", "status", "activeServicesCount", "runningTasksCount")

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        client = session.client("ecs")
        arns = paginate(client, "list_clusters", "clusterArns")
        found: list[dict] = []
        for part in chunks(arns, 100):
            found += client.describe_clusters(clusters=part, include=[
                "SETTINGS", "CONFIGURATIONS", "STATISTICS", "TAGS"])["clusters"]
        return [ecs_tags(c) for c in found]


def cluster_arns(client: Any) -> list[str]:
    return paginate(client, "list_clusters", "clusterArns")


@resources.register("aws.ecs-service")
class EcsService(EcsType):
    """ECS services of every cluster (DescribeServices with tags)."""

    enum_op = "list_services"
    enum_path = "serviceArns"
    id = "serviceArn"
    name = "serviceName"
    arn_key = "serviceArn"
    date = "createdAt"
    extra_permissions = ("ecs:ListClusters", "ecs:DescribeServices")
    security_groups_expr = "networkConfiguration.awsvpcConfiguration.securityGroups[]"
    subnets_expr = "networkConfiguration.awsvpcConfiguration.subnets[]"
    metrics_namespace = "AWS/ECS"
    report_fields = ("serviceName", "clusterArn", "launchType", "desiredCount", "runningCount", "taskDefinition")

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        client = session.client("ecs")
        found: list[dict] = []
        for cluster in cluster_arns(client):
            arns = paginate(client, "list_services", "serviceArns", {"cluster": cluster})
            for part in chunks(arns, 10):
                found += client.describe_services(cluster=cluster, services=part, include=["TAGS"])["services"]
        return [ecs_tags(s) for s in found]


@resources.register("aws.ecs-task-definition")
class EcsTaskDefinition(EcsType):
    """Active ECS task definitions (every revision), described one by one with tags."""

    enum_op = "list_task_definitions"
    enum_path = "taskDefinitionArns"
    id = "taskDefinitionArn"
    name = "family"
    arn_key = "taskDefinitionArn"
    date = "registeredAt"
    extra_permissions = ("ecs:DescribeTaskDefinition",)
    report_fields = ("family", "revision", "networkMode", "requiresCompatibilities", "status")

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        client = session.client("ecs")
        found = []
        for arn in paginate(client, "list_task_definitions", "taskDefinitionArns", {"status": "ACTIVE"}):
            answer = client.describe_task_definition(taskDefinition=arn, include=["TAGS"])
            found.append(ecs_tags({**answer["taskDefinition"], "tags": answer.get("tags")}))
        return found
