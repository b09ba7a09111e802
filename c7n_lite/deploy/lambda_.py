"""The Lambda function: created, or updated only where it differs.

Code is uploaded only when the archive's sha256 differs from the deployed
CodeSha256; configuration is sent only when a field we set differs.
"""
from __future__ import annotations

import base64
import json

from c7n_lite.actions.core import ApiCall
from c7n_lite.aws.session import AwsSession, error_code
from c7n_lite.deploy.target import MANAGED_TAG, MANAGED_VALUE, POLICY_TAG, Target

CONFIG_FIELDS = ("Role", "Handler", "Runtime", "Timeout", "MemorySize", "Description")


def _current_config(config: dict) -> dict:
    return {
        **{k: config.get(k) for k in CONFIG_FIELDS},
        "Environment": {"Variables": dict(sorted(((config.get("Environment") or {})
                                                  .get("Variables") or {}).items()))},
        "TracingConfig": {"Mode": (config.get("TracingConfig") or {}).get("Mode", "PassThrough")},
    }


def get_function(session: AwsSession, name: str) -> dict | None:
    try:
        return session.client("lambda").get_function(FunctionName=name)
    except Exception as exc:  # noqa: BLE001
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise


def hex_sha256(code_sha256: str | None) -> str:
    """Lambda's CodeSha256 (base64 of the digest) in hex, as `package` and `deploy` show every sha256."""
    try:
        return base64.b64decode(code_sha256 or "", validate=True).hex() or "none"
    except (ValueError, TypeError):
        return str(code_sha256)


def plan_function(session: AwsSession, target: Target) -> tuple[list[ApiCall], bool]:
    """The calls to converge the function, and whether it exists already."""
    name = target.function_name
    wanted = target.function_config()
    current = get_function(session, name)
    archive = target.archive
    if current is None:
        params = {k: v for k, v in wanted.items() if k != "Environment" or v["Variables"]}
        params.update({"Code": {"ZipFile": archive.data}, "Tags": target.tags, "Publish": False})
        return [ApiCall("lambda", "create_function", params, [target.name],
                        f"create function {name} ({wanted['Runtime']}, {wanted['MemorySize']} MB, "
                        f"{wanted['Timeout']} s; archive {archive.size} bytes, sha256 {archive.hexdigest})")], False
    calls = []
    config = current["Configuration"]
    if config.get("CodeSha256") != archive.code_sha256:
        calls.append(ApiCall("lambda", "update_function_code", {"FunctionName": name, "ZipFile": archive.data},
                             [target.name], f"upload code of {name} (sha256 {hex_sha256(config.get('CodeSha256'))} → "
                                            f"{archive.hexdigest}, {archive.size} bytes)"))
    have = _current_config(config)
    changed = sorted(k for k in wanted if k != "FunctionName" and have.get(k) != wanted[k])
    if changed:
        calls.append(ApiCall("lambda", "update_function_configuration", wanted, [target.name],
                             f"update configuration of {name}: "
                             + ", ".join(f"{k} {json.dumps(have.get(k))} → {json.dumps(wanted[k])}"
                                         for k in changed)))
    tags = current.get("Tags") or {}
    missing = {k: v for k, v in target.tags.items() if tags.get(k) != v}
    if missing:
        calls.append(ApiCall("lambda", "tag_resource", {"Resource": target.function_arn, "Tags": missing},
                             [target.name], f"tag function {name}: {', '.join(sorted(missing))}"))
    stale = sorted(k for k in tags if k not in target.tags and not k.startswith("aws:"))
    if stale:
        calls.append(ApiCall("lambda", "untag_resource", {"Resource": target.function_arn, "TagKeys": stale},
                             [target.name], f"untag function {name}: {', '.join(stale)}"))
    return calls, True


def plan_permission(session: AwsSession, target: Target, exists: bool) -> list[ApiCall]:
    """Let EventBridge's rule (and only it) invoke the function."""
    if exists:
        try:
            policy = json.loads(session.client("lambda").get_policy(FunctionName=target.function_name)["Policy"])
        except Exception as exc:  # noqa: BLE001
            if error_code(exc) != "ResourceNotFoundException":
                raise
            policy = {"Statement": []}
        for statement in policy.get("Statement", []):
            source = (statement.get("Condition") or {}).get("ArnLike", {}).get("AWS:SourceArn")
            if statement.get("Sid") == target.rule_name and source == target.rule_arn:
                return []
    return [ApiCall("lambda", "add_permission",
                    {"FunctionName": target.function_name, "StatementId": target.rule_name,
                     "Action": "lambda:InvokeFunction", "Principal": "events.amazonaws.com",
                     "SourceArn": target.rule_arn},
                    [target.name], f"allow rule {target.rule_name} to invoke {target.function_name}")]


def managed_functions(session: AwsSession) -> dict[str, str]:
    """Function name → policy name, for functions c7n-lite deployed in this region."""
    client = session.client("lambda")
    found: dict[str, str] = {}
    for page in client.get_paginator("list_functions").paginate():
        for fn in page["Functions"]:
            tags = client.list_tags(Resource=fn["FunctionArn"]).get("Tags", {})
            if tags.get(MANAGED_TAG) == MANAGED_VALUE and POLICY_TAG in tags:
                found[fn["FunctionName"]] = tags[POLICY_TAG]
    return found


def plan_delete_function(name: str, policy: str) -> list[ApiCall]:
    return [ApiCall("lambda", "delete_function", {"FunctionName": name}, [policy], f"delete function {name}")]
