"""EKS clusters."""
from __future__ import annotations

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceType, Tagging, paginate
from c7n_lite.resources.facts import tags_from_map


@resources.register("aws.eks")
class EksCluster(ResourceType):
    """EKS clusters, each described (DescribeCluster: endpoint access, logging,
    secrets encryption, version, tags)."""

    service = "eks"
    enum_op = "list_clusters"
    enum_path = "clusters"
    id = name = "name"
    arn_key = "arn"
    date = "createdAt"
    taggable = True
    tagging = Tagging("calls", "eks", "tag_resource", "untag_resource", "resourceArn", tags_param="tags",
                      tags_shape="map", keys_param="tagKeys", permissions=("eks:TagResource", "eks:UntagResource"))
    fetch_op = "describe_cluster"
    fetch_param = "name"
    fetch_single = True
    fetch_path = "cluster"
    fetch_gone = ("ResourceNotFoundException",)
    extra_permissions = ("eks:DescribeCluster",)
    security_groups_expr = "resourcesVpcConfig.securityGroupIds[]"
    subnets_expr = "resourcesVpcConfig.subnetIds[]"
    vpc_expr = "resourcesVpcConfig.vpcId"
    kms_key_expr = "encryptionConfig[0].provider.keyArn"
    report_fields = ("name", "version", "status", "resourcesVpcConfig.endpointPublicAccess", "createdAt")

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        client = session.client("eks")
        names = paginate(client, "list_clusters", "clusters")
        return [cls.prepare(client.describe_cluster(name=n)["cluster"]) for n in names]

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        if isinstance(resource.get("tags"), dict):
            resource["Tags"] = tags_from_map(resource.pop("tags"))
        return resource
