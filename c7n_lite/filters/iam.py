"""Filters for IAM users: the credential report, access keys, MFA devices,
attached and inline policies, groups, login profiles.

Each filter reads what it needs per user (in parallel, once per run: the lists
are cached on the session) and keeps Custodian's annotation keys
(`c7n:AccessKeys`, `c7n:matched-keys`, `MFADevices`, `c7n:Policies`,
`c7n:Groups`, `c7n:InlinePolicies`, `c7n:LoginProfile`), so that actions such as
`remove-keys` with `matched: true` mean the same.  Every failed read raises: a
user whose keys could not be listed is an error, never a user without keys.
"""
from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import ValueFilter, ValueMatcher
from c7n_lite.registry import filters

WORKERS = 8
VALUE_SCHEMA = {k: v for k, v in ValueFilter.schema.items()}
CREDENTIAL_KEYS = (
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active", "access_keys",
    "access_keys.active", "access_keys.last_used_date", "access_keys.last_used_region",
    "access_keys.last_used_service", "access_keys.last_rotated", "certs", "certs.active",
    "certs.last_rotated")
MATCHED_KEYS = "c7n:matched-keys"


class CredentialReportError(RuntimeError):
    """The credential report could not be had, or does not list a user."""


def fetch_each(manager: Any, resources: list[dict], key: str, fetch: Callable[[Any, dict], Any]) -> None:
    """Set `resource[key] = fetch(client, resource)` on every resource lacking it,
    once per run and resource (cached on the session), in parallel."""
    rt = manager.resource_type
    cache: dict = manager._cache().setdefault(("iam-list", rt.type, key), {})
    client = manager.session.client("iam")
    todo = [r for r in resources if key not in r and rt.resource_id(r) not in cache]
    if len(todo) == 1:
        cache[rt.resource_id(todo[0])] = fetch(client, todo[0])
    elif todo:
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(todo))) as pool:
            for r, value in zip(todo, pool.map(lambda r: fetch(client, r), todo), strict=True):
                cache[rt.resource_id(r)] = value
    for r in resources:
        if key not in r:
            r[key] = cache[rt.resource_id(r)]


def listing(method: str, path: str, param: str, field: str) -> Callable[[Any, dict], list]:
    from c7n_lite.resources.core import paginate

    def fetch(client: Any, resource: dict) -> list:
        return paginate(client, method, path, {param: resource[field]})
    return fetch


class ListValueFilter(Filter):
    """A value filter over a list the resource's API gives per resource: the
    resource matches when any item does; the matched items are noted."""

    schema = VALUE_SCHEMA
    annotation = ""
    matched_annotation: str | None = None
    fetch: Callable[[Any, dict], list] = staticmethod(lambda client, r: [])  # type: ignore[assignment]
    default_key: str | None = None

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        spec = dict(data)
        if self.default_key and "key" not in spec:
            spec["key"] = self.default_key
        self.matcher = ValueMatcher(spec, manager.now)

    def items(self, resource: dict) -> list:
        return resource[self.annotation]

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        fetch_each(self.manager, resources, self.annotation, type(self).fetch)
        matched = []
        for r in resources:
            found = [item for item in self.items(r) if self.matcher.match(item)]
            if found and self.matched_annotation:
                noted = r.setdefault(self.matched_annotation, [])
                noted.extend(i for i in found if i not in noted)
            if found:
                matched.append(r)
        return matched


@filters.register("access-key", "aws.iam-user")
class AccessKey(ListValueFilter):
    """A value filter on the user's access keys (`ListAccessKeys`: AccessKeyId,
    Status, CreateDate).  With `match-operator: and`, only the keys an earlier
    `access-key` filter matched are considered (so two filters can require one
    key to be both active and old)."""

    schema = {**VALUE_SCHEMA, "match-operator": {"enum": ["and", "or"]}}
    permissions = ("iam:ListAccessKeys",)
    annotation = "c7n:AccessKeys"
    matched_annotation = MATCHED_KEYS
    fetch = staticmethod(listing("list_access_keys", "AccessKeyMetadata", "UserName", "UserName"))

    def items(self, resource: dict) -> list:
        if self.data.get("match-operator") == "and" and MATCHED_KEYS in resource:
            previous = resource.pop(MATCHED_KEYS)
            return [k for k in resource[self.annotation] if k in previous]
        return resource[self.annotation]


@filters.register("group", "aws.iam-user")
class GroupMembership(ListValueFilter):
    """A value filter on the groups the user is in (GroupName, Arn, Path …)."""

    permissions = ("iam:ListGroupsForUser",)
    annotation = "c7n:Groups"
    fetch = staticmethod(listing("list_groups_for_user", "Groups", "UserName", "UserName"))


def _user_policies(include_via: bool) -> Callable[[Any, dict], list]:
    from c7n_lite.resources.core import paginate

    def fetch(client: Any, user: dict) -> list:
        attached = paginate(client, "list_attached_user_policies", "AttachedPolicies",
                            {"UserName": user["UserName"]})
        if include_via:
            for group in paginate(client, "list_groups_for_user", "Groups", {"UserName": user["UserName"]}):
                attached += paginate(client, "list_attached_group_policies", "AttachedPolicies",
                                     {"GroupName": group["GroupName"]})
        arns = list(dict.fromkeys(p["PolicyArn"] for p in attached))
        return [client.get_policy(PolicyArn=arn)["Policy"] for arn in arns]
    return fetch


@filters.register("policy", "aws.iam-user")
class UserPolicy(ListValueFilter):
    """A value filter on the managed policies attached to the user (the whole
    policy: PolicyName, Arn, AttachmentCount …); with `include-via`, also those
    attached to the user's groups."""

    schema = {**VALUE_SCHEMA, "include-via": {"type": "boolean"}}
    permissions = ("iam:ListAttachedUserPolicies", "iam:ListGroupsForUser",
                   "iam:ListAttachedGroupPolicies", "iam:GetPolicy")

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        via = bool(data.get("include-via"))
        self.annotation = "c7n:Policies:via" if via else "c7n:Policies"
        self._fetch = _user_policies(via)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        fetch_each(self.manager, resources, self.annotation, self._fetch)
        for r in resources:
            r["c7n:Policies"] = r[self.annotation]
        return [r for r in resources if any(self.matcher.match(p) for p in r[self.annotation])]


@filters.register("mfa-device", "aws.iam-user")
class MfaDevice(Filter):
    """A value filter on the user's list of MFA devices, `MFADevices` (the key is
    always that list: `value: empty` finds users without MFA)."""

    schema = VALUE_SCHEMA
    permissions = ("iam:ListMFADevices",)

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.matcher = ValueMatcher({**data, "key": "MFADevices"}, manager.now)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        fetch_each(self.manager, resources, "MFADevices",
                   listing("list_mfa_devices", "MFADevices", "UserName", "UserName"))
        return [r for r in resources if self.matcher.match(r)]


def _inline_filter(kind: str, method: str, param: str) -> type[Filter]:
    class HasInlinePolicy(Filter):
        __doc__ = f"""{kind.capitalize()}s with inline policies (`value: true`, the default) or without."""
        schema = {"value": {"type": "boolean"}}
        permissions = (f"iam:List{kind.capitalize()}Policies",)

        def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
            fetch_each(self.manager, resources, "c7n:InlinePolicies", listing(method, "PolicyNames", param, param))
            want = bool(self.data.get("value", True))
            return [r for r in resources if bool(r["c7n:InlinePolicies"]) == want]
    return HasInlinePolicy


for _kind, _method, _param in (("user", "list_user_policies", "UserName"),
                               ("role", "list_role_policies", "RoleName"),
                               ("group", "list_group_policies", "GroupName")):
    filters.register("has-inline-policy", f"aws.iam-{_kind}")(_inline_filter(_kind, _method, _param))


def _login_profile(client: Any, user: dict) -> bool:
    try:
        client.get_login_profile(UserName=user["UserName"])
    except Exception as exc:  # noqa: BLE001 - only "no profile" is an answer
        if error_code(exc) == "NoSuchEntity":
            return False
        raise
    return True


@filters.register("login-profile", "aws.iam-user")
class LoginProfile(Filter):
    """Users with a console password (a login profile), as Custodian: the value
    options are accepted and not used."""

    schema = VALUE_SCHEMA
    permissions = ("iam:GetLoginProfile",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        fetch_each(self.manager, resources, "c7n:LoginProfile", _login_profile)
        return [r for r in resources if r["c7n:LoginProfile"]]


# --- the credential report ---------------------------------------------------

SUB_OBJECTS = (("access_key_1_", "access_keys"), ("access_key_2_", "access_keys"),
               ("cert_1_", "certs"), ("cert_2_", "certs"))


def parse_credential_report(content: bytes | str) -> dict[str, dict]:
    """The report's CSV → {user name: record}, typed as Custodian does: `N/A`
    and `no_information` are null, true/false booleans, and the active (or
    once rotated) keys and certificates lists `access_keys` and `certs`."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    report = {}
    for row in csv.DictReader(io.StringIO(text)):
        info: dict[str, Any] = {}
        for k, v in row.items():
            info[k] = None if v in ("N/A", "no_information") else {"true": True, "false": False}.get(v, v)
        for prefix, target in SUB_OBJECTS:
            item = {k[len(prefix):]: info.pop(k) for k in list(info) if k.startswith(prefix)}
            if item.get("active") or item.get("last_rotated"):
                info.setdefault(target, []).append(item)
        report[info["user"]] = info
    return report


def credential_report(manager: Any, generate: bool = True, delay: float = 10) -> dict[str, dict]:
    """The account's credential report, read once per run: generated if absent
    (polling `GenerateCredentialReport` until COMPLETE, at most `delay` s)."""
    cache = manager._cache()
    if ("iam-credential-report",) in cache:
        return cache[("iam-credential-report",)]
    client = manager.session.client("iam")
    if generate:
        deadline = time.monotonic() + max(delay, 1)
        while client.generate_credential_report().get("State") != "COMPLETE":
            if time.monotonic() > deadline:
                raise CredentialReportError(f"the IAM credential report was not ready after {delay} s")
            time.sleep(1)
    try:
        content = client.get_credential_report()["Content"]
    except Exception as exc:  # noqa: BLE001 - no report is an error too: nothing is known
        raise CredentialReportError(f"reading the IAM credential report failed: {exc}") from exc
    report = cache[("iam-credential-report",)] = parse_credential_report(content)
    return report


@filters.register("credential", "aws.iam-user")
class CredentialReport(Filter):
    """A value filter on the user's row of the IAM credential report.  Keys under
    `access_keys.` or `certs.` match when any of the user's (active) keys or
    certificates does; matched keys are noted in `c7n:matched-keys`.  A user
    the report does not list (created since it was generated) is an error."""

    schema = {**VALUE_SCHEMA, "key": {"enum": list(CREDENTIAL_KEYS)},
              "report_generate": {"type": "boolean"}, "report_delay": {"type": "number"},
              "report_max_age": {"type": "number"}}
    permissions = ("iam:GenerateCredentialReport", "iam:GetCredentialReport")

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        key = data.get("key", "")
        self.list_key, _, sub = key.partition(".") if key.startswith(("access_keys.", "certs.")) \
            else ("", "", "")
        self.matcher = ValueMatcher({**data, "key": sub or key}, manager.now)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        report = credential_report(self.manager, self.data.get("report_generate", True),
                                   self.data.get("report_delay", 10))
        missing = sorted(r["UserName"] for r in resources if r["UserName"] not in report)
        if missing:
            raise CredentialReportError(f"the IAM credential report does not list {', '.join(missing)} "
                                        "(created since the report was generated?)")
        matched = []
        for r in resources:
            info = r["c7n:credential-report"] = report[r["UserName"]]
            if not self.list_key:
                if self.matcher.match(info):
                    matched.append(r)
                continue
            found = [item for item in info.get(self.list_key, ()) if self.matcher.match(item)]
            if found:
                if self.list_key == "access_keys":
                    noted = r.setdefault(MATCHED_KEYS, [])
                    noted.extend(i for i in found if i not in noted)
                matched.append(r)
        return matched


@filters.register("ssh-key", "aws.iam-user")
class SshKey(ListValueFilter):
    """A value filter on the user's SSH public keys (SSHPublicKeyId, Status, UploadDate)."""

    permissions = ("iam:ListSSHPublicKeys",)
    annotation = "c7n:SSHKeys"
    matched_annotation = "c7n:matched-ssh-keys"
    fetch = staticmethod(listing("list_ssh_public_keys", "SSHPublicKeys", "UserName", "UserName"))


def _service_credentials(client: Any, user: dict) -> list:
    return client.list_service_specific_credentials(UserName=user["UserName"]).get("ServiceSpecificCredentials", [])


@filters.register("service-specific-credentials", "aws.iam-user")
class ServiceSpecificCredentials(ListValueFilter):
    """A value filter on the user's service-specific credentials (ServiceName,
    Status, CreateDate …).  moto does not serve `ListServiceSpecificCredentials`."""

    permissions = ("iam:ListServiceSpecificCredentials",)
    annotation = "c7n:ServiceSpecificCredentials"
    matched_annotation = "c7n:matched-service-specific-credentials"
    fetch = staticmethod(_service_credentials)
