"""`c7n-lite org run` over many accounts of one moto server (moto keeps accounts
apart by the credentials sts.assume_role returns), and `org accounts`."""
from __future__ import annotations

import json

import boto3
import yaml

ACCOUNTS = [f"1000000000{n:02d}" for n in range(10)]
REGIONS = ["us-east-1", "us-west-2"]


def as_account(server, account_id, service, region="us-east-1"):
    creds = boto3.client("sts", region_name=region, endpoint_url=server.endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/Custodian", RoleSessionName="seed")["Credentials"]
    return boto3.client(service, region_name=region, endpoint_url=server.endpoint,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def accounts_file(tmp_path, accounts=ACCOUNTS, regions=REGIONS):
    path = tmp_path / "accounts.yml"
    path.write_text(yaml.safe_dump({"accounts": [
        {"account_id": a, "name": f"acct-{i}", "regions": regions, "role": f"arn:aws:iam::{a}:role/Custodian",
         "tags": ["env:prod" if i % 2 else "env:dev"], "vars": {"owner": f"team-{i}"}}
        for i, a in enumerate(accounts)]}))
    return str(path)


def seed(server):
    """Each account: in each region one instance owned by its team and one by another team."""
    owned = {}
    for i, account in enumerate(ACCOUNTS):
        for region in REGIONS:
            ec2 = as_account(server, account, "ec2", region)
            mine = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Owner", "Value": f"team-{i}"}]}])
            ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Owner", "Value": "someone-else"}]}])
            owned[(f"acct-{i}", region)] = [mine["Instances"][0]["InstanceId"]]
        as_account(server, account, "s3").create_bucket(Bucket=f"logs-{account}")
    return owned


POLICY = """
policies:
  - name: team-instances
    resource: aws.ec2
    filters:
      - "tag:Owner": "{owner}"
  - name: buckets
    resource: aws.s3
"""


def test_org_run_selects_each_accounts_own_resources(server, cli, write_policies, tmp_path):
    owned = seed(server)
    out = tmp_path / "org-out"
    result = cli("org", "run", "-c", accounts_file(tmp_path), "-s", str(out), "-u", write_policies(POLICY),
                 "--dryrun")
    assert result.exit_code == 0, result.output
    for (name, region), ids in owned.items():
        found = json.loads((out / name / region / "team-instances" / "resources.json").read_text())
        assert [r["InstanceId"] for r in found] == ids
        meta = json.loads((out / name / region / "team-instances" / "metadata.json").read_text())
        assert meta["account_id"] == ACCOUNTS[int(name.split("-")[1])] and meta["region"] == region
    # a bucket is reported once per account, in the region where it lives
    for i, account in enumerate(ACCOUNTS):
        east = json.loads((out / f"acct-{i}" / "us-east-1" / "buckets" / "resources.json").read_text())
        west = json.loads((out / f"acct-{i}" / "us-west-2" / "buckets" / "resources.json").read_text())
        assert [b["Name"] for b in east] == [f"logs-{account}"] and west == []
    assert "[10/10] account" in result.output
    assert "10 accounts, 40 policy runs, 30 resources matched (dry run: nothing changed)" in result.output


def test_a_denied_assume_role_fails_that_account_alone(server, cli, write_policies, tmp_path):
    seed(server)
    denied = ACCOUNTS[3]
    body = ('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>'
            '<Message>not allowed</Message></Error><RequestId>x</RequestId></ErrorResponse>')
    server.hooks.append(lambda r: (403, body) if r.operation == "AssumeRole" and denied.encode() in r.body else None)
    out = tmp_path / "org-out"
    result = cli("org", "run", "-c", accounts_file(tmp_path), "-s", str(out), "-u", write_policies(POLICY),
                 "--dryrun")
    assert result.exit_code == 1
    assert f"account acct-3 ({denied}): FAILED: assuming arn:aws:iam::{denied}:role/Custodian failed: AccessDenied" \
        in result.output
    assert not (out / "acct-3").exists()
    assert (out / "acct-4" / "us-west-2" / "team-instances" / "resources.json").exists()
    assert "1 account(s) FAILED" in result.output
    # Progress counts the failures so far on every account line after the failure.
    progress = [line for line in result.output.splitlines() if line.startswith("[")]
    assert len(progress) == 10 and all("[1 account(s) failed so far]" in line for line in progress)


def test_accounts_and_tags_select_and_the_report_reads_the_tree(server, cli, write_policies, tmp_path):
    seed(server)
    out = tmp_path / "org-out"
    result = cli("org", "run", "-c", accounts_file(tmp_path), "-s", str(out), "-u", write_policies(POLICY),
                 "-t", "env:prod", "-a", "acct-1", "-a", "acct-2", "-a", ACCOUNTS[3], "-r", "us-west-2", "--dryrun")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["acct-1", "acct-3"]
    assert sorted(p.name for p in (out / "acct-1").iterdir()) == ["us-west-2"]
    report = json.loads(cli("report", str(out), "-f", "json").output)
    scopes = {(s["account"], s["region"]) for s in report["scopes"]}
    assert scopes == {(ACCOUNTS[1], "us-west-2"), (ACCOUNTS[3], "us-west-2")}


def test_org_accounts_writes_the_accounts_file_from_organizations(server, cli, tmp_path):
    orgs = boto3.client("organizations", region_name="us-east-1", endpoint_url=server.endpoint)
    orgs.create_organization(FeatureSet="ALL")
    root = orgs.list_roots()["Roots"][0]["Id"]
    ou = orgs.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]["Id"]
    made = {}
    for name in ("alpha", "beta"):
        status = orgs.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]
        made[name] = status["AccountId"]
    orgs.move_account(AccountId=made["beta"], SourceParentId=root, DestinationParentId=ou)
    orgs.tag_resource(ResourceId=made["beta"], Tags=[{"Key": "env", "Value": "prod"}])
    target = tmp_path / "accounts.yml"
    result = cli("org", "accounts", "-f", str(target), "--ou", ou, "-r", "us-east-1")
    assert result.exit_code == 0, result.output
    written = yaml.safe_load(target.read_text())["accounts"]
    assert [(a["name"], a["account_id"]) for a in written] == [("beta", made["beta"])]
    assert written[0]["role"] == f"arn:aws:iam::{made['beta']}:role/OrganizationAccountAccessRole"
    assert "env:prod" in written[0]["tags"] and written[0]["regions"] == ["us-east-1"]
    everyone = cli("org", "accounts", "-f", str(target))
    assert everyone.exit_code == 0
    names = {a["name"] for a in yaml.safe_load(target.read_text())["accounts"]}
    assert {"alpha", "beta"} <= names


def test_records_in_s3_and_a_report_read_back_from_them(server, cli, write_policies, tmp_path, aws):
    seed(server)
    aws("s3").create_bucket(Bucket="audit-records")
    result = cli("org", "run", "-c", accounts_file(tmp_path, ACCOUNTS[:3]), "-s", "s3://audit-records/org",
                 "-u", write_policies(POLICY), "--dryrun")
    assert result.exit_code == 0, result.output
    keys = {o["Key"] for o in aws("s3").list_objects_v2(Bucket="audit-records")["Contents"]}
    assert "org/acct-0/us-east-1/team-instances/resources.json" in keys
    assert "org/acct-2/us-west-2/buckets/metadata.json" in keys
    doc = json.loads(cli("report", "s3://audit-records/org", "-f", "json").output)
    by_scope = {(s["account"], s["region"]): s for s in doc["scopes"]}
    assert set(by_scope) == {(a, r) for a in ACCOUNTS[:3] for r in REGIONS}
    assert by_scope[(ACCOUNTS[0], "us-east-1")]["failed"] == 2   # its team's instance and its bucket
    single = cli("run", "--dryrun", "-s", "s3://audit-records/single", write_policies(POLICY.replace(
        '"{owner}"', "team-0")))
    assert single.exit_code == 0, single.output
    assert cli("report", "s3://audit-records/nothing-here").exit_code == 2


def test_a_lambda_run_leaves_its_record_in_s3_and_the_report_counts_it(server, aws, cli, write_policies):
    from c7n_lite.deploy.archive import build
    from c7n_lite.deploy.invoke import invoke
    from c7n_lite.schema import load_policies
    from tests.test_handler import sample
    aws("s3").create_bucket(Bucket="lambda-records")
    ec2 = aws("ec2")
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2)
    specs, errors = load_policies([write_policies("""
policies:
  - name: nightly-untagged
    resource: aws.ec2
    mode:
      type: periodic
      schedule: "rate(1 day)"
      execution-options: {output_dir: "s3://lambda-records/custodian"}
    filters: [{"tag:Owner": absent}]
""")])
    assert not errors
    summary = invoke(build(specs[0].data).data, sample("scheduled.json")).summary
    assert summary["errors"] == [], summary
    assert summary["record"] == "s3://lambda-records/custodian/123456789012/us-east-1/nightly-untagged/"
    doc = json.loads(cli("report", "s3://lambda-records/custodian", "-f", "json").output)
    [policy] = doc["policies"]
    assert (policy["name"], policy["failed"], policy["evaluated"]) == ("nightly-untagged", 2, 2)
    assert policy["execution"]["mode"] == "periodic"
