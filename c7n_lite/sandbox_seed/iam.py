"""IAM demo account, for policies/iam.yml and policies/compliance/iam.yml.

Users: `alice-legacy` (console password without MFA, a 200-day-old key unused
for 120 days, in `admins`, a policy attached directly and an inline one), `bob-ci` (two
active keys), `carol` (console with MFA, a fresh key, permissions through her
group).  Policies: `full-admin` (allows `*` on `*`, attached to the `admins`
group) and `s3-read` (attached to `developers`); `orphan-policy` is attached
nowhere.  Roles: `app-server` (an EC2 instance profile, used by the
`secure-api` instance; `legacy-batch` is a profile nothing uses), `partner-audit` (trusted by another account, with an
inline policy), `ops-shell` (AWS's AWSCloudShellFullAccess, also attached to
`empty-group` and to alice).  No role has AWSSupportAccess.  A server certificate,
`legacy-web-2012`, expired long ago (moto reports every one so).
"""
from __future__ import annotations

import datetime
import json
from typing import Any

import boto3

PARTNER = "210987654321"


def moto_iam() -> Any:
    """moto's IAM model for the sandbox account, or None when moto runs elsewhere."""
    try:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.iam.models import iam_backends
    except ImportError:
        return None
    return iam_backends[DEFAULT_ACCOUNT_ID]["aws"]


def days_ago(days: float) -> datetime.datetime:
    # moto keeps naive UTC timestamps.
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(days=days)


def document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ADMIN = document({"Effect": "Allow", "Action": "*", "Resource": "*"})
S3_READ = document({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"})
EC2_TRUST = document({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                      "Action": "sts:AssumeRole"})
# moto keeps the body as given and reports every certificate expiring in 2012.
LEGACY_CERT = "-----BEGIN CERTIFICATE-----\nMIIBdemo\n-----END CERTIFICATE-----"
PARTNER_TRUST = document({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
                          "Action": "sts:AssumeRole"})


def aws_managed_policy(name: str) -> str:
    """The ARN of AWS's managed policy `name`, made attachable: moto loads AWS's
    policies only when asked at start (MOTO_IAM_LOAD_MANAGED_POLICIES), so add
    the one wanted to its model (the sandbox's moto runs in this process)."""
    arn = f"arn:aws:iam::aws:policy/{name}"
    backend = moto_iam()
    if backend is not None and arn not in backend.managed_policies:
        from moto.iam.aws_managed_policies import aws_managed_policies_data
        from moto.iam.models import AWSManagedPolicy
        data = json.loads(aws_managed_policies_data)[name]
        policy = AWSManagedPolicy.from_data(name, backend.account_id, backend.region_name, data)
        backend.managed_policies[policy.arn] = policy
        backend.aws_managed_policies.append(policy)
    return arn


def backdate_key(user: str, index: int, created_days: float, used_days: float | None = None) -> None:
    backend = moto_iam()
    if backend is None:
        return
    from moto.iam.models import AccessKeyLastUsed
    key = backend.users[user].access_keys[index]
    key.create_date = days_ago(created_days)
    if used_days is not None:
        key.last_used = AccessKeyLastUsed(timestamp=days_ago(used_days), service="s3", region="us-east-1")


def backdate_password_use(user: str, days: float) -> None:
    backend = moto_iam()
    if backend is not None:
        backend.users[user].password_last_used = days_ago(days)


def seed(endpoint: str, region: str) -> None:
    iam = boto3.client("iam", region_name=region, endpoint_url=endpoint)
    account = boto3.client("sts", region_name=region, endpoint_url=endpoint).get_caller_identity()["Account"]
    arn = f"arn:aws:iam::{account}:policy/"
    owner = [{"Key": "Owner", "Value": "platform"}]
    iam.create_policy(PolicyName="full-admin", PolicyDocument=ADMIN, Tags=owner)
    iam.create_policy(PolicyName="s3-read", PolicyDocument=S3_READ, Tags=owner)
    iam.create_policy(PolicyName="orphan-policy", PolicyDocument=S3_READ)
    for group, policy in (("admins", "full-admin"), ("developers", "s3-read")):
        iam.create_group(GroupName=group)
        iam.attach_group_policy(GroupName=group, PolicyArn=arn + policy)
    iam.create_group(GroupName="empty-group")

    iam.create_user(UserName="alice-legacy")
    iam.create_login_profile(UserName="alice-legacy", Password="Legacy-passw0rd!")
    iam.create_access_key(UserName="alice-legacy")
    iam.attach_user_policy(UserName="alice-legacy", PolicyArn=arn + "full-admin")
    iam.add_user_to_group(UserName="alice-legacy", GroupName="admins")
    iam.put_user_policy(UserName="alice-legacy", PolicyName="scratch", PolicyDocument=S3_READ)
    backdate_key("alice-legacy", 0, 200, used_days=120)
    backdate_password_use("alice-legacy", 100)

    iam.create_user(UserName="bob-ci", Tags=owner)
    iam.create_access_key(UserName="bob-ci")
    iam.create_access_key(UserName="bob-ci")
    iam.add_user_to_group(UserName="bob-ci", GroupName="developers")
    backdate_key("bob-ci", 0, 30, used_days=1)
    backdate_key("bob-ci", 1, 10, used_days=1)

    iam.create_user(UserName="carol", Tags=owner)
    iam.create_login_profile(UserName="carol", Password="Carol-passw0rd!")
    iam.create_access_key(UserName="carol")
    iam.add_user_to_group(UserName="carol", GroupName="developers")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="carol")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="carol", SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    backdate_key("carol", 0, 5, used_days=1)
    backdate_password_use("carol", 2)

    iam.create_role(RoleName="app-server", AssumeRolePolicyDocument=EC2_TRUST, Tags=owner)
    iam.attach_role_policy(RoleName="app-server", PolicyArn=arn + "s3-read")
    iam.create_instance_profile(InstanceProfileName="app-server")
    iam.add_role_to_instance_profile(InstanceProfileName="app-server", RoleName="app-server")
    iam.create_instance_profile(InstanceProfileName="legacy-batch")
    iam.create_role(RoleName="partner-audit", AssumeRolePolicyDocument=PARTNER_TRUST)
    iam.put_role_policy(RoleName="partner-audit", PolicyName="read", PolicyDocument=S3_READ)
    _give_profile(endpoint, region, "secure-api", "app-server")

    cloudshell = aws_managed_policy("AWSCloudShellFullAccess")
    iam.create_role(RoleName="ops-shell", AssumeRolePolicyDocument=document(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}))
    iam.attach_role_policy(RoleName="ops-shell", PolicyArn=cloudshell)
    iam.attach_group_policy(GroupName="empty-group", PolicyArn=cloudshell)
    iam.attach_user_policy(UserName="alice-legacy", PolicyArn=cloudshell)
    iam.upload_server_certificate(ServerCertificateName="legacy-web-2012", CertificateBody=LEGACY_CERT,
                                  PrivateKey="(demo: no key)")


def _give_profile(endpoint: str, region: str, name: str, profile: str) -> None:
    """The instance profile for the instance named `name` (sandbox_seed.ec2's)."""
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    found = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])["Reservations"]
    for reservation in found:
        for instance in reservation["Instances"]:
            ec2.associate_iam_instance_profile(InstanceId=instance["InstanceId"],
                                               IamInstanceProfile={"Name": profile})
