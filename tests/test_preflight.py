"""Credentials and regions are checked before any policy runs: one line and exit 2,
never the same error once per policy; and deploy, gc, invoke take --profile."""
from __future__ import annotations

import json
import os

import boto3
import pytest

from tests.conftest import REGION

THREE = """
policies:
  - name: instances
    resource: aws.ec2
  - name: volumes
    resource: aws.ebs
  - name: topics
    resource: aws.sns
"""
PERIODIC = """
policies:
  - name: nightly
    resource: aws.ec2
    mode: {type: periodic, schedule: 'rate(1 day)'}
"""
NO_CREDENTIALS = ("no AWS credentials found: pass --profile NAME (or set AWS_PROFILE), set AWS_ACCESS_KEY_ID "
                  "and AWS_SECRET_ACCESS_KEY, or run 'aws sso login --profile NAME' for an SSO profile")
TRY_SANDBOX = "; or try --sandbox (a demo account, no credentials needed)"


def lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


def calls(server, operation):
    return [r for r in server.requests if r.operation == operation]


@pytest.fixture
def bare(monkeypatch, tmp_path):
    """No credentials anywhere: every AWS_* variable cleared, empty config and credentials
    files, and a home without ~/.aws.  Returns the config file, to add profiles to."""
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    config, credentials = tmp_path / "aws-config", tmp_path / "aws-credentials"
    config.write_text("")
    credentials.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return config


def profile(config, server, name="audit"):
    """A profile with (moto's) keys, and the moto endpoint for that profile only."""
    config.write_text(f"[profile {name}]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = secret\n"
                      f"region = {REGION}\nendpoint_url = {server.endpoint}\n")


def test_without_credentials_one_line_and_no_policy_runs(server, bare, cli, write_policies):
    result = cli("run", "--dryrun", write_policies(THREE))
    assert result.exit_code == 2
    assert lines(result) == [NO_CREDENTIALS + TRY_SANDBOX]
    assert not result.output_dir.exists()            # no policy ran: nothing written
    assert server.requests == []


def test_an_unknown_profile_is_one_line(server, bare, cli, write_policies):
    result = cli("run", "--dryrun", "--profile", "prod", write_policies(THREE))
    assert result.exit_code == 2
    assert lines(result) == ["AWS profile 'prod' not found in ~/.aws/config or ~/.aws/credentials: create it "
                             "with 'aws configure --profile prod' (or 'aws configure sso')" + TRY_SANDBOX]
    assert not result.output_dir.exists()


def test_an_sso_profile_never_logged_in_says_to_log_in(server, bare, cli, write_policies):
    bare.write_text("[profile corp]\nsso_session = corp\nsso_account_id = 123456789012\n"
                    "sso_role_name = ReadOnly\nregion = us-east-1\n"
                    "[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\n"
                    "sso_region = us-east-1\n")
    result = cli("run", "--dryrun", "--profile", "corp", write_policies(THREE))
    assert result.exit_code == 2
    assert lines(result) == ["the SSO session of profile 'corp' has expired or was never started: "
                             "run 'aws sso login --profile corp'"]
    assert not result.output_dir.exists()


def test_credentials_aws_rejects_are_one_line(server, cli, write_policies):
    def reject(request):
        if request.operation == "GetCallerIdentity":
            return 403, ("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
                         "<Message>The security token included in the request is invalid.</Message></Error>"
                         "</ErrorResponse>")
        return None
    server.hooks.append(reject)
    result = cli("run", "--dryrun", write_policies(THREE))
    assert result.exit_code == 2
    assert lines(result) == ["AWS rejected the credentials: InvalidClientTokenId: "
                             "The security token included in the request is invalid."]
    assert [r.operation for r in server.requests] == ["GetCallerIdentity"]   # no policy's call
    assert not result.output_dir.exists()


def test_one_sts_call_for_the_whole_run(server, cli, write_policies):
    result = cli("run", "--dryrun", "-r", "us-east-1", "-r", "us-west-2", write_policies(THREE))
    assert result.exit_code == 0, result.output
    assert len(calls(server, "GetCallerIdentity")) == 1
    # The account found by the check is the one every region's records name.
    for region in ("us-east-1", "us-west-2"):
        assert result.metadata("instances", region)["account_id"] == server.account_id


def test_an_unknown_region_is_one_line_before_the_credentials(server, bare, cli, write_policies):
    result = cli("run", "--dryrun", "-r", "eu-west-1", "-r", "eu-wset-1", write_policies(THREE))
    assert result.exit_code == 2
    assert lines(result) == ["unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)"]
    # with --sandbox too, before the sandbox starts
    result = cli("run", "--dryrun", "--sandbox", "-r", "moon-base-1", write_policies(THREE))
    assert result.exit_code == 2
    assert lines(result) == ["unknown region 'moon-base-1'"]


def test_a_profile_gives_the_credentials(server, bare, cli, write_policies):
    profile(bare, server)
    result = cli("run", "--dryrun", "--profile", "audit", write_policies(THREE))
    assert result.exit_code == 0, result.output
    assert result.metadata("topics")["account_id"] == server.account_id


def test_org_run_checks_the_callers_credentials_once(server, bare, cli, write_policies, tmp_path):
    accounts = tmp_path / "accounts.yml"
    accounts.write_text("accounts:\n" + "".join(
        f"  - {{account_id: '10000000000{i}', name: a{i}, role: 'arn:aws:iam::10000000000{i}:role/C'}}\n"
        for i in range(3)))
    result = cli("org", "run", "-c", str(accounts), "-s", str(tmp_path / "org"), "-u", write_policies(THREE))
    assert result.exit_code == 2
    assert lines(result) == [NO_CREDENTIALS]
    assert not (tmp_path / "org").exists()
    accounts.write_text(accounts.read_text().replace("name: a1,", "name: a1, regions: [eu-wset-1],"))
    result = cli("org", "run", "-c", str(accounts), "-s", str(tmp_path / "org"), "-u", write_policies(THREE))
    assert result.exit_code == 2
    assert lines(result) == ["unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)"]


def functions(server):
    client = boto3.client("lambda", region_name=REGION, endpoint_url=server.endpoint,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    return [f["FunctionName"] for f in client.list_functions()["Functions"]]


def test_deploy_and_gc_take_a_profile(server, bare, cli, write_policies):
    profile(bare, server)
    path = write_policies(PERIODIC)
    result = cli("deploy", "--profile", "audit", path)
    assert result.exit_code == 0, result.output
    assert functions(server) == ["custodian-nightly"]
    result = cli("gc", "--profile", "audit", write_policies("policies: []\n", "none.yml"))
    assert result.exit_code == 0, result.output
    assert functions(server) == []
    result = cli("gc", "--profile", "nope", path)
    assert result.exit_code == 1
    assert lines(result) == ["gc: The config profile (nope) could not be found (configure credentials: "
                             "AWS_PROFILE, AWS_ACCESS_KEY_ID, ~/.aws/credentials or a role)"]


def test_invoke_takes_a_profile(server, bare, cli, write_policies, tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"source": "aws.events", "detail-type": "Scheduled Event"}))
    path = write_policies(PERIODIC)
    result = cli("invoke", path, "-p", "nightly", "--event", str(event), "--dryrun")
    assert result.exit_code == 1
    assert lines(result) == ["invoke: no AWS credentials (configure credentials: AWS_PROFILE, AWS_ACCESS_KEY_ID, "
                             "~/.aws/credentials or a role)"]
    profile(bare, server)
    result = cli("invoke", path, "-p", "nightly", "--event", str(event), "--dryrun", "--profile", "audit")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("\n{") + 1:])
    assert summary["errors"] == []
