"""`c7n-lite org deploy` and `org gc` over several moto accounts (kept apart by the
credentials sts.assume_role returns) and regions, read back per account."""
from __future__ import annotations

from tests.test_org import accounts_file, as_account
from tests.write_detector import writes

ACCOUNTS = [f"3000000000{n:02d}" for n in range(4)]
REGIONS = ["us-east-1", "eu-west-1"]

POLICIES = """
policies:
  - name: ec2-untagged
    resource: aws.ec2
    mode: {type: cloudtrail, events: [RunInstances]}
    filters: [{"tag:Owner": absent}]
  - name: nightly
    resource: aws.ebs
    mode: {type: periodic, schedule: "rate(1 day)", tags: {owner: "{owner}", home: "{account}/{region}"}}
    filters: [{Encrypted: false}]
  - name: pulled
    resource: aws.ec2
"""


def functions(server, account, region):
    return sorted(f["FunctionName"] for f in as_account(server, account, "lambda", region)
                  .list_functions()["Functions"])


def not_credentials(requests):
    """Writes to the accounts, not the role assumptions that reach them."""
    return [w for w in requests if w.operation != "AssumeRole"]


def test_org_deploy_in_every_account_and_region_then_nothing_then_gc(server, cli, write_policies, tmp_path):
    config = accounts_file(tmp_path, ACCOUNTS, REGIONS)
    path = write_policies(POLICIES)
    result = cli("org", "deploy", "-c", config, "-u", path)
    assert result.exit_code == 0, result.output
    for account in ACCOUNTS:
        for region in REGIONS:
            assert functions(server, account, region) == ["custodian-ec2-untagged", "custodian-nightly"]
            fn = as_account(server, account, "lambda", region).get_function(
                FunctionName="custodian-nightly")["Configuration"]
            assert fn["FunctionArn"] == f"arn:aws:lambda:{region}:{account}:function:custodian-nightly"
            assert fn["Role"] == f"arn:aws:iam::{account}:role/c7n-lite-nightly"
            # c7n-org's variables, per account and region
            tags = as_account(server, account, "lambda", region).list_tags(Resource=fn["FunctionArn"])["Tags"]
            index = ACCOUNTS.index(account)
            assert (tags["owner"], tags["home"]) == (f"team-{index}", f"acct-{index}/{region}")
            rule = as_account(server, account, "events", region).describe_rule(Name="custodian-nightly")
            assert rule["ScheduleExpression"] == "rate(1 day)"
        # one role per policy and account, allowed to write its log group in both regions
        iam = as_account(server, account, "iam")
        doc = iam.get_role_policy(RoleName="c7n-lite-nightly", PolicyName="c7n-lite-policy")["PolicyDocument"]
        logs = next(s for s in doc["Statement"] if s["Sid"] == "Logs")["Resource"]
        assert {arn.split(":")[3] for arn in logs} == set(REGIONS)
    assert "[8/8] account" in result.output
    assert "4 accounts, 8 account-regions: 8 deployed, 0 up to date" in result.output

    server.reset_log()
    again = cli("org", "deploy", "-c", config, "-u", path)
    assert again.exit_code == 0, again.output
    assert not_credentials(writes(server)) == []
    assert "8 account-regions: 0 deployed, 8 up to date" in again.output

    dry = cli("org", "gc", "--dryrun", "-c", config, "-u", write_policies("policies: []", "none.yml"))
    assert dry.exit_code == 0, dry.output
    assert not_credentials(writes(server)) == []
    assert "would delete role c7n-lite-nightly" in dry.output

    kept = write_policies(POLICIES.split("  - name: nightly")[0], "kept.yml")
    gone = cli("org", "gc", "-c", config, "-u", kept)
    assert gone.exit_code == 0, gone.output
    for account in ACCOUNTS:
        for region in REGIONS:
            assert functions(server, account, region) == ["custodian-ec2-untagged"]
            rules = as_account(server, account, "events", region).list_rules()["Rules"]
            assert [r["Name"] for r in rules] == ["custodian-ec2-untagged"]
        roles = as_account(server, account, "iam").list_roles()["Roles"]
        assert sorted(r["RoleName"] for r in roles if r["RoleName"].startswith("c7n-lite-")) == \
            ["c7n-lite-ec2-untagged"]


def test_a_denied_account_fails_alone_and_the_others_deploy(server, cli, write_policies, tmp_path):
    denied = ACCOUNTS[2]
    body = ('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>'
            '<Message>not allowed</Message></Error><RequestId>x</RequestId></ErrorResponse>')
    server.hooks.append(lambda r: (403, body) if r.operation == "AssumeRole" and denied.encode() in r.body else None)
    result = cli("org", "deploy", "-c", accounts_file(tmp_path, ACCOUNTS, REGIONS), "-u", write_policies(POLICIES))
    assert result.exit_code == 1
    assert f"account acct-2 us-east-1: FAILED: assuming arn:aws:iam::{denied}:role/Custodian failed: " \
        "AccessDenied" in result.output
    assert "1 account(s) FAILED (acct-2)" in result.output
    for account in ACCOUNTS:
        if account != denied:
            for region in REGIONS:
                assert functions(server, account, region) == ["custodian-ec2-untagged", "custodian-nightly"]
    server.hooks.clear()
    assert functions(server, denied, "us-east-1") == []


def test_org_deploy_dryrun_plans_and_writes_nothing(server, cli, write_policies, tmp_path):
    result = cli("org", "deploy", "--dryrun", "-c", accounts_file(tmp_path, ACCOUNTS[:2], REGIONS), "-r", "eu-west-1",
                 "-u", write_policies(POLICIES), "-p", "nightly")
    assert result.exit_code == 0, result.output
    assert not_credentials(writes(server)) == []
    assert "account acct-0 eu-west-1: 6 change(s) planned" in result.output, result.output
    assert "  - nightly: would create function custodian-nightly" in result.output
    assert "ec2-untagged" not in result.output
    assert functions(server, ACCOUNTS[0], "eu-west-1") == []
