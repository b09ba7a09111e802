"""Lambda functions (the account's functions, not c7n_lite's own deployment,
which is `c7n_lite.deploy`)."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging
from c7n_lite.resources.facts import tags_from_map

NOT_FOUND = "ResourceNotFoundException"


def _tags(client: Any, function: dict) -> dict:
    return {"Tags": tags_from_map(client.list_tags(Resource=function["FunctionArn"]).get("Tags"))}


def _policy(client: Any, function: dict) -> dict:
    """The resource policy as JSON text under `c7n:Policy` (Custodian's key);
    None when the function has none (GetPolicy's not-found)."""
    try:
        return {"c7n:Policy": client.get_policy(FunctionName=function["FunctionArn"])["Policy"]}
    except Exception as exc:  # noqa: BLE001 - only "no policy" is an answer
        if error_code(exc) == NOT_FOUND:
            return {"c7n:Policy": None}
        raise


def _function_info(client: Any, function: dict) -> dict:
    info = client.get_function(FunctionName=function["FunctionArn"])
    info.pop("ResponseMetadata", None)
    return {"c7n:FunctionInfo": info}


def _url_config(client: Any, function: dict) -> dict:
    try:
        found = client.get_function_url_config(FunctionName=function["FunctionArn"])
    except Exception as exc:  # noqa: BLE001 - only "no URL" is an answer
        if error_code(exc) == NOT_FOUND:
            return {"c7n:UrlConfig": {}}
        raise
    found.pop("ResponseMetadata", None)
    return {"c7n:UrlConfig": found}


@resources.register("aws.lambda")
class LambdaFunction(ResourceType):
    """Lambda functions.  The listing has the configuration; tags (ListTags),
    the resource policy (`c7n:Policy`, GetPolicy), `c7n:FunctionInfo`
    (GetFunction: code location, reserved concurrency) and `c7n:UrlConfig`
    (GetFunctionUrlConfig) are fetched per function when a filter reads them."""

    service = "lambda"
    enum_op = "list_functions"
    enum_path = "Functions"
    id = name = "FunctionName"
    arn_key = "FunctionArn"
    arn_format = "arn:{partition}:lambda:{region}:{account}:function:{id}"
    date = "LastModified"
    taggable = True
    tagging = Tagging("calls", "lambda", "tag_resource", "untag_resource", "Resource", tags_shape="map",
                      permissions=("lambda:TagResource", "lambda:UntagResource"))
    fetch_op = "get_function"
    fetch_param = "FunctionName"
    fetch_single = True
    fetch_path = "Configuration"
    fetch_gone = (NOT_FOUND,)
    security_groups_expr = "VpcConfig.SecurityGroupIds[]"
    subnets_expr = "VpcConfig.SubnetIds[]"
    vpc_expr = "VpcConfig.VpcId"
    kms_key_expr = "KMSKeyArn"
    policy_key = "c7n:Policy"
    metrics_namespace = "AWS/Lambda"
    metrics_dimensions = (("FunctionName", "FunctionName"),)
    details = {
        "tags": Detail(("Tags",), _tags, ("lambda:ListTags",)),
        "policy": Detail(("c7n:Policy",), _policy, ("lambda:GetPolicy",)),
        "function-info": Detail(("c7n:FunctionInfo",), _function_info, ("lambda:GetFunction",)),
        "url-config": Detail(("c7n:UrlConfig",), _url_config, ("lambda:GetFunctionUrlConfig",)),
    }
    report_fields = ("FunctionName", "Runtime", "MemorySize", "Timeout", "LastModified", "Role")
