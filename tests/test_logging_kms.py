"""aws.cloudtrail, aws.config-recorder, aws.kms-key, aws.kms and aws.log-group:
enumeration, filters that match one resource and not another, fetch by id,
and each action's effect read back from moto."""
from __future__ import annotations

import datetime
import json

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources

ACCOUNT = "123456789012"
DENIED = '{"__type": "AccessDeniedException", "message": "not authorized to perform kms:GetKeyRotationStatus"}'


def policy(name, resource, filters=(), actions=()):
    return (f"policies:\n  - name: {name}\n    resource: {resource}\n    filters: {json.dumps(list(filters))}\n"
            f"    actions: {json.dumps(list(actions))}\n")


def trails(aws):
    aws("s3").create_bucket(Bucket="trail-logs")
    ct = aws("cloudtrail")
    good = ct.create_trail(Name="good-trail", S3BucketName="trail-logs", IsMultiRegionTrail=True,
                           EnableLogFileValidation=True)["TrailARN"]
    ct.start_logging(Name="good-trail")
    ct.put_event_selectors(TrailName="good-trail", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    ct.create_trail(Name="bad-trail", S3BucketName="trail-logs")
    return ct, good


def test_trail_status_and_event_selector_filters(aws, cli, write_policies):
    trails(aws)
    path = write_policies(
        policy("not-logging", "aws.cloudtrail", [{"type": "status", "key": "IsLogging", "value": False}])
        + policy("s3-data-events", "aws.cloudtrail", [
            {"type": "event-selectors", "key": "EventSelectors[].DataResources[].Type", "op": "contains",
             "value": "AWS::S3::Object"}]).split("policies:\n")[1]
        + policy("home", "aws.cloudtrail", [{"type": "is-shadow", "state": False}]).split("policies:\n")[1])
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 0, result.output
    assert result.ids("not-logging", "Name") == ["bad-trail"]
    assert result.ids("s3-data-events", "Name") == ["good-trail"]
    assert result.ids("home", "Name") == ["bad-trail", "good-trail"]


def test_trail_actions_read_back(aws, cli, write_policies):
    ct, _ = trails(aws)
    result = cli("run", write_policies(
        policy("fix", "aws.cloudtrail", [{"Name": "bad-trail"}],
               [{"type": "update-trail", "attributes": {"EnableLogFileValidation": True}},
                {"type": "set-logging", "enabled": True}])
        + policy("stop", "aws.cloudtrail", [{"Name": "good-trail"}],
                 [{"type": "set-logging", "enabled": False}]).split("policies:\n")[1]))
    assert result.exit_code == 0, result.output
    bad = ct.describe_trails(trailNameList=["bad-trail"])["trailList"][0]
    assert bad["LogFileValidationEnabled"] is True
    assert ct.get_trail_status(Name="bad-trail")["IsLogging"] is True
    assert ct.get_trail_status(Name="good-trail")["IsLogging"] is False
    cli("run", write_policies(policy("gone", "aws.cloudtrail", [{"Name": "bad-trail"}], ["delete"]), "d.yml"))
    assert [t["Name"] for t in ct.describe_trails()["trailList"]] == ["good-trail"]


def test_fetch_by_id_for_event_modes(aws):
    trails(aws)
    kms = aws("kms")
    key = kms.create_key(Description="one")["KeyMetadata"]["KeyId"]
    load_all()
    session = AwsSession("us-east-1")
    assert [t["Name"] for t in resources.get("aws.cloudtrail").fetch_by_ids(session, ["bad-trail"])] == ["bad-trail"]
    keys = resources.get("aws.kms-key").fetch_by_ids(session, [key, "00000000-0000-0000-0000-000000000000"])
    assert [(k["KeyId"], k["Description"]) for k in keys] == [(key, "one")]


def test_config_recorder_with_status_and_toggle_recording(aws, cli, write_policies):
    config = aws("config")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    aws("s3").create_bucket(Bucket="config-logs")
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-logs"})
    path = write_policies(policy("stopped", "aws.config-recorder", [{"status.recording": False}],
                                 [{"type": "toggle-recording", "enabled": True}]))
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    assert result.ids("stopped", "name") == ["default"]
    status = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"][0]
    assert status["recording"] is True
    again = cli("run", "--dryrun", path)
    assert again.resources("stopped") == []


def keys(aws):
    kms = aws("kms")
    rotating = kms.create_key(Description="rotating")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotating)
    still = kms.create_key(Description="still")["KeyMetadata"]["KeyId"]
    signing = kms.create_key(Description="signing", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    return kms, rotating, still, signing


def test_key_rotation_status_and_set_rotation(aws, cli, write_policies):
    kms, rotating, still, signing = keys(aws)
    path = write_policies(policy("no-rotation", "aws.kms-key", [
        {"KeySpec": "SYMMETRIC_DEFAULT"}, {"type": "key-rotation-status", "key": "KeyRotationEnabled", "value": False}],
        [{"type": "set-rotation", "state": True}]))
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    assert result.ids("no-rotation", "KeyId") == [still]
    assert kms.get_key_rotation_status(KeyId=still)["KeyRotationEnabled"] is True
    assert cli("run", "--dryrun", path).resources("no-rotation") == []


def test_a_denied_rotation_read_is_an_error(server, aws, cli, write_policies):
    keys(aws)
    server.hooks.append(lambda r: (400, DENIED) if r.operation == "GetKeyRotationStatus" else None)
    result = cli("run", "--dryrun", write_policies(policy("no-rotation", "aws.kms-key", [
        {"type": "key-rotation-status", "key": "KeyRotationEnabled", "value": False}])))
    assert result.exit_code == 1
    assert result.metadata("no-rotation")["errors"][0]["error_code"] == "AccessDeniedException"


def test_key_cross_account_and_schedule_deletion(aws, cli, write_policies):
    kms, rotating, still, _ = keys(aws)
    kms.put_key_policy(KeyId=still, PolicyName="default", Policy=json.dumps({"Statement": [
        {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
         "Action": "kms:Decrypt", "Resource": "*"}]}))
    path = write_policies(policy("shared", "aws.kms-key", [{"type": "cross-account"}],
                                 [{"type": "schedule-deletion", "days": 7}]))
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    assert result.ids("shared", "KeyId") == [still]
    assert kms.describe_key(KeyId=still)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert kms.describe_key(KeyId=rotating)["KeyMetadata"]["KeyState"] == "Enabled"
    trusted = cli("run", "--dryrun", write_policies(policy("shared", "aws.kms-key", [
        {"type": "cross-account", "whitelist": ["999988887777"]}]), "t.yml"))
    assert trusted.resources("shared") == []


def test_key_tags_and_aliases(aws, cli, write_policies):
    kms, rotating, still, _ = keys(aws)
    kms.tag_resource(KeyId=still, Tags=[{"TagKey": "Owner", "TagValue": "data"}])
    kms.create_alias(AliasName="alias/still", TargetKeyId=still)
    path = write_policies(policy("owned", "aws.kms-key", [{"tag:Owner": "data"}], [
        {"type": "tag", "key": "Reviewed", "value": "yes"}])
        + policy("alias", "aws.kms", [{"type": "value", "key": "AliasName", "value": "alias/still"}])
        .split("policies:\n")[1])
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    assert result.ids("owned", "KeyId") == [still]
    assert [a["TargetKeyId"] for a in result.resources("alias")] == [still]
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=still)["Tags"]}
    assert tags == {"Owner": "data", "Reviewed": "yes"}


def test_log_group_retention_delete_and_encryption_plan(server, aws, cli, write_policies):
    logs = aws("logs")
    logs.create_log_group(logGroupName="/app/forever")
    logs.create_log_group(logGroupName="/app/kept")
    logs.put_retention_policy(logGroupName="/app/kept", retentionInDays=365)
    path = write_policies(policy("forever", "aws.log-group", [{"retentionInDays": "absent"}],
                                 [{"type": "retention", "days": 400}]))
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    assert result.ids("forever", "logGroupName") == ["/app/forever"]
    groups = {g["logGroupName"]: g.get("retentionInDays") for g in logs.describe_log_groups()["logGroups"]}
    assert groups == {"/app/forever": 400, "/app/kept": 365}
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/0000"
    server.reset_log()
    plan = cli("run", "--dryrun", write_policies(policy("encrypt", "aws.log-group", [{"kmsKeyId": "absent"}],
                                                        [{"type": "set-encryption", "kms-key": key}]), "e.yml"))
    calls = json.loads((plan.output_dir / "encrypt" / "plan.json").read_text())[0]["calls"]
    assert sorted(c["params"]["logGroupName"] for c in calls) == ["/app/forever", "/app/kept"]
    assert server.writes() == []
    cli("run", write_policies(policy("rm", "aws.log-group", [{"logGroupName": "/app/forever"}], ["delete"]), "r.yml"))
    assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == ["/app/kept"]


def test_log_group_tags(aws, cli, write_policies):
    logs = aws("logs")
    logs.create_log_group(logGroupName="/app/a", tags={"Owner": "x"})
    logs.create_log_group(logGroupName="/app/b")
    result = cli("run", write_policies(policy("unowned", "aws.log-group", [{"tag:Owner": "absent"}],
                                              [{"type": "tag", "key": "Owner", "value": "unknown"}])))
    assert result.exit_code == 0, result.output
    assert result.ids("unowned", "logGroupName") == ["/app/b"]
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/b"
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"Owner": "unknown"}


def test_remove_matched_statements_from_a_key_policy(aws, cli, write_policies):
    kms, _, still, _ = keys(aws)
    owner = {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Action": "kms:*", "Resource": "*"}
    kms.put_key_policy(KeyId=still, PolicyName="default", Policy=json.dumps({"Statement": [owner, {
        "Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}))
    result = cli("run", write_policies(policy("close", "aws.kms-key", [{"type": "cross-account"}],
                                              [{"type": "remove-statements", "statement_ids": "matched"}])))
    assert result.exit_code == 0, result.output
    assert result.ids("close", "KeyId") == [still]
    found = json.loads(kms.get_key_policy(KeyId=still, PolicyName="default")["Policy"])
    assert found["Statement"] == [owner]


def test_config_retention_filter(aws, cli, write_policies):
    config = aws("config")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": True}})
    path = write_policies(policy("short", "aws.config-recorder", [
        {"type": "retention", "key": "RetentionPeriodInDays", "value": 365, "op": "lt"}]))
    assert cli("run", "--dryrun", path).resources("short") == []   # the default: 7 years
    config.put_retention_configuration(RetentionPeriodInDays=90)
    assert cli("run", "--dryrun", path).ids("short", "name") == ["default"]


def test_alias_grant_count(aws, cli, write_policies):
    kms, rotating, still, _ = keys(aws)
    kms.create_alias(AliasName="alias/busy", TargetKeyId=still)
    kms.create_alias(AliasName="alias/quiet", TargetKeyId=rotating)
    for n in range(2):
        kms.create_grant(KeyId=still, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:role/r{n}", Operations=["Decrypt"])
    result = cli("run", "--dryrun", write_policies(policy("busy", "aws.kms", [
        {"type": "value", "key": "AliasName", "op": "in", "value": ["alias/busy", "alias/quiet"]},
        {"type": "grant-count", "min": 2}])))
    assert result.exit_code == 0, result.output
    assert [(a["AliasName"], a["GrantCount"]) for a in result.resources("busy")] == [("alias/busy", 2)]


def test_log_group_last_write(aws, cli, write_policies, monkeypatch):
    logs = aws("logs")
    for name in ("/app/busy", "/app/quiet", "/app/empty"):
        logs.create_log_group(logGroupName=name)
    for name in ("/app/busy", "/app/quiet"):
        logs.create_log_stream(logGroupName=name, logStreamName="s")
    now_ms = int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000)
    logs.put_log_events(logGroupName="/app/busy", logStreamName="s",
                        logEvents=[{"timestamp": now_ms, "message": "hello"}])
    # Ten days on, every group is 10 days since its last write (moto stamps "now").
    monkeypatch.setenv("C7N_LITE_NOW", (datetime.datetime.now(datetime.timezone.utc)
                                        + datetime.timedelta(days=10)).isoformat())
    path = write_policies(policy("stale-9", "aws.log-group", [{"type": "last-write", "days": 9}])
                          + policy("stale-30", "aws.log-group",
                                   [{"type": "last-write", "days": 30}]).split("policies:\n")[1])
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 0, result.output
    assert result.ids("stale-9", "logGroupName") == ["/app/busy", "/app/empty", "/app/quiet"]
    assert result.ids("stale-30", "logGroupName") == []
    assert all("lastWrite" in g for g in result.resources("stale-9"))


def test_log_group_subscription_filter_and_put_subscription_filter(aws, cli, write_policies):
    logs = aws("logs")
    for name in ("/app/shipped", "/app/local"):
        logs.create_log_group(logGroupName=name)
    aws("kinesis").create_stream(StreamName="logs", ShardCount=1)
    stream = aws("kinesis").describe_stream(StreamName="logs")["StreamDescription"]["StreamARN"]
    role = f"arn:aws:iam::{ACCOUNT}:role/logs-to-kinesis"
    path = write_policies(
        policy("ship", "aws.log-group", [{"not": [{"type": "subscription-filter"}]}],
               [{"type": "put-subscription-filter", "filter_name": "all", "destination_arn": stream,
                 "role_arn": role}])
        + policy("to-stream", "aws.log-group", [{"type": "subscription-filter", "key": "destinationArn",
                                                 "value": stream}]).split("policies:\n")[1])
    logs.put_subscription_filter(logGroupName="/app/shipped", filterName="old", filterPattern="",
                                 destinationArn=stream, roleArn=role)
    dry = cli("run", "--dryrun", path)
    assert dry.exit_code == 0, dry.output
    assert dry.ids("ship", "logGroupName") == ["/app/local"]
    assert dry.ids("to-stream", "logGroupName") == ["/app/shipped"]
    assert logs.describe_subscription_filters(logGroupName="/app/local")["subscriptionFilters"] == []
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    [sub] = logs.describe_subscription_filters(logGroupName="/app/local")["subscriptionFilters"]
    assert (sub["filterName"], sub["destinationArn"], sub["distribution"]) == ("all", stream, "ByLogStream")
