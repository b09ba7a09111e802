"""Filters for IAM roles, managed policies, groups and instance profiles:
attached managed policies, use, the trust policy, allow-all documents, users
of a group, and `check-permissions` (IAM's policy simulator)."""
from __future__ import annotations

import time
from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.filters.core import Filter
from c7n_lite.filters.iam import ListValueFilter, fetch_each, listing
from c7n_lite.filters.iam_policy import CROSS_ACCOUNT_SCHEMA, PolicyCrossAccountFilter
from c7n_lite.filters.related import related_manager
from c7n_lite.filters.value import ValueMatcher
from c7n_lite.registry import filters
from c7n_lite.resources.core import paginate


def _managed_policy_filter(kind: str, param: str) -> type[ListValueFilter]:
    class SpecificManagedPolicy(ListValueFilter):
        __doc__ = f"""A value filter on the managed policies attached to the {kind}
        (`ListAttached{kind.capitalize()}Policies`: PolicyName, PolicyArn); the key
        is PolicyName unless given.  As in Custodian, a list `value` needs `op: in`
        (without it the name is compared with the whole list, and nothing matches)."""
        permissions = (f"iam:ListAttached{kind.capitalize()}Policies",)
        annotation = "c7n:AttachedPolicies"
        matched_annotation = "c7n:MatchedPolicies"
        default_key = "PolicyName"
        fetch = staticmethod(listing(f"list_attached_{kind}_policies", "AttachedPolicies", param, param))
    return SpecificManagedPolicy


RoleManagedPolicy = _managed_policy_filter("role", "RoleName")
GroupManagedPolicy = _managed_policy_filter("group", "GroupName")
filters.register("has-specific-managed-policy", "aws.iam-role")(RoleManagedPolicy)
filters.register("has-specific-managed-policy", "aws.iam-group")(GroupManagedPolicy)


@filters.register("no-specific-managed-policy", "aws.iam-role")
class NoRoleManagedPolicy(RoleManagedPolicy):  # type: ignore[misc, valid-type]
    """Roles without an attached managed policy matching the value filter."""

    matched_annotation = None

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        having = {id(r) for r in super().process(resources, event)}
        return [r for r in resources if id(r) not in having]


def _profile_policies(client: Any, profile: dict) -> list:
    found = []
    for role in profile.get("Roles", ()):
        found += paginate(client, "list_attached_role_policies", "AttachedPolicies",
                          {"RoleName": role["RoleName"]})
    return found


@filters.register("has-specific-managed-policy", "aws.iam-profile")
class ProfileManagedPolicy(RoleManagedPolicy):  # type: ignore[misc, valid-type]
    """A value filter on the managed policies attached to the profile's roles."""

    annotation = "c7n:AttachedPolicies"
    fetch = staticmethod(_profile_policies)


@filters.register("cross-account", "aws.iam-role")
class RoleCrossAccount(PolicyCrossAccountFilter):
    """Roles whose trust policy lets principals outside the account (and the
    `whitelist`) assume them."""

    schema = CROSS_ACCOUNT_SCHEMA
    permissions = ("iam:ListRoles",)
    policy_attribute = "AssumeRolePolicyDocument"
    reads = ()


# --- used / unused ---------------------------------------------------------

def _profiles_in_use(manager: Any) -> set[str]:
    """Names of the instance profiles a (not terminated) EC2 instance or a
    launch configuration uses."""
    found = set()
    for instance in related_manager(manager, "aws.ec2").resources():
        if instance.get("State", {}).get("Name") == "terminated":
            continue
        arn = (instance.get("IamInstanceProfile") or {}).get("Arn")
        if arn:
            found.add(arn.split("/")[-1])
    autoscaling = manager.session.client("autoscaling")
    for config in paginate(autoscaling, "describe_launch_configurations", "LaunchConfigurations"):
        if config.get("IamInstanceProfile"):
            found.add(config["IamInstanceProfile"].split("/")[-1])
    return found


def _ecs_service_roles(manager: Any) -> set[str]:
    ecs = manager.session.client("ecs")
    roles = set()
    for cluster in paginate(ecs, "list_clusters", "clusterArns"):
        services = paginate(ecs, "list_services", "serviceArns", {"cluster": cluster})
        for start in range(0, len(services), 10):
            described = ecs.describe_services(cluster=cluster, services=services[start:start + 10])
            roles.update(s["roleArn"] for s in described.get("services", ()) if s.get("roleArn"))
    return roles


def _roles_in_use(manager: Any) -> set[str]:
    """Roles used through instance profiles (names), and by Lambda functions
    and ECS services (ARNs)."""
    in_use = _profiles_in_use(manager)
    roles = {role["RoleName"] for p in related_manager(manager, "aws.iam-profile").resources()
             if p["InstanceProfileName"] in in_use for role in p.get("Roles", ())}
    lam = manager.session.client("lambda")
    roles.update(f["Role"] for f in paginate(lam, "list_functions", "Functions") if f.get("Role"))
    return roles | _ecs_service_roles(manager)


USAGE_PERMISSIONS = ("ec2:DescribeInstances", "autoscaling:DescribeLaunchConfigurations")


@filters.register("used", "aws.iam-role")
class RoleUsed(Filter):
    """Roles in use (`state: true`, the default) or not: through the instance
    profile of an EC2 instance or launch configuration, or by a Lambda function
    or ECS service (of the policy's region)."""

    schema = {"state": {"type": "boolean"}}
    permissions = (*USAGE_PERMISSIONS, "iam:ListInstanceProfiles", "lambda:ListFunctions", "ecs:ListClusters",
                   "ecs:ListServices", "ecs:DescribeServices")
    related_types = ("aws.ec2", "aws.iam-profile")

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        roles = _roles_in_use(self.manager)
        want = bool(self.data.get("state", True))
        return [r for r in resources if (r["RoleName"] in roles or r["Arn"] in roles) == want]


@filters.register("unused", "aws.iam-role")
class RoleUnused(RoleUsed):
    """Roles nothing uses (`used` with `state: false`)."""

    schema: dict = {}

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        roles = _roles_in_use(self.manager)
        return [r for r in resources if r["RoleName"] not in roles and r["Arn"] not in roles]


@filters.register("used", "aws.iam-profile")
class ProfileUsed(Filter):
    """Instance profiles an EC2 instance or launch configuration uses."""

    schema: dict = {}
    permissions = USAGE_PERMISSIONS
    related_types = ("aws.ec2",)
    want = True

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        used = _profiles_in_use(self.manager)
        return [r for r in resources if (r["InstanceProfileName"] in used) == self.want]


@filters.register("unused", "aws.iam-profile")
class ProfileUnused(ProfileUsed):
    """Instance profiles no EC2 instance or launch configuration uses."""

    want = False


@filters.register("used", "aws.iam-policy")
class PolicyUsed(Filter):
    """Policies attached to a user, group or role, or used as a permissions boundary."""

    schema: dict = {}
    permissions = ("iam:ListPolicies",)
    want = True

    def match(self, resource: dict, event: dict | None = None) -> bool:
        used = bool(resource.get("AttachmentCount")) or bool(resource.get("PermissionsBoundaryUsageCount"))
        return used == self.want


@filters.register("unused", "aws.iam-policy")
class PolicyUnused(PolicyUsed):
    """Policies attached nowhere (AttachmentCount and PermissionsBoundaryUsageCount 0)."""

    want = False


def _default_document(client: Any, policy: dict) -> dict:
    return client.get_policy_version(PolicyArn=policy["Arn"],
                                     VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]


def _as_list(value: Any) -> list:
    return [value] if isinstance(value, str) else list(value or ())


@filters.register("has-allow-all", "aws.iam-policy")
class HasAllowAll(Filter):
    """Policies whose default version has a statement allowing Action `*` on
    Resource `*` without a condition (full administrator)."""

    schema: dict = {}
    permissions = ("iam:ListPolicies", "iam:GetPolicyVersion")

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        fetch_each(self.manager, resources, "c7n:PolicyDocument", _default_document)
        return [r for r in resources if self.allows_all(r["c7n:PolicyDocument"])]

    @staticmethod
    def allows_all(document: Any) -> bool:
        if isinstance(document, str):
            import json
            from urllib.parse import unquote
            document = json.loads(unquote(document))
        statements = document.get("Statement", ())
        for s in [statements] if isinstance(statements, dict) else statements:
            if (s.get("Effect") == "Allow" and "Condition" not in s
                    and "*" in _as_list(s.get("Action")) and "*" in _as_list(s.get("Resource"))):
                return True
        return False


@filters.register("has-users", "aws.iam-group")
class GroupHasUsers(Filter):
    """Groups with members (`value: true`, the default) or empty ones."""

    schema = {"value": {"type": "boolean"}}
    permissions = ("iam:GetGroup",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        fetch_each(self.manager, resources, "c7n:Users",
                   listing("get_group", "Users", "GroupName", "GroupName"))
        want = bool(self.data.get("value", True))
        return [r for r in resources if bool(r["c7n:Users"]) == want]


# --- check-permissions -------------------------------------------------------

@filters.register("check-permissions", "aws.iam-user", "aws.iam-role", "aws.iam-group", "aws.iam-policy")
class CheckPermissions(Filter):
    """Principals (or policies) for which IAM's policy simulator says the
    `actions` are `allowed` or `denied` (`match`; a value filter on each
    evaluation result also works), all of them (`match-operator: and`, the
    default) or any.  moto does not serve the simulator: there the filter errors."""

    schema = {"match": {"oneOf": [{"enum": ["allowed", "denied"]}, {"type": "object"}]},
              "actions": {"type": "array", "items": {"type": "string"}},
              "match-operator": {"enum": ["and", "or"]}, "boundaries": {"type": "boolean"}}
    required = ("actions", "match")
    permissions = ("iam:SimulatePrincipalPolicy", "iam:SimulateCustomPolicy", "iam:GetPolicyVersion")

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        match = data.get("match")
        self.matcher = ValueMatcher(match, manager.now) if isinstance(match, dict) else None

    def evaluations(self, client: Any, resource: dict) -> list[dict]:
        actions = list(self.data["actions"])
        if self.manager.resource_type.type == "aws.iam-policy":
            import json
            document = _default_document(client, resource)
            text = document if isinstance(document, str) else json.dumps(document)
            return paginate(client, "simulate_custom_policy", "EvaluationResults",
                            {"PolicyInputList": [text], "ActionNames": actions})
        return paginate(client, "simulate_principal_policy", "EvaluationResults",
                        {"PolicySourceArn": resource["Arn"], "ActionNames": actions})

    def decided(self, result: dict) -> bool:
        if self.matcher is not None:
            return self.matcher.match(result)
        allowed = result.get("EvalDecision") == "allowed"
        return allowed if self.data["match"] == "allowed" else not allowed

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        key = "c7n:perm-evaluations:" + ",".join(self.data["actions"])
        fetch_each(self.manager, resources, key, self.evaluations)
        combine = all if self.data.get("match-operator", "and") == "and" else any
        matched = []
        for r in resources:
            results = r.pop(key)
            if results and combine(self.decided(e) for e in results):
                r["c7n:perm-matches"] = [e.get("EvalActionName") for e in results if self.decided(e)]
                matched.append(r)
        return matched



# --- usage (services last accessed) -------------------------------------------

SERVICE_ATTRS = ("LastAuthenticated", "LastAuthenticatedEntity", "ServiceName", "ServiceNamespace",
                 "TotalAuthenticatedEntities")
USAGE_WAIT = 120


@filters.register("usage", "aws.iam-user", "aws.iam-role", "aws.iam-policy", "aws.iam-group")
class Usage(Filter):
    """Match by IAM's "last accessed" report of the services the principal (or
    policy) may use: each service attribute given (`LastAuthenticated: null`,
    or a value filter) must hold for a service; `match-operator: all` needs
    every service to, `any` one.  moto does not serve this report."""

    schema = {**{a: {"oneOf": [{"type": "string"}, {"type": "boolean"}, {"type": "number"}, {"type": "null"},
                               {"type": "object"}]} for a in SERVICE_ATTRS},
              "match-operator": {"enum": ["all", "any"]}, "poll-delay": {"type": "number"}}
    required = ("match-operator",)
    permissions = ("iam:GenerateServiceLastAccessedDetails", "iam:GetServiceLastAccessedDetails")

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.matchers = [ValueMatcher({**data[a], "key": a} if isinstance(data[a], dict)
                                      else {"key": a, "value": data[a]}, manager.now)
                         for a in SERVICE_ATTRS if a in data]

    def services(self, client: Any, resource: dict) -> list[dict] | None:
        arn = self.manager.resource_type.arn(resource, self.manager.session)
        try:
            job = client.generate_service_last_accessed_details(Arn=arn)["JobId"]
        except Exception as exc:  # noqa: BLE001 - gone since the listing
            if error_code(exc) == "NoSuchEntity":
                return None
            raise
        deadline = time.monotonic() + USAGE_WAIT
        while True:
            answer = client.get_service_last_accessed_details(JobId=job)
            if answer["JobStatus"] == "COMPLETED":
                return answer.get("ServicesLastAccessed", [])
            if answer["JobStatus"] == "FAILED" or time.monotonic() > deadline:
                raise RuntimeError(f"IAM's last-accessed report for {arn}: {answer['JobStatus']}")
            time.sleep(self.data.get("poll-delay", 2))

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        fetch_each(self.manager, resources, "c7n:ServicesLastAccessed", self.services)
        every = self.data["match-operator"] == "all"
        matched = []
        for r in resources:
            services = r["c7n:ServicesLastAccessed"]
            if services is None:
                continue
            hits = [s for s in services if all(m.match(s) for m in self.matchers)]
            if (every and len(hits) == len(services)) or (not every and hits):
                matched.append(r)
        return matched
