"""The demo account's account-level settings, all short of CIS: a weak
password policy, a root access key and no root MFA (set in moto's model: the
API cannot), no account-level S3 Block Public Access, EBS encryption by
default off, Security Hub, GuardDuty and Macie off."""
from __future__ import annotations

import boto3

ACCOUNT = "123456789012"


def seed(endpoint: str, region: str) -> None:
    iam = boto3.client("iam", region_name=region, endpoint_url=endpoint)
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireNumbers=True,
                                       AllowUsersToChangePassword=True, PasswordReusePrevention=3)
    boto3.client("macie2", region_name=region, endpoint_url=endpoint).disable_macie()
    set_root_credentials(access_key=True, mfa=False)


def set_root_credentials(access_key: bool, mfa: bool, account: str = ACCOUNT) -> None:
    """moto has no API for the root user's keys and MFA: set its account summary
    (the sandbox's and the tests' moto run in this process)."""
    from moto.iam.models import iam_backends
    summary = iam_backends[account]["global"].account_summary
    summary._account_access_keys_present = int(access_key)
    summary._account_mfa_enabled = int(mfa)
