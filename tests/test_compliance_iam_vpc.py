"""policies/compliance/iam.yml and vpc.yml on the sandbox's IAM and VPC demo:
every policy fails exactly the resources made to break it, and passes others."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from c7n_lite.sandbox_seed import iam as iam_seed
from c7n_lite.sandbox_seed import vpc as vpc_seed
from tests.moto_gaps import NOTHING_PASSES_IN_MOTO

PACK = Path(__file__).resolve().parent.parent / "policies" / "compliance"
REGION = "us-east-1"


def label(resource: dict) -> str:
    """A readable name for a matched resource."""
    for key in ("UserName", "PolicyName", "RoleName", "GroupName", "ServerCertificateName"):
        if key in resource:
            return resource[key]
    tags = {t["Key"]: t["Value"] for t in resource.get("Tags", ())}
    if "Name" in tags:
        return tags["Name"]
    if resource.get("IsDefault") or resource.get("DefaultForAz"):
        return "default"
    return resource.get("NetworkAclId") or resource.get("SubnetId") or resource["VpcId"]


@pytest.fixture(scope="module")
def audit(moto_server, tmp_path_factory):
    import boto3
    from click.testing import CliRunner

    from c7n_lite.cli import main
    moto_server.reset_state()
    moto_server.hooks.clear()
    endpoint = moto_server.endpoint
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=endpoint)
    for name in ("secure-api", "batch"):
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])
    iam_seed.seed(endpoint, REGION)   # gives secure-api its instance profile
    vpc_seed.seed(endpoint, REGION)
    iam = boto3.client("iam", region_name=REGION, endpoint_url=endpoint)
    iam.create_policy(PolicyName="admin-unattached", PolicyDocument=iam_seed.ADMIN)
    # dave: a console password set 60 days ago and never used
    iam.create_user(UserName="dave")
    iam.create_login_profile(UserName="dave", Password="Dave-passw0rd!")
    iam_seed.moto_iam().users["dave"].create_date = iam_seed.days_ago(60)
    out = tmp_path_factory.mktemp("audit")
    result = CliRunner().invoke(main, ["run", "--dryrun", "-s", str(out),
                                       str(PACK / "iam.yml"), str(PACK / "vpc.yml")])
    moto_server.reset_state()
    assert result.exit_code == 0, result.output
    return out


EXPECTED = {
    "iam-user-console-without-mfa": ["alice-legacy", "dave"],
    "iam-user-without-mfa": ["alice-legacy", "bob-ci", "dave"],
    "iam-user-credentials-unused-45-days": ["alice-legacy", "dave"],
    "iam-user-credentials-unused-90-days": ["alice-legacy"],
    "iam-user-access-key-not-rotated-90-days": ["alice-legacy"],
    "iam-user-more-than-one-active-key": ["bob-ci"],
    "iam-user-has-own-policies": ["alice-legacy"],
    "iam-policy-full-admin": ["admin-unattached", "full-admin"],
    "iam-policy-full-admin-attached": ["full-admin"],
    "ec2-instance-without-instance-role": ["batch"],
    "vpc-flow-logs-disabled": ["default"],
    # the default VPC's and the app VPC's default NACLs allow everything
    "nacl-admin-ports-open-to-internet": ["default", "default", "legacy-ssh"],
    "nacl-unused": ["default", "legacy-ssh"],
    "subnet-assigns-public-ip": ["default"] * 6,
    "eip-unattached": ["forgotten"],
    "iam-role-cloudshell-full-access": ["ops-shell"],
    "iam-group-cloudshell-full-access": ["empty-group"],
    "iam-user-cloudshell-full-access": ["alice-legacy"],
    "iam-certificate-expired": ["legacy-web-2012"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_pack_policy_fails_the_broken_resources_and_passes_the_others(audit, name):
    matched = json.loads((audit / name / "resources.json").read_text())
    meta = json.loads((audit / name / "metadata.json").read_text())
    assert meta["errors"] == []
    assert sorted(label(r) for r in matched) == EXPECTED[name]
    if name not in NOTHING_PASSES_IN_MOTO:
        assert meta["counts"]["evaluated"] > len(matched), "nothing passes"


def test_the_pack_names_real_control_ids():
    from c7n_lite.schema import load_policies
    specs, errors = load_policies([str(PACK / "iam.yml"), str(PACK / "vpc.yml")])
    assert errors == [] and sorted(s.name for s in specs) == sorted(EXPECTED)
    controls = {c for s in specs for c in s.data["metadata"]["controls"]}
    assert {"CIS-AWS-v7.0.0-2.10", "CIS-AWS-v7.0.0-2.14", "CIS-AWS-v7.0.0-4.7", "CIS-AWS-v7.0.0-6.2",
            "AWS-FSBP-IAM.1", "AWS-FSBP-IAM.3", "AWS-FSBP-EC2.6", "AWS-FSBP-EC2.21",
            "CIS-AWS-v7.0.0-2.17", "CIS-AWS-v7.0.0-2.20", "AWS-FSBP-IAM.26", "AWS-FSBP-IAM.27"} <= controls
