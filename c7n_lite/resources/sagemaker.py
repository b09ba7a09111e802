"""SageMaker notebook instances."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import error_code, error_message
from c7n_lite.registry import resources
from c7n_lite.resources.core import ANY_KEY, Detail, ResourceType, Tagging


def _described(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def _description(client: Any, notebook: dict) -> dict:
    return _described(client.describe_notebook_instance(NotebookInstanceName=notebook["NotebookInstanceName"]))


def _tags(client: Any, notebook: dict) -> dict:
    return {"Tags": client.list_tags(ResourceArn=notebook["NotebookInstanceArn"]).get("Tags") or []}


def _not_found(exc: BaseException) -> bool:
    # SageMaker answers a missing notebook with a ValidationException whose
    # message says the record is not found: only that one means "gone".
    message = error_message(exc).lower()
    return error_code(exc) == "ValidationException" and ("recordnotfound" in message or "not found" in message)


@resources.register("aws.sagemaker-notebook")
class SageMakerNotebook(ResourceType):
    """SageMaker notebook instances.  The listing is a summary: the full
    description (`DirectInternetAccess`, `RootAccess`, `SubnetId`,
    `SecurityGroups`, `KmsKeyId` …, any field a filter reads) and the tags are
    each read per notebook when a filter reads them."""

    service = "sagemaker"
    enum_op = "list_notebook_instances"
    enum_path = "NotebookInstances"
    id = name = "NotebookInstanceName"
    arn_key = "NotebookInstanceArn"
    arn_format = "arn:{partition}:sagemaker:{region}:{account}:notebook-instance/{id}"
    date = "CreationTime"
    taggable = True
    tagging = Tagging("calls", "sagemaker", "add_tags", "delete_tags", "ResourceArn",
                      permissions=("sagemaker:AddTags", "sagemaker:DeleteTags"))
    security_groups_expr = "SecurityGroups[]"
    subnets_expr = "SubnetId"
    kms_key_expr = "KmsKeyId"
    fetch_op = "describe_notebook_instance"
    fetch_param = "NotebookInstanceName"
    fetch_single = True
    details = {
        "description": Detail((ANY_KEY,), _description, ("sagemaker:DescribeNotebookInstance",)),
        "tags": Detail(("Tags",), _tags, ("sagemaker:ListTags",)),
    }
    report_fields = ("NotebookInstanceName", "NotebookInstanceStatus", "InstanceType")

    @classmethod
    def _fetch_one(cls, client: Any, resource_id: str) -> list[dict]:
        try:
            return [_described(client.describe_notebook_instance(NotebookInstanceName=resource_id))]
        except Exception as exc:  # noqa: BLE001 - only "gone" is expected
            if _not_found(exc):
                return []
            raise
