"""aws.account: enumeration, its settings filters (a failed read is an error,
never a pass), the credential report, and the account-level actions read back."""
from __future__ import annotations

import json

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.filters.credential import parse_report
from c7n_lite.registry import load_all, resources

ACCOUNT = "123456789012"
ACCESS_DENIED = ('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>'
                 '<Message>User is not authorized to perform: iam:GetAccountPasswordPolicy</Message>'
                 '</Error><RequestId>injected</RequestId></ErrorResponse>')


def policy(name, filters, actions=None, resource="aws.account"):
    text = f"policies:\n  - name: {name}\n    resource: {resource}\n    filters: {json.dumps(filters)}\n"
    if actions:
        text += f"    actions: {json.dumps(actions)}\n"
    return text


def test_one_account_resource_named_by_its_alias(aws, cli, write_policies):
    aws("iam").create_account_alias(AccountAlias="acme-prod")
    result = cli("run", "--dryrun", write_policies(policy("acct", [])))
    assert result.exit_code == 0, result.output
    assert result.resources("acct") == [{"account_id": ACCOUNT, "account_name": "acme-prod"}]


def test_fetch_by_id_for_event_modes(server):
    load_all()
    rt = resources.get("aws.account")
    session = AwsSession("us-east-1")
    assert [a["account_id"] for a in rt.fetch_by_ids(session, [ACCOUNT])] == [ACCOUNT]
    assert rt.fetch_by_ids(session, ["999999999999"]) == []
    # A console sign-in event names the user: the account is the one in its ARN.
    assert [a["account_id"] for a in rt.fetch_by_ids(session, [f"arn:aws:iam::{ACCOUNT}:user/alice"])] == [ACCOUNT]
    assert rt.fetch_by_ids(session, ["arn:aws:iam::999999999999:user/alice"]) == []


def test_password_policy_none_weak_and_strong(aws, cli, write_policies):
    path = write_policies(policy("no-policy", [{"type": "password-policy", "key": "PasswordPolicyConfigured",
                                                "value": False}])
                          + policy("short", [{"not": [{"type": "password-policy", "key": "MinimumPasswordLength",
                                                      "value": 14, "op": "ge"}]}]).split("policies:\n")[1])
    none = cli("run", "--dryrun", path)
    assert len(none.resources("no-policy")) == 1 and len(none.resources("short")) == 1
    aws("iam").update_account_password_policy(MinimumPasswordLength=8)
    weak = cli("run", "--dryrun", path)
    assert weak.resources("no-policy") == [] and len(weak.resources("short")) == 1
    assert weak.resources("short")[0]["c7n:password_policy"]["MinimumPasswordLength"] == 8
    aws("iam").update_account_password_policy(MinimumPasswordLength=16)
    strong = cli("run", "--dryrun", path)
    assert strong.resources("no-policy") == [] and strong.resources("short") == []


def test_a_denied_password_policy_read_is_an_error_not_no_policy(server, cli, write_policies):
    server.hooks.append(lambda r: (403, ACCESS_DENIED) if r.operation == "GetAccountPasswordPolicy" else None)
    path = write_policies(policy("short", [{"not": [{"type": "password-policy", "key": "MinimumPasswordLength",
                                                    "value": 14, "op": "ge"}]}]))
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 1
    meta = result.metadata("short")
    # The account is errored: neither matched (not "no policy") nor passed.
    assert meta["errors"] and meta["errors"][0]["error_code"] == "AccessDenied"
    assert meta["counts"]["errored"] == 1 and meta["counts"]["passed"] == 0
    assert result.resources("short") == []
    assert "FAILED" in result.output and "Traceback" not in result.output


def test_iam_summary_and_virtual_mfa(aws, cli, write_policies):
    from c7n_lite.sandbox_seed.account import set_root_credentials
    path = write_policies(policy("root-mfa-off", [{"type": "iam-summary", "key": "AccountMFAEnabled",
                                                   "value": 1, "op": "ne"}])
                          + policy("no-virtual", [{"type": "has-virtual-mfa", "value": False}]).split("policies:\n")[1])
    off = cli("run", "--dryrun", path)
    assert len(off.resources("root-mfa-off")) == 1 and len(off.resources("no-virtual")) == 1
    set_root_credentials(access_key=False, mfa=True)
    on = cli("run", "--dryrun", path)
    assert on.resources("root-mfa-off") == []


def test_credential_report_without_a_root_row_is_an_error(cli, write_policies):
    """moto's credential report has no <root_account> row: unknown, never compliant."""
    result = cli("run", "--dryrun", write_policies(policy("root-keys", [
        {"type": "credential", "key": "access_keys.active", "value": True}])))
    assert result.exit_code == 1
    assert "<root_account>" in result.metadata("root-keys")["errors"][0]["error"]


def test_credential_report_records_in_custodians_shape():
    report = parse_report(
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
        "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
        "access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
        "cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"
        "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,"
        "2024-05-01T00:00:00+00:00,not_supported,not_supported,false,true,2021-01-01T00:00:00+00:00,N/A,"
        "false,N/A,N/A,false,N/A,false,N/A\n")
    root = report["<root_account>"]
    assert root["mfa_active"] is False
    assert root["access_keys"] == [{"active": True, "last_rotated": "2021-01-01T00:00:00+00:00",
                                    "last_used_date": None}]
    assert "certs" not in root and "access_key_1_active" not in root


def test_credential_report_is_generated_and_read_in_a_dry_run(server, aws, cli, write_policies):
    aws("iam").create_user(UserName="alice")
    result = cli("run", "--dryrun", write_policies(policy("root-keys", [
        {"type": "credential", "key": "mfa_active", "value": False}])))
    ops = [r.operation for r in server.requests if r.service == "iam"]
    assert "GenerateCredentialReport" in ops and "GetCredentialReport" in ops
    assert "<root_account>" in result.metadata("root-keys")["errors"][0]["error"]


@pytest.mark.parametrize("region,enabled", [("us-east-1", False), ("us-west-2", True)])
def test_regional_settings_match_one_region_and_not_another(aws, cli, write_policies, region, enabled):
    for r in ("us-west-2",):
        aws("ec2", r).enable_ebs_encryption_by_default()
        aws("securityhub", r).enable_security_hub()
        aws("guardduty", r).create_detector(Enable=True)
    path = write_policies(
        policy("ebs-off", [{"type": "default-ebs-encryption", "state": False}])
        + policy("hub-off", [{"type": "securityhub", "enabled": False}]).split("policies:\n")[1]
        + policy("gd-on", [{"type": "guard-duty", "Detector.Status": "ENABLED"}]).split("policies:\n")[1]
        + policy("config-off", [{"type": "check-config", "running": True}]).split("policies:\n")[1])
    result = cli("run", "--dryrun", "-r", region, path)
    assert result.exit_code == 0, result.output
    found = {name: len(result.resources(name, region)) if (result.output_dir / region).exists()
             else len(result.resources(name)) for name in ("ebs-off", "hub-off", "gd-on", "config-off")}
    assert found == {"ebs-off": int(not enabled), "hub-off": int(not enabled), "gd-on": int(enabled),
                     "config-off": 1}


def test_check_config_passes_a_running_recorder(aws, cli, write_policies):
    config = aws("config")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": False}})
    aws("s3").create_bucket(Bucket="config-bucket")
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    path = write_policies(policy("all", [{"type": "check-config", "all-resources": True}])
                          + policy("global", [{"type": "check-config", "global-resources": True}])
                          .split("policies:\n")[1])
    result = cli("run", "--dryrun", path)
    assert result.resources("all") == [] and len(result.resources("global")) == 1


def test_set_password_policy_keeps_other_settings(aws, cli, write_policies):
    iam = aws("iam")
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True)
    result = cli("run", write_policies(policy("fix", [], [
        {"type": "set-password-policy", "policy": {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24}}])))
    assert result.exit_code == 0, result.output
    found = iam.get_account_password_policy()["PasswordPolicy"]
    assert (found["MinimumPasswordLength"], found["PasswordReusePrevention"], found["RequireSymbols"]) == \
        (14, 24, True)


def test_set_password_policy_in_a_dry_run_plans_and_sends_nothing(server, aws, cli, write_policies):
    result = cli("run", "--dryrun", write_policies(policy("fix", [], [
        {"type": "set-password-policy", "policy": {"MinimumPasswordLength": 14}}])))
    assert result.exit_code == 0, result.output
    plan = json.loads((result.output_dir / "fix" / "plan.json").read_text())
    assert plan[0]["calls"][0]["operation"] == "update_account_password_policy"
    assert server.writes() == []
    with pytest.raises(Exception, match="NoSuchEntity"):
        aws("iam").get_account_password_policy()


def test_set_s3_public_block_and_ebs_encryption(aws, cli, write_policies):
    result = cli("run", write_policies(policy("fix", [{"type": "s3-public-block", "key": "BlockPublicAcls",
                                                       "value": True, "op": "ne"}],
                                              ["set-s3-public-block", {"type": "set-ebs-encryption", "state": True}])))
    assert result.exit_code == 0, result.output
    block = AwsSession("us-east-1").client("s3control").get_public_access_block(AccountId=ACCOUNT)
    assert block["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True)
    assert aws("ec2").get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True


def test_missing_matches_when_the_nested_policy_finds_nothing(aws, cli, write_policies):
    nested = {"type": "missing", "policy": {"resource": "aws.cloudtrail",
                                            "filters": [{"IsMultiRegionTrail": True}]}}
    path = write_policies(policy("no-multi-region-trail", [nested]))
    assert len(cli("run", "--dryrun", path).resources("no-multi-region-trail")) == 1
    aws("s3").create_bucket(Bucket="trail-logs")
    aws("cloudtrail").create_trail(Name="everywhere", S3BucketName="trail-logs", IsMultiRegionTrail=True)
    assert cli("run", "--dryrun", path).resources("no-multi-region-trail") == []


def test_missing_names_an_unknown_resource_in_one_line(cli, write_policies):
    result = cli("validate", write_policies(policy("bad", [{"type": "missing", "policy": {"resource": "aws.nope"}}])))
    assert result.exit_code != 0
    assert "aws.nope" in result.output and "Traceback" not in result.output


def test_organization_filter(aws, cli, write_policies):
    path = write_policies(policy("no-org", [{"type": "organization", "key": "Id", "value": "absent"}]))
    assert len(cli("run", "--dryrun", path).resources("no-org")) == 1
    aws("organizations").create_organization(FeatureSet="ALL")
    assert cli("run", "--dryrun", path).resources("no-org") == []


def test_access_analyzer_unserved_by_moto_is_an_error(cli, write_policies):
    """moto does not serve IAM Access Analyzer: the policy fails, it does not pass."""
    result = cli("run", "--dryrun", write_policies(policy("analyzer", [
        {"type": "access-analyzer", "key": "status", "value": "ACTIVE"}])))
    assert result.exit_code == 1 and result.metadata("analyzer")["errors"]


def test_set_xray_encrypt_plans_its_call(server, cli, write_policies):
    result = cli("run", "--dryrun", write_policies(policy("xray", [], [
        {"type": "set-xray-encrypt", "key": "alias/xray"}])))
    assert result.exit_code == 0, result.output
    call = json.loads((result.output_dir / "xray" / "plan.json").read_text())[0]["calls"][0]
    assert (call["operation"], call["params"]) == ("put_encryption_config", {"Type": "KMS", "KeyId": "alias/xray"})
    assert server.writes() == []


def test_enable_cloudtrail_creates_the_bucket_and_trail_and_starts_logging(aws, cli, write_policies):
    result = cli("run", write_policies(policy("trail", [{"type": "check-cloudtrail", "multi-region": True}], [
        {"type": "enable-cloudtrail", "trail": "org-trail", "bucket": "org-trail-logs", "file-digest": True}])))
    assert result.exit_code == 0, result.output
    ct = aws("cloudtrail")
    trail = ct.describe_trails()["trailList"][0]
    assert (trail["Name"], trail["S3BucketName"], trail["IsMultiRegionTrail"], trail["LogFileValidationEnabled"]) \
        == ("org-trail", "org-trail-logs", True, True)
    assert ct.get_trail_status(Name="org-trail")["IsLogging"] is True
    bucket_policy = json.loads(aws("s3").get_bucket_policy(Bucket="org-trail-logs")["Policy"])
    assert {s["Sid"] for s in bucket_policy["Statement"]} == {"AWSCloudTrailAclCheck", "AWSCloudTrailWrite"}
    again = cli("run", "--dryrun", write_policies(policy("trail", [
        {"type": "check-cloudtrail", "multi-region": True}]), "again.yml"))
    assert again.resources("trail") == []


def imds_defaults(tokens: str | None, modified: list):
    """moto serves neither EC2 metadata-defaults call: answer them at the server,
    in EC2's wire format, and keep what a modify call asked for."""
    def hook(request):
        if request.service != "ec2":
            return None
        if request.operation == "GetInstanceMetadataDefaults":
            level = f"<httpTokens>{tokens}</httpTokens>" if tokens else ""
            return 200, (f'<GetInstanceMetadataDefaultsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                         f"<requestId>r</requestId><accountLevel>{level}</accountLevel>"
                         "</GetInstanceMetadataDefaultsResponse>")
        if request.operation == "ModifyInstanceMetadataDefaults":
            modified.append(request.body.decode())
            return 200, ('<ModifyInstanceMetadataDefaultsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                         "<requestId>r</requestId><return>true</return></ModifyInstanceMetadataDefaultsResponse>")
        return None
    return hook


IMDS_POLICY = policy("imds-defaults", [{"or": [
    {"type": "ec2-metadata-defaults", "key": "HttpTokens", "value": "optional"},
    {"type": "ec2-metadata-defaults", "key": "HttpTokens", "value": "absent"}]}],
    [{"type": "set-ec2-metadata-defaults", "HttpTokens": "required"}])


@pytest.mark.parametrize("tokens, matched", [(None, True), ("optional", True), ("required", False)])
def test_ec2_metadata_defaults_filter_and_action(server, cli, write_policies, tokens, matched):
    modified: list[str] = []
    server.hooks.append(imds_defaults(tokens, modified))
    result = cli("run", write_policies(IMDS_POLICY))
    assert result.exit_code == 0, result.output
    assert bool(result.resources("imds-defaults")) is matched
    assert [("HttpTokens=required" in body) for body in modified] == ([True] if matched else [])


def test_ec2_metadata_defaults_unreadable_is_an_error(server, cli, write_policies):
    def deny(request):
        if request.operation == "GetInstanceMetadataDefaults":
            return 403, ('<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message>'
                         "</Error></Errors><RequestID>r</RequestID></Response>")
        return None
    server.hooks.append(deny)
    result = cli("run", "--dryrun", write_policies(IMDS_POLICY))
    assert result.exit_code == 1
    assert result.metadata("imds-defaults")["counts"]["errored"] == 1
    assert result.resources("imds-defaults") == []


def test_emr_block_public_access_filter_and_action(aws, cli, write_policies, tmp_path):
    # moto stores BlockPublicSecurityGroupRules: false as true, so the test
    # keys on the port ranges still allowed publicly instead.
    emr = aws("emr")
    emr.put_block_public_access_configuration(BlockPublicAccessConfiguration={
        "BlockPublicSecurityGroupRules": True})
    path = write_policies(policy("emr-no-ssh", [{
        "type": "emr-block-public-access",
        "key": "BlockPublicAccessConfiguration.PermittedPublicSecurityGroupRuleRanges", "value": "empty"}], [{
        "type": "set-emr-block-public-access",
        "config": {"BlockPublicSecurityGroupRules": True,
                   "PermittedPublicSecurityGroupRuleRanges": [{"MinRange": 22, "MaxRange": 22}]}}]))
    dry = cli("run", "--dryrun", path)
    assert dry.exit_code == 0, dry.output
    assert len(dry.resources("emr-no-ssh")) == 1
    ranges = "PermittedPublicSecurityGroupRuleRanges"
    assert emr.get_block_public_access_configuration()["BlockPublicAccessConfiguration"][ranges] == []
    assert cli("run", path).exit_code == 0
    config = emr.get_block_public_access_configuration()["BlockPublicAccessConfiguration"]
    assert config["BlockPublicSecurityGroupRules"] is True
    assert config[ranges] == [{"MinRange": 22, "MaxRange": 22}]
    assert cli("run", "--dryrun", path, output_dir=str(tmp_path / "again")).resources("emr-no-ssh") == []


def test_a_bare_settings_filter_matches_nothing_as_in_custodian(aws, cli, write_policies):
    result = cli("run", "--dryrun", write_policies(policy("bare", [{"type": "emr-block-public-access"}])
                                                   + policy("bare-pw", [{"type": "password-policy"}]).split(
                                                       "policies:\n")[1]))
    assert result.exit_code == 0, result.output
    assert result.resources("bare") == [] and result.resources("bare-pw") == []
    assert result.metadata("bare")["counts"]["passed"] == 1
