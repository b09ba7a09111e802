"""EFS file systems (tags come with the describe call; the file system
policy and lifecycle configuration are read per file system when a filter
reads them)."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging

POLICY = "Policy"
LIFECYCLE = "LifecyclePolicies"


def _policy(client: Any, fs: dict) -> dict:
    try:
        return {POLICY: client.describe_file_system_policy(FileSystemId=fs["FileSystemId"])["Policy"]}
    except Exception as exc:  # noqa: BLE001 - "no policy" is the one expected answer
        if error_code(exc) == "PolicyNotFound":
            return {POLICY: None}
        raise


def _lifecycle(client: Any, fs: dict) -> dict:
    answer = client.describe_lifecycle_configuration(FileSystemId=fs["FileSystemId"])
    return {LIFECYCLE: answer.get("LifecyclePolicies") or []}


@resources.register("aws.efs")
class ElasticFileSystem(ResourceType):
    """EFS file systems.  The file system policy (`Policy`, None when there is
    none) and the lifecycle rules (`LifecyclePolicies`) are read per file
    system when a filter reads them.

    moto does not serve `DeleteFileSystemPolicy`: `remove-statements` that
    leaves no statement is tested in its plan only."""

    service = "efs"
    enum_op = "describe_file_systems"
    enum_path = "FileSystems"
    id = "FileSystemId"
    name = "Name"
    arn_key = "FileSystemArn"
    arn_format = "arn:{partition}:elasticfilesystem:{region}:{account}:file-system/{id}"
    date = "CreationTime"
    taggable = True
    tagging = Tagging("calls", "efs", "tag_resource", "untag_resource", "ResourceId", by="id",
                      permissions=("elasticfilesystem:TagResource", "elasticfilesystem:UntagResource"))
    kms_key_expr = "KmsKeyId"
    policy_key = POLICY
    metrics_namespace = "AWS/EFS"
    metrics_dimensions = (("FileSystemId", "FileSystemId"),)
    fetch_op = "describe_file_systems"
    fetch_param = "FileSystemId"
    fetch_single = True
    fetch_gone = ("FileSystemNotFound",)
    details = {
        "policy": Detail((POLICY,), _policy, ("elasticfilesystem:DescribeFileSystemPolicy",)),
        "lifecycle": Detail((LIFECYCLE,), _lifecycle, ("elasticfilesystem:DescribeLifecycleConfiguration",)),
    }
    report_fields = ("FileSystemId", "Name", "Encrypted", "LifeCycleState", "SizeInBytes.Value")

    @classmethod
    def read_permissions(cls) -> list[str]:
        # The boto3 client is "efs"; IAM's service prefix is "elasticfilesystem".
        return sorted({p.replace("efs:", "elasticfilesystem:", 1) for p in super().read_permissions()})
