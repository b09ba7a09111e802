"""The account itself, as one resource per account and region.

Custodian's shape: `{"account_id": …, "account_name": …}` (the name is the
account alias, or the id where there is none).  The account-level settings
the filters read (password policy, IAM summary, account-level S3 Block
Public Access, …) are each a `Detail`, fetched once per run and region for the
policies that read them.

moto: serves the password policy, the IAM summary (root MFA and root keys are
always 0 there), the credential report (without the `<root_account>` row, so
`credential` on the account is an error against moto), virtual MFA devices,
s3control's account Block Public Access, EBS encryption by default (not its
KMS key id), Security Hub, GuardDuty detectors, Macie (a session is reported
enabled even before `enable_macie`), Config recorders and CloudTrail.  It does
not serve Trusted Advisor's limit checks, so `service-limit` is not offered.
"""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import AwsSession, error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType

# Codes meaning "the account has no such setting": an empty document.
NO_PASSWORD_POLICY = "NoSuchEntity"
NO_PUBLIC_BLOCK = "NoSuchPublicAccessBlockConfiguration"


def _password_policy(client: Any, account: dict) -> dict:
    """The password policy, with Custodian's extra `PasswordPolicyConfigured`."""
    try:
        policy = client.get_account_password_policy()["PasswordPolicy"]
    except Exception as exc:  # noqa: BLE001 - only "no policy" is expected
        if error_code(exc) == NO_PASSWORD_POLICY:
            return {"c7n:password_policy": {"PasswordPolicyConfigured": False}}
        raise
    return {"c7n:password_policy": {**policy, "PasswordPolicyConfigured": True}}


def _iam_summary(client: Any, account: dict) -> dict:
    return {"c7n:iam_summary": client.get_account_summary()["SummaryMap"]}


def _s3_public_block(client: Any, account: dict) -> dict:
    try:
        out = client.get_public_access_block(AccountId=account["account_id"])
    except Exception as exc:  # noqa: BLE001 - only "not configured" is expected
        if error_code(exc) == NO_PUBLIC_BLOCK:
            return {"c7n:s3-public-block": {}}
        raise
    return {"c7n:s3-public-block": out.get("PublicAccessBlockConfiguration", {})}


def _ec2_metadata_defaults(client: Any, account: dict) -> dict:
    """The region's instance metadata defaults; a field is absent where no default is set."""
    return {"c7n:ec2-metadata-defaults": client.get_instance_metadata_defaults().get("AccountLevel") or {}}


def _emr_block_public_access(client: Any, account: dict) -> dict:
    out = client.get_block_public_access_configuration()
    out.pop("ResponseMetadata", None)
    return {"c7n:emr-block-public-access": out}


def _virtual_mfa(client: Any, account: dict) -> dict:
    devices = []
    for page in client.get_paginator("list_virtual_mfa_devices").paginate():
        devices.extend(page.get("VirtualMFADevices", ()))
    # Only the root user's device counts (its ARN ends in ":root").
    root = [d for d in devices if str((d.get("User") or {}).get("Arn", "")).split(":")[-1] == "root"]
    return {"c7n:VirtualMFADevices": root}


def _organization(client: Any, account: dict) -> dict:
    try:
        return {"c7n:org": client.describe_organization()["Organization"]}
    except Exception as exc:  # noqa: BLE001 - only "not in an organization" is expected
        if error_code(exc) == "AWSOrganizationsNotInUseException":
            return {"c7n:org": {}}
        raise


def _macie(client: Any, account: dict) -> dict:
    """The Macie session; {} where Macie is not enabled (AWS answers that with an
    AccessDeniedException that says so: any other denial is an error)."""
    try:
        info = client.get_macie_session()
        info.pop("ResponseMetadata", None)
    except Exception as exc:  # noqa: BLE001
        if not _macie_off(exc):
            raise
        info = {}
    try:
        admin = client.get_administrator_account().get("administrator") or {}
    except Exception as exc:  # noqa: BLE001
        if not _macie_off(exc):
            raise
        admin = {}
    info["master"] = info["administrator"] = admin
    return {"c7n:macie": info}


def _macie_off(exc: Exception) -> bool:
    code = error_code(exc)
    return code == "ResourceNotFoundException" or (
        code == "AccessDeniedException" and "not enabled" in str(exc).lower())


@resources.register("aws.account")
class Account(ResourceType):
    """The AWS account: one resource per account and region, `{account_id,
    account_name}` as in Custodian.  Account-level settings (password policy,
    IAM summary, S3 Block Public Access, Macie, the root user's virtual MFA)
    are fetched only when a filter reads them.  IAM settings are global: a run
    over several regions reports them in each region, as Custodian does.

    moto gaps: the credential report has no `<root_account>` row (so the
    account's `credential` filter is an error there, never a pass); the IAM
    summary's `AccountMFAEnabled` and `AccountAccessKeysPresent` are always 0;
    `get_ebs_default_kms_key_id` is not implemented (`default-ebs-encryption`
    with a `key` fails there); Macie reports a session before it is enabled;
    IAM Access Analyzer and X-Ray encryption are not served (`access-analyzer`,
    `xray-encrypt-key` are errors there); SNS
    topics always show 0 confirmed subscriptions (the alarms part of
    `check-cloudtrail`'s `log-metric-filter-pattern` needs one); Trusted
    Advisor limit checks are not served (no `service-limit` filter), nor are
    EC2's instance metadata defaults (`ec2-metadata-defaults`, `set-ec2-metadata-defaults`); EMR's block
    public access keeps `BlockPublicSecurityGroupRules: false` as true."""

    service = "iam"
    id = "account_id"
    name = "account_name"
    arn_format = "arn:{partition}:::{id}"
    extra_permissions = ("iam:ListAccountAliases",)
    details = {
        "password-policy": Detail(("c7n:password_policy",), _password_policy,
                                  ("iam:GetAccountPasswordPolicy",)),
        "iam-summary": Detail(("c7n:iam_summary",), _iam_summary, ("iam:GetAccountSummary",)),
        "s3-public-block": Detail(("c7n:s3-public-block",), _s3_public_block,
                                  ("s3:GetAccountPublicAccessBlock",), service="s3control"),
        "virtual-mfa": Detail(("c7n:VirtualMFADevices",), _virtual_mfa, ("iam:ListVirtualMFADevices",)),
        "organization": Detail(("c7n:org",), _organization, ("organizations:DescribeOrganization",),
                               service="organizations"),
        "ec2-metadata-defaults": Detail(("c7n:ec2-metadata-defaults",), _ec2_metadata_defaults,
                                        ("ec2:GetInstanceMetadataDefaults",), service="ec2"),
        "emr-block-public-access": Detail(("c7n:emr-block-public-access",), _emr_block_public_access,
                                          ("elasticmapreduce:GetBlockPublicAccessConfiguration",), service="emr"),
        "macie": Detail(("c7n:macie",), _macie,
                        ("macie2:GetMacieSession", "macie2:GetAdministratorAccount"), service="macie2"),
    }
    report_fields = ("account_id", "account_name")

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        account_id = session.account_id
        aliases = session.client("iam").list_account_aliases().get("AccountAliases") or []
        return [{"account_id": account_id, "account_name": aliases[0] if aliases else account_id}]

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        # An id is an account id, or the ARN of something in an account (a
        # console sign-in names the user): the account it concerns.
        def account_of(value: str) -> str:
            parts = value.split(":")
            return parts[4] if value.startswith("arn:") and len(parts) > 5 else value
        wanted = {account_of(i) for i in ids}
        return [a for a in cls.enumerate(session) if a["account_id"] in wanted]
