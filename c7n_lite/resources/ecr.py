"""ECR private repositories."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging


def _tags(client: Any, repo: dict) -> dict:
    return {"Tags": client.list_tags_for_resource(resourceArn=repo["repositoryArn"]).get("tags", [])}


def _policy(client: Any, repo: dict) -> dict:
    try:
        found = client.get_repository_policy(repositoryName=repo["repositoryName"])
    except Exception as exc:  # noqa: BLE001 - only "no policy" is an answer
        if error_code(exc) == "RepositoryPolicyNotFoundException":
            return {"Policy": None}
        raise
    return {"Policy": found.get("policyText")}


def _lifecycle(client: Any, repo: dict) -> dict:
    import json
    try:
        found = client.get_lifecycle_policy(repositoryName=repo["repositoryName"])
    except Exception as exc:  # noqa: BLE001 - only "no lifecycle policy" is an answer
        if error_code(exc) == "LifecyclePolicyNotFoundException":
            return {"c7n:lifecycle-policy": {}}
        raise
    return {"c7n:lifecycle-policy": json.loads(found.get("lifecyclePolicyText") or "{}")}


@resources.register("aws.ecr")
class EcrRepository(ResourceType):
    """ECR private repositories.  Tags, the repository `Policy` and the
    lifecycle policy (`c7n:lifecycle-policy`) are fetched when a filter reads them."""

    service = "ecr"
    enum_op = "describe_repositories"
    enum_path = "repositories"
    id = name = "repositoryName"
    arn_key = "repositoryArn"
    date = "createdAt"
    taggable = True
    tagging = Tagging("calls", "ecr", "tag_resource", "untag_resource", "resourceArn", tags_param="tags",
                      keys_param="tagKeys", permissions=("ecr:TagResource", "ecr:UntagResource"))
    fetch_op = "describe_repositories"
    fetch_param = "repositoryNames"
    fetch_single = True
    fetch_gone = ("RepositoryNotFoundException",)
    kms_key_expr = "encryptionConfiguration.kmsKey"
    policy_key = "Policy"
    details = {
        "tags": Detail(("Tags",), _tags, ("ecr:ListTagsForResource",)),
        "policy": Detail(("Policy",), _policy, ("ecr:GetRepositoryPolicy",)),
        "lifecycle": Detail(("c7n:lifecycle-policy",), _lifecycle, ("ecr:GetLifecyclePolicy",)),
    }
    report_fields = ("repositoryName", "imageTagMutability", "imageScanningConfiguration.scanOnPush", "createdAt")

    @classmethod
    def _fetch_one(cls, client: Any, resource_id: str) -> list[dict]:
        try:
            return client.describe_repositories(repositoryNames=[resource_id])["repositories"]
        except Exception as exc:  # noqa: BLE001 - only "gone" is expected
            if error_code(exc) in cls.fetch_gone:
                return []
            raise
