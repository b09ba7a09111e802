"""What one deployed policy should look like: names, ARNs, tags, role, archive.

Computed from the validated policy alone (plus the account and region), so
the planner can compare it with what exists and the dry run can show it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from c7n_lite.aws.session import AwsSession
from c7n_lite.deploy.archive import HANDLER, Archive, build
from c7n_lite.modes.serverless import (
    DEFAULT_MEMORY,
    DEFAULT_RUNTIME,
    DEFAULT_TIMEOUT,
    FUNCTION_NAME,
    ServerlessMode,
    environment_variables,
)
from c7n_lite.policy import Policy, policy_permission_resources
from c7n_lite.registry import modes

POLICY_TAG = "c7n-lite:policy"
MANAGED_TAG = "c7n-lite:managed-by"
MANAGED_VALUE = "c7n-lite"
ROLE_PREFIX = "c7n-lite-"


class DeployError(ValueError):
    """A policy cannot be deployed as written."""


def managed_tags(policy_name: str) -> dict[str, str]:
    return {MANAGED_TAG: MANAGED_VALUE, POLICY_TAG: policy_name}


def is_serverless(data: dict) -> bool:
    mode = modes.get((data.get("mode") or {}).get("type", "pull"))
    return bool(mode is not None and getattr(mode, "serverless", False))


@dataclass
class Target:
    """The desired state of one policy's function, role and rule."""

    data: dict
    mode: ServerlessMode
    archive: Archive
    account: str
    region: str
    partition: str
    permissions: list[str] = field(default_factory=list)
    # Permission → the only ARNs it is used on (the others are granted on "*").
    permission_resources: dict[str, list[str]] = field(default_factory=dict)
    # Every region the policy is deployed to in this account (org deploy): the
    # role, global, may write the function's log group in each of them.
    role_regions: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def function_name(self) -> str:
        return self.mode.function_name(self.name)

    @property
    def rule_name(self) -> str:
        return self.function_name

    @property
    def function_arn(self) -> str:
        return f"arn:{self.partition}:lambda:{self.region}:{self.account}:function:{self.function_name}"

    @property
    def rule_arn(self) -> str:
        return f"arn:{self.partition}:events:{self.region}:{self.account}:rule/{self.rule_name}"

    @property
    def own_role(self) -> bool:
        """True when deploy creates the role (the policy names none)."""
        return not self.mode.data.get("role")

    @property
    def role_name(self) -> str:
        if self.own_role:
            return (ROLE_PREFIX + self.name)[:64]
        role = self.mode.data["role"]
        return role.rsplit("/", 1)[-1]

    @property
    def role_arn(self) -> str:
        role = self.mode.data.get("role")
        if role and role.startswith("arn:"):
            return role.replace("{account_id}", self.account)
        return f"arn:{self.partition}:iam::{self.account}:role/{self.role_name}"

    @property
    def tags(self) -> dict[str, str]:
        return {**(self.mode.data.get("tags") or {}), **managed_tags(self.name)}

    @property
    def description(self) -> str:
        text = self.mode.data.get("description") or self.data.get("description") or \
            f"c7n-lite policy {self.name}"
        return text[:256]

    def function_config(self) -> dict:
        """Configuration as update_function_configuration takes it."""
        opts = self.mode.data
        return {
            "FunctionName": self.function_name,
            "Role": self.role_arn,
            "Handler": HANDLER,
            "Runtime": opts.get("runtime", DEFAULT_RUNTIME),
            "Timeout": int(opts.get("timeout", DEFAULT_TIMEOUT)),
            "MemorySize": int(opts.get("memory", DEFAULT_MEMORY)),
            "Description": self.description,
            "Environment": {"Variables": dict(sorted(environment_variables(opts).items()))},
            "TracingConfig": {"Mode": opts.get("tracing", "PassThrough")},
        }


def target_for(data: dict, session: AwsSession, role_regions: tuple[str, ...] = ()) -> Target:
    mode_cls = modes.get(data["mode"]["type"])
    mode = mode_cls(data["mode"])
    function_name = mode.function_name(data["name"])
    if not FUNCTION_NAME.match(function_name):
        raise DeployError(f"policy {data['name']}: function name {function_name!r} is not valid "
                          "(at most 64 letters, digits, '-' or '_')")
    policy = Policy(data, session)
    return Target(data, mode, build(data), session.account_id, session.region, session.partition,
                  sorted(policy.permissions() | set(mode.role_permissions)), policy_permission_resources(data),
                  tuple(role_regions) or (session.region,))
