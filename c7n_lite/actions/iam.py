"""IAM actions: delete users, roles, policies and groups (with what they hold),
remove or disable access keys, attach and detach managed policies, group
membership.  Steps that depend on the state at execution time (a user's keys,
a role's policies) are read when the plan runs, not when it is made."""
from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.aws.session import error_code
from c7n_lite.registry import actions
from c7n_lite.resources.core import paginate

Step = Callable[[Any, str], None]


def _ignore_missing(call: Callable[..., Any], **params: Any) -> None:
    try:
        call(**params)
    except Exception as exc:  # noqa: BLE001 - already gone is done
        if error_code(exc) != "NoSuchEntity":
            raise


def _console(client: Any, user: str) -> None:
    _ignore_missing(client.delete_login_profile, UserName=user)


def _keys(client: Any, user: str) -> None:
    for key in paginate(client, "list_access_keys", "AccessKeyMetadata", {"UserName": user}):
        client.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])


def _attached(client: Any, user: str) -> None:
    for p in paginate(client, "list_attached_user_policies", "AttachedPolicies", {"UserName": user}):
        client.detach_user_policy(UserName=user, PolicyArn=p["PolicyArn"])


def _inline(client: Any, user: str) -> None:
    for name in paginate(client, "list_user_policies", "PolicyNames", {"UserName": user}):
        client.delete_user_policy(UserName=user, PolicyName=name)


def _mfa(client: Any, user: str) -> None:
    for device in paginate(client, "list_mfa_devices", "MFADevices", {"UserName": user}):
        client.deactivate_mfa_device(UserName=user, SerialNumber=device["SerialNumber"])
        if ":mfa/" in device["SerialNumber"]:
            _ignore_missing(client.delete_virtual_mfa_device, SerialNumber=device["SerialNumber"])


def _groups(client: Any, user: str) -> None:
    for group in paginate(client, "list_groups_for_user", "Groups", {"UserName": user}):
        client.remove_user_from_group(UserName=user, GroupName=group["GroupName"])


def _ssh(client: Any, user: str) -> None:
    for key in paginate(client, "list_ssh_public_keys", "SSHPublicKeys", {"UserName": user}):
        client.delete_ssh_public_key(UserName=user, SSHPublicKeyId=key["SSHPublicKeyId"])


def _certs(client: Any, user: str) -> None:
    for cert in paginate(client, "list_signing_certificates", "Certificates", {"UserName": user}):
        client.delete_signing_certificate(UserName=user, CertificateId=cert["CertificateId"])


def _service_creds(client: Any, user: str) -> None:
    for cred in client.list_service_specific_credentials(UserName=user).get("ServiceSpecificCredentials", []):
        client.delete_service_specific_credential(
            UserName=user, ServiceSpecificCredentialId=cred["ServiceSpecificCredentialId"])


USER_PARTS: dict[str, tuple[Step, tuple[str, ...]]] = {
    "console-access": (_console, ("iam:DeleteLoginProfile",)),
    "access-keys": (_keys, ("iam:ListAccessKeys", "iam:DeleteAccessKey")),
    "attached-user-policies": (_attached, ("iam:ListAttachedUserPolicies", "iam:DetachUserPolicy")),
    "inline-user-policies": (_inline, ("iam:ListUserPolicies", "iam:DeleteUserPolicy")),
    "mfa-devices": (_mfa, ("iam:ListMFADevices", "iam:DeactivateMFADevice", "iam:DeleteVirtualMFADevice")),
    "groups": (_groups, ("iam:ListGroupsForUser", "iam:RemoveUserFromGroup")),
    "ssh-keys": (_ssh, ("iam:ListSSHPublicKeys", "iam:DeleteSSHPublicKey")),
    "signing-certificates": (_certs, ("iam:ListSigningCertificates", "iam:DeleteSigningCertificate")),
    "service-specific-credentials": (_service_creds, ("iam:ListServiceSpecificCredentials",
                                                      "iam:DeleteServiceSpecificCredential")),
}
PART_OPERATIONS = {"console-access": "delete_login_profile", "access-keys": "delete_access_key",
                   "attached-user-policies": "detach_user_policy", "inline-user-policies": "delete_user_policy",
                   "mfa-devices": "deactivate_mfa_device", "groups": "remove_user_from_group",
                   "ssh-keys": "delete_ssh_public_key", "signing-certificates": "delete_signing_certificate",
                   "service-specific-credentials": "delete_service_specific_credential"}
ALIASES = {"user-policies": ("attached-user-policies", "inline-user-policies")}


def _runner(steps: list[Step], name: str) -> Callable[[Any], None]:
    def run(session: Any) -> None:
        client = session.client("iam")
        for step in steps:
            step(client, name)
    return run


@actions.register("delete", "aws.iam-user")
class DeleteUser(Action):
    """Delete users, after removing what IAM requires gone first (console
    password, keys, policies, MFA devices, groups, SSH keys, certificates,
    service credentials).  With `options`, remove only those and keep the user."""

    schema = {"options": {"type": "array", "items": {"enum": [*USER_PARTS, *ALIASES]}}}
    permissions = tuple(sorted({p for _, perms in USER_PARTS.values() for p in perms} | {"iam:DeleteUser"}))

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        chosen = [o for opt in self.data.get("options") or () for o in ALIASES.get(opt, (opt,))]
        parts = list(dict.fromkeys(chosen)) or list(USER_PARTS)
        steps = [USER_PARTS[p][0] for p in parts]
        if not chosen:
            steps.append(lambda client, user: client.delete_user(UserName=user))
        what = ", ".join(parts) if chosen else "the user and " + ", ".join(parts)
        operation = "delete_user" if not chosen else PART_OPERATIONS[parts[0]]
        return [ApiCall("iam", operation, {"UserName": r["UserName"]},
                        [r["UserName"]], f"delete {what}", run=_runner(steps, r["UserName"])) for r in resources]


def _role_cleanup(client: Any, role: str) -> None:
    for p in paginate(client, "list_attached_role_policies", "AttachedPolicies", {"RoleName": role}):
        client.detach_role_policy(RoleName=role, PolicyArn=p["PolicyArn"])
    for name in paginate(client, "list_role_policies", "PolicyNames", {"RoleName": role}):
        client.delete_role_policy(RoleName=role, PolicyName=name)
    for profile in paginate(client, "list_instance_profiles_for_role", "InstanceProfiles", {"RoleName": role}):
        client.remove_role_from_instance_profile(RoleName=role, InstanceProfileName=profile["InstanceProfileName"])


@actions.register("delete", "aws.iam-role")
class DeleteRole(Action):
    """Delete roles.  A role with attached policies is skipped unless `force`,
    which first detaches and deletes its policies and leaves its instance profiles."""

    schema = {"force": {"type": "boolean"}}
    permissions = ("iam:DeleteRole", "iam:ListAttachedRolePolicies", "iam:DetachRolePolicy",
                   "iam:ListRolePolicies", "iam:DeleteRolePolicy", "iam:ListInstanceProfilesForRole",
                   "iam:RemoveRoleFromInstanceProfile")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        force = bool(self.data.get("force"))
        client = self.manager.session.client("iam")
        calls, kept = [], []
        for r in resources:
            name = r["RoleName"]
            if not force and paginate(client, "list_attached_role_policies", "AttachedPolicies", {"RoleName": name}):
                kept.append(name)
                continue
            steps: list[Step] = [_role_cleanup] if force else []
            steps.append(lambda c, role: c.delete_role(RoleName=role))
            calls.append(ApiCall("iam", "delete_role", {"RoleName": name}, [name],
                                 "detach its policies, delete it" if force else "delete", run=_runner(steps, name)))
        if kept:
            calls.append(ApiCall.skip(kept, "has attached policies (use force: true)", "delete_role"))
        return calls


def _policy_delete(client: Any, arn: str) -> None:
    for version in paginate(client, "list_policy_versions", "Versions", {"PolicyArn": arn}):
        if not version["IsDefaultVersion"]:
            client.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
    client.delete_policy(PolicyArn=arn)


@actions.register("delete", "aws.iam-policy")
class DeletePolicy(Action):
    """Delete customer managed policies (their old versions first).  AWS
    managed and still attached policies are skipped (IAM refuses them)."""

    permissions = ("iam:DeletePolicy", "iam:ListPolicyVersions", "iam:DeletePolicyVersion")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls, kept = [], []
        for r in resources:
            if r["Arn"].split(":")[4] == "aws" or r.get("AttachmentCount"):
                kept.append(self.resource_id(r))
                continue
            calls.append(ApiCall("iam", "delete_policy", {"PolicyArn": r["Arn"]}, [self.resource_id(r)],
                                 f"delete {r['PolicyName']}", run=_runner([_policy_delete], r["Arn"])))
        if kept:
            calls.append(ApiCall.skip(kept, "AWS managed or attached", "delete_policy"))
        return calls


def _group_cleanup(client: Any, group: str) -> None:
    for user in paginate(client, "get_group", "Users", {"GroupName": group}):
        client.remove_user_from_group(GroupName=group, UserName=user["UserName"])
    for p in paginate(client, "list_attached_group_policies", "AttachedPolicies", {"GroupName": group}):
        client.detach_group_policy(GroupName=group, PolicyArn=p["PolicyArn"])
    for name in paginate(client, "list_group_policies", "PolicyNames", {"GroupName": group}):
        client.delete_group_policy(GroupName=group, PolicyName=name)


@actions.register("delete", "aws.iam-group")
class DeleteGroup(Action):
    """Delete groups; `force` first removes members and policies (else IAM
    refuses a group that has them, and the group is recorded as failed)."""

    schema = {"force": {"type": "boolean"}}
    permissions = ("iam:DeleteGroup", "iam:GetGroup", "iam:RemoveUserFromGroup", "iam:ListAttachedGroupPolicies",
                   "iam:DetachGroupPolicy", "iam:ListGroupPolicies", "iam:DeleteGroupPolicy")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        force = bool(self.data.get("force"))
        steps: list[Step] = [_group_cleanup] if force else []
        steps.append(lambda c, g: c.delete_group(GroupName=g))
        return [ApiCall("iam", "delete_group", {"GroupName": r["GroupName"]}, [r["GroupName"]], "delete",
                        run=_runner(list(steps), r["GroupName"])) for r in resources]


@actions.register("remove-keys", "aws.iam-user")
class RemoveKeys(Action):
    """Delete (or, with `disable`, deactivate) users' access keys: all of them,
    those older than `age` days, or (`matched`) those the `access-key` or
    `credential` filters matched."""

    schema = {"matched": {"type": "boolean"}, "age": {"type": "number"}, "disable": {"type": "boolean"}}
    permissions = ("iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:DeleteAccessKey")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return ["remove-keys cannot mix 'matched' and 'age'"] if data.get("matched") and data.get("age") else []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        client = self.manager.session.client("iam")
        age = self.data.get("age")
        threshold = self.manager.now() - datetime.timedelta(days=age) if age else None
        calls, none = [], []
        for r in resources:
            user = r["UserName"]
            keys = r.get("c7n:AccessKeys")
            if keys is None:
                keys = paginate(client, "list_access_keys", "AccessKeyMetadata", {"UserName": user})
            if self.data.get("matched"):
                keys = _matched_keys(r.get("c7n:matched-keys") or [], keys)
            if threshold is not None:
                keys = [k for k in keys if k["CreateDate"] < threshold]
            if not keys:
                none.append(user)
            for k in keys:
                kid = k["AccessKeyId"]
                if self.data.get("disable"):
                    calls.append(ApiCall("iam", "update_access_key",
                                         {"UserName": user, "AccessKeyId": kid, "Status": "Inactive"},
                                         [user], f"deactivate {kid}"))
                else:
                    calls.append(ApiCall("iam", "delete_access_key", {"UserName": user, "AccessKeyId": kid},
                                         [user], f"delete {kid}"))
        if none:
            calls.append(ApiCall.skip(none, "no access key to remove"))
        return calls


def _matched_keys(matched: list[dict], keys: list[dict]) -> list[dict]:
    """The user's keys that filters matched: by id (access-key), or by rotation
    time (the credential report names no key)."""
    ids = {m["AccessKeyId"] for m in matched if "AccessKeyId" in m}
    rotated = {str(m.get("last_rotated"))[:19] for m in matched if "AccessKeyId" not in m}
    return [k for k in keys if k["AccessKeyId"] in ids or k["CreateDate"].isoformat()[:19] in rotated]


def _set_policy(kind: str, param: str) -> type[Action]:
    title = kind.capitalize()

    class SetPolicy(Action):
        __doc__ = f"""Attach (`state: attached`) or detach a managed policy by `arn`
        on {kind}s; `arn: '*'` with `detached` detaches every attached policy."""
        schema = {"state": {"enum": ["attached", "detached"]}, "arn": {"type": "string"}}
        required = ("state", "arn")
        permissions = (f"iam:Attach{title}Policy", f"iam:Detach{title}Policy", f"iam:ListAttached{title}Policies")

        def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
            arn = self.data["arn"].replace("{account_id}", self.manager.session.account_id) \
                if "{account_id}" in self.data["arn"] else self.data["arn"]
            client = self.manager.session.client("iam")
            calls = []
            for r in resources:
                name = r[param]
                if self.data["state"] == "attached":
                    calls.append(ApiCall("iam", f"attach_{kind}_policy", {param: name, "PolicyArn": arn}, [name],
                                         f"attach {arn}"))
                    continue
                arns = [p["PolicyArn"] for p in paginate(client, f"list_attached_{kind}_policies",
                                                         "AttachedPolicies", {param: name})] \
                    if arn == "*" else [arn]
                calls.extend(ApiCall("iam", f"detach_{kind}_policy", {param: name, "PolicyArn": a}, [name],
                                     f"detach {a}") for a in arns)
            return calls
    return SetPolicy


for _kind, _param in (("user", "UserName"), ("role", "RoleName"), ("group", "GroupName")):
    actions.register("set-policy", f"aws.iam-{_kind}")(_set_policy(_kind, _param))


@actions.register("set-groups", "aws.iam-user")
class SetGroups(Action):
    """Add users to (`state: add`) or remove them from a `group`."""

    schema = {"state": {"enum": ["add", "remove"]}, "group": {"type": "string"}}
    required = ("state", "group")
    permissions = ("iam:AddUserToGroup", "iam:RemoveUserFromGroup")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        op = "add_user_to_group" if self.data["state"] == "add" else "remove_user_from_group"
        return [ApiCall("iam", op, {"GroupName": self.data["group"], "UserName": r["UserName"]}, [r["UserName"]],
                        f"{self.data['state']} {self.data['group']}") for r in resources]


@actions.register("delete-ssh-keys", "aws.iam-user")
class DeleteSshKeys(Action):
    """Delete (or, with `disable`, deactivate) users' SSH public keys: all, or
    (`matched`) those the `ssh-key` filter matched."""

    schema = {"matched": {"type": "boolean"}, "disable": {"type": "boolean"}}
    permissions = ("iam:ListSSHPublicKeys", "iam:UpdateSSHPublicKey", "iam:DeleteSSHPublicKey")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        client = self.manager.session.client("iam")
        calls = []
        for r in resources:
            user = r["UserName"]
            if self.data.get("matched"):
                keys = r.get("c7n:matched-ssh-keys", [])
            else:
                keys = r.get("c7n:SSHKeys")
                if keys is None:
                    keys = paginate(client, "list_ssh_public_keys", "SSHPublicKeys", {"UserName": user})
            for k in keys:
                params = {"UserName": user, "SSHPublicKeyId": k["SSHPublicKeyId"]}
                calls.append(ApiCall("iam", "update_ssh_public_key", {**params, "Status": "Inactive"}, [user],
                                     f"deactivate {k['SSHPublicKeyId']}") if self.data.get("disable") else
                             ApiCall("iam", "delete_ssh_public_key", params, [user], f"delete {k['SSHPublicKeyId']}"))
        return calls


@actions.register("delete-inline-policies", "aws.iam-group")
class DeleteGroupInlinePolicies(Action):
    """Delete the groups' inline policies."""

    permissions = ("iam:ListGroupPolicies", "iam:DeleteGroupPolicy")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        client = self.manager.session.client("iam")
        calls = []
        for r in resources:
            group = r["GroupName"]
            names = r.get("c7n:InlinePolicies")
            if names is None:
                names = paginate(client, "list_group_policies", "PolicyNames", {"GroupName": group})
            calls.extend(ApiCall("iam", "delete_group_policy", {"GroupName": group, "PolicyName": n}, [group],
                                 f"delete {n}") for n in names)
        return calls


@actions.register("set-role", "aws.iam-profile")
class SetProfileRole(Action):
    """Make `role` the instance profile's role (replacing the one it has), or
    with no `role`, remove the profile's role."""

    schema = {"role": {"type": "string"}}
    permissions = ("iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        role = self.data.get("role", "")
        calls = []
        for r in resources:
            name = r["InstanceProfileName"]
            current = [x["RoleName"] for x in r.get("Roles", ())]
            if current == [role] or (not role and not current):
                calls.append(ApiCall.skip([name], "already so"))
                continue
            calls.extend(ApiCall("iam", "remove_role_from_instance_profile",
                                 {"InstanceProfileName": name, "RoleName": c}, [name], f"remove {c}") for c in current)
            if role:
                calls.append(ApiCall("iam", "add_role_to_instance_profile", {"InstanceProfileName": name,
                                                                             "RoleName": role}, [name], f"add {role}"))
        return calls


@actions.register("set-policy", "aws.iam-profile")
class SetProfilePolicy(_set_policy("role", "RoleName")):  # type: ignore[misc, valid-type]
    """Attach or detach a managed policy on the instance profile's role."""

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            if r.get("Roles"):
                for call in super().plan([{"RoleName": r["Roles"][0]["RoleName"]}], event):
                    call.resource_ids = [r["InstanceProfileName"]]
                    calls.append(call)
        empty = [r["InstanceProfileName"] for r in resources if not r.get("Roles")]
        return calls + ([ApiCall.skip(empty, "profile has no role")] if empty else [])


def _delete_by(op: str, param: str, key: str, perm: str, doc: str) -> type[Action]:
    class Delete(Action):
        __doc__ = doc
        permissions = (perm,)

        def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
            return [ApiCall("iam", op, {param: r[key]}, [self.resource_id(r)], f"delete {r[key]}")
                    for r in resources]
    return Delete


actions.register("delete", "aws.iam-certificate")(_delete_by(
    "delete_server_certificate", "ServerCertificateName", "ServerCertificateName", "iam:DeleteServerCertificate",
    "Delete server certificates from IAM."))
actions.register("delete", "aws.iam-oidc-provider")(_delete_by(
    "delete_open_id_connect_provider", "OpenIDConnectProviderArn", "Arn", "iam:DeleteOpenIDConnectProvider",
    "Delete OpenID Connect providers."))
actions.register("delete", "aws.iam-saml-provider")(_delete_by(
    "delete_saml_provider", "SAMLProviderArn", "Arn", "iam:DeleteSAMLProvider", "Delete SAML providers."))
