"""IAM: users, roles, managed policies, groups, instance profiles, access keys.

IAM is global: each type is listed once per account per run (`global_resource`),
and its ARNs carry no region.  The list calls leave fields out (tags, a role's
last use); those are `Detail`s, fetched only for the resources a filter reads
them on.  A missing entity between listing and reading (`NoSuchEntity`) means
the resource is gone; any other failure is an error, never "not configured".
"""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging, paginate

GONE = ("NoSuchEntity",)


def _tags(method: str, param: str, key: str) -> Any:
    def fetch(client: Any, resource: dict) -> dict:
        return {"Tags": paginate(client, method, "Tags", {param: resource[key]})}
    return fetch


def _iam_tagging(kind: str, param: str, by: str = "id") -> Tagging:
    title = kind[0].upper() + kind[1:]
    title = {"instance_profile": "InstanceProfile"}.get(kind, title)
    return Tagging("calls", "iam", f"tag_{kind}", f"untag_{kind}", param, by=by,
                   permissions=(f"iam:Tag{title}", f"iam:Untag{title}"))


@resources.register("aws.iam-user")
class IamUser(ResourceType):
    """IAM users.  Tags come from `ListUserTags`, when a filter reads them.

    moto: the credential report has no `<root_account>` row, and gives the
    last-used fields of keys and passwords as `N/A` unless set in its model;
    `SimulatePrincipalPolicy` and `ListServiceSpecificCredentials` are not
    served, so `check-permissions` and a full `delete` error there."""

    service = "iam"
    enum_op = "list_users"
    enum_path = "Users"
    id = name = "UserName"
    arn_key = "Arn"
    arn_format = "arn:{partition}:iam::{account}:user/{id}"
    date = "CreateDate"
    taggable = True
    global_resource = True
    tagging = _iam_tagging("user", "UserName")
    fetch_op = "get_user"
    fetch_param = "UserName"
    fetch_single = True
    fetch_path = "User"
    fetch_gone = GONE
    details = {"tags": Detail(("Tags",), _tags("list_user_tags", "UserName", "UserName"),
                              ("iam:ListUserTags",))}
    report_fields = ("UserName", "Arn", "CreateDate", "PasswordLastUsed")


def _role(client: Any, role: dict) -> dict:
    found = client.get_role(RoleName=role["RoleName"])["Role"]
    return {"Tags": found.get("Tags", []), "RoleLastUsed": found.get("RoleLastUsed", {}),
            "PermissionsBoundary": found.get("PermissionsBoundary")}


@resources.register("aws.iam-role")
class IamRole(ResourceType):
    """IAM roles.  Tags and `RoleLastUsed` come from `GetRole`, when read.

    moto: `RoleLastUsed` is always empty (no role is ever recorded as used)."""

    service = "iam"
    enum_op = "list_roles"
    enum_path = "Roles"
    id = name = "RoleName"
    arn_key = "Arn"
    arn_format = "arn:{partition}:iam::{account}:role/{id}"
    date = "CreateDate"
    taggable = True
    global_resource = True
    tagging = _iam_tagging("role", "RoleName")
    fetch_op = "get_role"
    fetch_param = "RoleName"
    fetch_single = True
    fetch_path = "Role"
    fetch_gone = GONE
    policy_key = "AssumeRolePolicyDocument"
    details = {"role": Detail(("Tags", "RoleLastUsed", "PermissionsBoundary"), _role, ("iam:GetRole",))}
    report_fields = ("RoleName", "Arn", "CreateDate", "RoleLastUsed.LastUsedDate")


@resources.register("aws.iam-policy")
class IamPolicy(ResourceType):
    """Customer managed IAM policies (`Scope: Local`, as Custodian lists by default).

    AWS managed policies are not listed: c7n_lite has no policy `query` key yet."""

    service = "iam"
    enum_op = "list_policies"
    enum_path = "Policies"
    enum_params = {"Scope": "Local"}
    id = "PolicyId"
    name = "PolicyName"
    arn_key = "Arn"
    date = "CreateDate"
    taggable = True
    global_resource = True
    tagging = _iam_tagging("policy", "PolicyArn", by="arn")
    fetch_gone = GONE
    details = {"tags": Detail(("Tags",), _tags("list_policy_tags", "PolicyArn", "Arn"),
                              ("iam:ListPolicyTags",))}
    report_fields = ("PolicyName", "Arn", "AttachmentCount", "DefaultVersionId")


@resources.register("aws.iam-group")
class IamGroup(ResourceType):
    """IAM groups (IAM groups have no tags)."""

    service = "iam"
    enum_op = "list_groups"
    enum_path = "Groups"
    id = name = "GroupName"
    arn_key = "Arn"
    arn_format = "arn:{partition}:iam::{account}:group/{id}"
    date = "CreateDate"
    global_resource = True
    fetch_gone = GONE
    report_fields = ("GroupName", "Arn", "CreateDate")


@resources.register("aws.iam-profile")
class IamInstanceProfile(ResourceType):
    """EC2 instance profiles (each with its `Roles`)."""

    service = "iam"
    enum_op = "list_instance_profiles"
    enum_path = "InstanceProfiles"
    id = name = "InstanceProfileName"
    arn_key = "Arn"
    arn_format = "arn:{partition}:iam::{account}:instance-profile/{id}"
    date = "CreateDate"
    taggable = True
    global_resource = True
    tagging = _iam_tagging("instance_profile", "InstanceProfileName")
    fetch_op = "get_instance_profile"
    fetch_param = "InstanceProfileName"
    fetch_single = True
    fetch_path = "InstanceProfile"
    fetch_gone = GONE
    # GetInstanceProfile, not ListInstanceProfileTags: moto serves only the former.
    details = {"tags": Detail(("Tags",), lambda client, p: {"Tags": client.get_instance_profile(
        InstanceProfileName=p["InstanceProfileName"])["InstanceProfile"].get("Tags", [])},
        ("iam:GetInstanceProfile",))}
    report_fields = ("InstanceProfileName", "Arn", "Roles[].RoleName")


@resources.register("aws.iam-access-key")
class IamAccessKey(ResourceType):
    """Access keys of every IAM user (`ListUsers`, then `ListAccessKeys` per user)."""

    service = "iam"
    enum_op = "list_users"
    enum_path = "Users"
    id = name = "AccessKeyId"
    arn_format = "arn:{partition}:iam::{account}:access-key/{id}"
    date = "CreateDate"
    global_resource = True
    extra_permissions = ("iam:ListAccessKeys",)
    report_fields = ("AccessKeyId", "UserName", "Status", "CreateDate")

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        client = session.client("iam")
        keys: list[dict] = []
        for user in paginate(client, "list_users", "Users"):
            keys.extend(paginate(client, "list_access_keys", "AccessKeyMetadata",
                                 {"UserName": user["UserName"]}))
        return keys


@resources.register("aws.iam-certificate")
class IamServerCertificate(ResourceType):
    """Server certificates stored in IAM.

    moto: every certificate's `Expiration` is 2012-05-08 (and `UploadDate` 2010)."""

    service = "iam"
    enum_op = "list_server_certificates"
    enum_path = "ServerCertificateMetadataList"
    id = name = "ServerCertificateName"
    arn_key = "Arn"
    date = "UploadDate"
    global_resource = True
    fetch_gone = GONE
    report_fields = ("ServerCertificateName", "Arn", "Expiration")


@resources.register("aws.iam-oidc-provider")
class IamOidcProvider(ResourceType):
    """OpenID Connect identity providers (`ListOpenIDConnectProviders`, then
    `GetOpenIDConnectProvider` for each: Url, ClientIDList, ThumbprintList)."""

    service = "iam"
    enum_op = "list_open_id_connect_providers"
    enum_permission = "iam:ListOpenIDConnectProviders"
    enum_path = "OpenIDConnectProviderList"
    id = name = "Arn"
    arn_key = "Arn"
    date = "CreateDate"
    global_resource = True
    fetch_gone = GONE
    extra_permissions = ("iam:GetOpenIDConnectProvider",)
    report_fields = ("Arn", "Url")

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        client = session.client("iam")
        found = []
        for item in client.list_open_id_connect_providers().get("OpenIDConnectProviderList", []):
            detail = client.get_open_id_connect_provider(OpenIDConnectProviderArn=item["Arn"])
            detail.pop("ResponseMetadata", None)
            found.append({"Arn": item["Arn"], **detail})
        return found


@resources.register("aws.iam-saml-provider")
class IamSamlProvider(ResourceType):
    """SAML identity providers; `Name` is the last part of the ARN."""

    service = "iam"
    enum_op = "list_saml_providers"
    enum_permission = "iam:ListSAMLProviders"
    enum_path = "SAMLProviderList"
    id = "Arn"
    name = "Name"
    arn_key = "Arn"
    date = "CreateDate"
    global_resource = True
    fetch_gone = GONE
    report_fields = ("Name", "Arn", "ValidUntil")

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        resource.setdefault("Name", resource["Arn"].split("/")[-1])
        return resource
