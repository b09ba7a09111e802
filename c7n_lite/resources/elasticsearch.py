"""Elasticsearch / OpenSearch Service domains (the `es` API, which describes
both engines' domains)."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging, paginate


def _tags(client: Any, domain: dict) -> dict:
    return {"Tags": client.list_tags(ARN=domain["ARN"]).get("TagList") or []}


@resources.register("aws.elasticsearch")
class ElasticsearchDomain(ResourceType):
    """Elasticsearch and OpenSearch domains, described five at a time
    (`DescribeElasticsearchDomains`); the access policy (`AccessPolicies`) comes
    with the description, tags are read per domain when a filter reads them.

    moto accepts `UpdateElasticsearchDomainConfig` without applying it: the
    configuration actions are tested for the calls they send."""

    service = "es"
    enum_op = "list_domain_names"
    enum_path = "DomainStatusList"
    id = name = "DomainName"
    arn_key = "ARN"
    arn_format = "arn:{partition}:es:{region}:{account}:domain/{id}"
    taggable = True
    tagging = Tagging("calls", "es", "add_tags", "remove_tags", "ARN", tags_param="TagList",
                      permissions=("es:AddTags", "es:RemoveTags"))
    security_groups_expr = "VPCOptions.SecurityGroupIds[]"
    subnets_expr = "VPCOptions.SubnetIds[]"
    vpc_expr = "VPCOptions.VPCId"
    kms_key_expr = "EncryptionAtRestOptions.KmsKeyId"
    policy_key = "AccessPolicies"
    metrics_namespace = "AWS/ES"
    metrics_dimensions = (("DomainName", "DomainName"), ("ClientId", "c7n:AccountId"))
    fetch_op = "describe_elasticsearch_domains"
    fetch_param = "DomainNames"
    fetch_batch = 5
    details = {"tags": Detail(("Tags",), _tags, ("es:ListTags",))}
    report_fields = ("DomainName", "ElasticsearchVersion", "EncryptionAtRestOptions.Enabled",
                     "NodeToNodeEncryptionOptions.Enabled")

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        # The account is the CloudWatch ClientId dimension: arn:aws:es:<region>:<account>:domain/<name>
        return {**resource, "c7n:AccountId": resource.get("ARN", "::::").split(":")[4]}

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        listed = paginate(session.client(cls.service), cls.enum_op, "DomainNames")
        # Domains deleted since the listing are left out of the description: gone.
        return cls.fetch_by_ids(session, [d["DomainName"] for d in listed]) if listed else []
