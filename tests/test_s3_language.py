"""S3's own actions and filters, read back from moto."""
from __future__ import annotations

import json

import pytest


def policy_of(s3, bucket):
    return json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])


def run(cli, write_policies, text, dry=False):
    args = ["run", "--dryrun"] if dry else ["run"]
    result = cli(*args, write_policies(text))
    assert result.exit_code == 0, result.output
    return result


def test_set_bucket_encryption_kms_and_off(aws, cli, write_policies):
    s3, kms = aws("s3"), aws("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/buckets", TargetKeyId=key["KeyId"])
    for name in ("plain", "other", "was-encrypted"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_encryption(Bucket="was-encrypted", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    run(cli, write_policies, """
policies:
  - name: kms-it
    resource: aws.s3
    filters: [{Name: plain}]
    actions: [{type: set-bucket-encryption, crypto: "aws:kms", key: alias/buckets}]
  - name: turn-off
    resource: aws.s3
    filters: [{Name: was-encrypted}]
    actions: [{type: set-bucket-encryption, enabled: false}]
""")
    rule = s3.get_bucket_encryption(Bucket="plain")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]}
    assert rule["BucketKeyEnabled"] is True
    for name in ("other", "was-encrypted"):
        with pytest.raises(s3.exceptions.ClientError):
            s3.get_bucket_encryption(Bucket=name)


def test_set_and_remove_statements_keep_other_statements(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="bkt-one")
    s3.create_bucket(Bucket="bkt-two")
    keep = {"Sid": "Keep", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt-one/*"}
    old = {"Sid": "Old", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
           "Resource": "arn:aws:s3:::bkt-one/*"}
    s3.put_bucket_policy(Bucket="bkt-one", Policy=json.dumps({"Version": "2012-10-17", "Statement": [keep, old]}))
    run(cli, write_policies, """
policies:
  - name: https-only
    resource: aws.s3
    actions:
      - type: set-statements
        statements:
          - Sid: DenyHttp
            Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource: "arn:aws:s3:::{bucket_name}/*"
            Condition: {Bool: {"aws:SecureTransport": false}}
  - name: drop-old
    resource: aws.s3
    filters: [{Name: bkt-one}]
    actions: [{type: remove-statements, statement_ids: [Old]}]
""")
    b1 = policy_of(s3, "bkt-one")["Statement"]
    assert [s["Sid"] for s in b1] == ["Keep", "DenyHttp"]
    assert b1[1]["Resource"] == "arn:aws:s3:::bkt-one/*"
    assert [s["Sid"] for s in policy_of(s3, "bkt-two")["Statement"]] == ["DenyHttp"]


def test_remove_statements_matched_by_cross_account(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="shared")
    inside = {"Sid": "Mine", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
              "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}
    outside = {"Sid": "Theirs", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
               "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}
    s3.put_bucket_policy(Bucket="shared", Policy=json.dumps({"Version": "2012-10-17",
                                                             "Statement": [inside, outside]}))
    run(cli, write_policies, """
policies:
  - name: no-sharing
    resource: aws.s3
    filters: [cross-account]
    actions: [{type: remove-statements, statement_ids: matched}]
""")
    assert [s["Sid"] for s in policy_of(s3, "shared")["Statement"]] == ["Mine"]


def test_remove_all_statements_deletes_the_policy(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="bkt-one")
    s3.put_bucket_policy(Bucket="bkt-one", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "A", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::bkt-one/*"}]}))
    run(cli, write_policies, """
policies:
  - {name: wipe, resource: aws.s3, actions: [{type: remove-statements, statement_ids: "*"}]}
""")
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket="bkt-one")


def test_delete_global_grants(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="open")
    s3.put_bucket_acl(Bucket="open", ACL="public-read")
    run(cli, write_policies, """
policies:
  - {name: close, resource: aws.s3, filters: [global-grants], actions: [delete-global-grants]}
""")
    grants = s3.get_bucket_acl(Bucket="open")["Grants"]
    assert grants and not any("AllUsers" in (g["Grantee"].get("URI") or "") for g in grants)


def test_toggle_versioning_and_logging(aws, cli, write_policies):
    s3 = aws("s3")
    for name in ("data", "logs-123456789012", "untouched"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_acl(Bucket="logs-123456789012", ACL="log-delivery-write")
    run(cli, write_policies, """
policies:
  - name: versioned
    resource: aws.s3
    filters: [{Name: data}]
    actions:
      - toggle-versioning
      - {type: toggle-logging, target_bucket: "logs-{account_id}", target_prefix: "{source_bucket_name}/"}
""")
    assert s3.get_bucket_versioning(Bucket="data")["Status"] == "Enabled"
    assert "Status" not in s3.get_bucket_versioning(Bucket="untouched")
    assert s3.get_bucket_logging(Bucket="data")["LoggingEnabled"] == {
        "TargetBucket": "logs-123456789012", "TargetPrefix": "data/"}
    run(cli, write_policies, """
policies:
  - name: unversioned
    resource: aws.s3
    filters: [{Name: data}]
    actions: [{type: toggle-versioning, enabled: false}, {type: toggle-logging, enabled: false}]
""")
    assert s3.get_bucket_versioning(Bucket="data")["Status"] == "Suspended"
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket="data")


def test_configure_lifecycle_merges_by_id(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="bkt-one")
    s3.put_bucket_lifecycle_configuration(Bucket="bkt-one", LifecycleConfiguration={"Rules": [
        {"ID": "theirs", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 3}},
        {"ID": "gone", "Status": "Enabled", "Filter": {"Prefix": "old/"}, "Expiration": {"Days": 9}}]})
    run(cli, write_policies, """
policies:
  - name: lifecycle
    resource: aws.s3
    actions:
      - type: configure-lifecycle
        rules:
          - {ID: abort-uploads, Status: Enabled, Filter: {Prefix: ""},
             AbortIncompleteMultipartUpload: {DaysAfterInitiation: 7}}
          - {ID: gone, Status: absent}
""")
    rules = s3.get_bucket_lifecycle_configuration(Bucket="bkt-one")["Rules"]
    assert sorted(r["ID"] for r in rules) == ["abort-uploads", "theirs"]


TIERING_XML = """<?xml version="1.0" encoding="UTF-8"?>
<ListBucketIntelligentTieringConfigurationsOutput xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<IsTruncated>false</IsTruncated>
<IntelligentTieringConfiguration><Id>archive</Id><Status>Enabled</Status>
<Tiering><Days>90</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>
</ListBucketIntelligentTieringConfigurationsOutput>"""


def test_set_intelligent_tiering_puts_and_deletes(aws, cli, write_policies, server):
    # moto stores the configuration but answers reads of it empty: the requests are checked.
    s3 = aws("s3")
    s3.create_bucket(Bucket="tiered")
    s3.create_bucket(Bucket="flat")
    run(cli, write_policies, """
policies:
  - name: tier
    resource: aws.s3
    filters: [{Name: tiered}]
    actions:
      - type: set-intelligent-tiering
        Id: archive
        IntelligentTieringConfiguration:
          Status: Enabled
          Tierings: [{Days: 90, AccessTier: ARCHIVE_ACCESS}]
  - {name: untier, resource: aws.s3, filters: [{Name: flat}],
     actions: [{type: set-intelligent-tiering, Id: old, State: delete}]}
""")
    writes = [(w.method, w.path, w.query) for w in server.writes() if "intelligent-tiering" in w.query]
    assert ("PUT", "/tiered", "id=archive&intelligent-tiering") in writes or \
        ("PUT", "/tiered", "intelligent-tiering&id=archive") in writes, writes
    assert any(m == "DELETE" and p == "/flat" and "id=old" in q for m, p, q in writes), writes


def test_intelligent_tiering_filter(aws, cli, write_policies, server):
    s3 = aws("s3")
    s3.create_bucket(Bucket="tiered")
    s3.create_bucket(Bucket="flat")
    server.hooks.append(lambda r: (200, TIERING_XML) if r.method == "GET" and r.path == "/tiered"
                        and "intelligent-tiering" in r.query else None)
    result = run(cli, write_policies, """
policies:
  - name: has-tiering
    resource: aws.s3
    filters: [{type: intelligent-tiering, attrs: [{Status: Enabled}, {"Tierings[0].Days": 90}]}]
  - name: no-tiering
    resource: aws.s3
    filters: [{type: intelligent-tiering, count: 0, count_op: eq}]
""")
    assert result.ids("has-tiering", "Name") == ["tiered"]
    assert result.ids("no-tiering", "Name") == ["flat"]


def test_ownership_filter(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="enforced")
    s3.put_bucket_ownership_controls(Bucket="enforced", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.create_bucket(Bucket="writer")
    s3.put_bucket_ownership_controls(Bucket="writer",
                                     OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    result = run(cli, write_policies, """
policies:
  - {name: not-enforced, resource: aws.s3, filters: [{type: ownership, op: ne, value: BucketOwnerEnforced}]}
  - {name: enforced, resource: aws.s3, filters: [{type: ownership, value: BucketOwnerEnforced}]}
""")
    assert result.ids("enforced", "Name") == ["enforced"]
    assert result.ids("not-enforced", "Name") == ["writer"]


def test_bucket_logging_and_is_log_target(aws, cli, write_policies):
    s3 = aws("s3")
    for name in ("logs-123456789012", "app", "quiet", "trail-logs"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_acl(Bucket="logs-123456789012", ACL="log-delivery-write")
    s3.put_bucket_logging(Bucket="app", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "logs-123456789012", "TargetPrefix": "app/"}})
    s3.put_bucket_policy(Bucket="trail-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:*",
         "Resource": ["arn:aws:s3:::trail-logs", "arn:aws:s3:::trail-logs/*"]}]}))
    aws("cloudtrail").create_trail(Name="main", S3BucketName="trail-logs")
    result = run(cli, write_policies, """
policies:
  - {name: no-logging, resource: aws.s3, filters: [{type: bucket-logging, op: disabled}]}
  - name: standard-logging
    resource: aws.s3
    filters: [{type: bucket-logging, op: equal, target_bucket: "logs-{account_id}"}]
  - {name: log-targets, resource: aws.s3, filters: [is-log-target]}
  - {name: not-targets, resource: aws.s3, filters: [{type: is-log-target, value: false}]}
""")
    assert result.ids("no-logging", "Name") == ["logs-123456789012", "quiet", "trail-logs"]
    assert result.ids("standard-logging", "Name") == ["app"]
    assert result.ids("log-targets", "Name") == ["logs-123456789012", "trail-logs"]
    assert result.ids("not-targets", "Name") == ["app", "quiet"]


def test_delete_bucket_with_contents(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="full")
    s3.put_bucket_versioning(Bucket="full", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="full", Key="a", Body=b"1")
    s3.put_object(Bucket="full", Key="a", Body=b"2")
    s3.create_bucket(Bucket="kept")
    run(cli, write_policies, """
policies:
  - {name: gone, resource: aws.s3, filters: [{Name: full}], actions: [{type: delete, remove-contents: true}]}
""")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept"]


def test_dry_run_of_s3_actions_sends_no_write(aws, cli, write_policies, server):
    s3 = aws("s3")
    s3.create_bucket(Bucket="bkt-one")
    server.reset_log()
    result = run(cli, write_policies, """
policies:
  - name: all-of-them
    resource: aws.s3
    actions:
      - set-bucket-encryption
      - {type: set-statements, statements: [{Sid: X, Effect: Deny, Principal: "*", Action: "s3:*",
                                             Resource: "arn:aws:s3:::{bucket_name}"}]}
      - {type: configure-lifecycle, rules: [{ID: x, Status: absent}]}
      - {type: delete, remove-contents: true}
""", dry=True)
    assert server.writes() == []
    calls = json.loads((result.output_dir / "all-of-them" / "plan.json").read_text())
    ops = [c["operation"] for a in calls for c in a["calls"]]
    assert ops == ["put_bucket_encryption", "put_bucket_policy", "put_bucket_lifecycle_configuration", "delete_bucket"]


def notification_bucket(aws, name, topic_name):
    s3, sns = aws("s3"), aws("sns")
    s3.create_bucket(Bucket=name)
    arn = sns.create_topic(Name=topic_name)["TopicArn"]
    s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={"TopicConfigurations": [
        {"Id": "to-sns", "TopicArn": arn, "Events": ["s3:ObjectCreated:*"]},
        {"Id": "keep-me", "TopicArn": arn, "Events": ["s3:ObjectRemoved:*"]}]})
    return arn


def test_bucket_notification_filter_and_delete(aws, cli, write_policies):
    s3 = aws("s3")
    notification_bucket(aws, "notified", "t1")
    s3.create_bucket(Bucket="silent")
    run(cli, write_policies, """
policies:
  - name: drop-created
    resource: aws.s3
    filters: [{type: bucket-notification, kind: sns, key: Id, value: to-sns}]
    actions: [{type: delete-bucket-notification, statement_ids: matched}]
""")
    left = s3.get_bucket_notification_configuration(Bucket="notified")["TopicConfigurations"]
    assert [c["Id"] for c in left] == ["keep-me"]
    result = run(cli, write_policies, """
policies:
  - {name: any-sns, resource: aws.s3, filters: [{type: bucket-notification, kind: sns, key: Id, value: present}]}
""")
    assert result.ids("any-sns", "Name") == ["notified"]


def test_bucket_replication_lock_and_encryption_statement(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="source-bkt")
    s3.create_bucket(Bucket="dest-bkt")
    for b in ("source-bkt", "dest-bkt"):
        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket="source-bkt", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication",
        "Rules": [{"ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::dest-bkt"}}]})
    s3.create_bucket(Bucket="locked-bkt", ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket="locked-bkt", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    run(cli, write_policies, """
policies:
  - {name: enc, resource: aws.s3, filters: [{Name: dest-bkt}], actions: [encryption-policy]}
""")
    result = run(cli, write_policies, """
policies:
  - {name: replicated, resource: aws.s3, filters: [{type: bucket-replication, attrs: [{Status: Enabled}]}]}
  - {name: governed, resource: aws.s3,
     filters: [{type: lock-configuration, key: Rule.DefaultRetention.Mode, value: GOVERNANCE}]}
  - {name: no-enc, resource: aws.s3, filters: [no-encryption-statement]}
""")
    assert result.ids("replicated", "Name") == ["source-bkt"]
    assert result.ids("governed", "Name") == ["locked-bkt"]
    assert result.ids("no-enc", "Name") == ["locked-bkt", "source-bkt"]


def test_set_inventory(aws, cli, write_policies):
    s3 = aws("s3")
    for b in ("data-bkt", "inventory-bkt", "other-bkt"):
        s3.create_bucket(Bucket=b)
    run(cli, write_policies, """
policies:
  - name: inventory
    resource: aws.s3
    filters: [{Name: data-bkt}]
    actions: [{type: set-inventory, name: weekly, destination: inventory-bkt, schedule: Weekly}]
""")
    configs = s3.list_bucket_inventory_configurations(Bucket="data-bkt").get("InventoryConfigurationList", [])
    assert [(c["Id"], c["Schedule"]["Frequency"]) for c in configs] == [("weekly", "Weekly")]
    assert not s3.list_bucket_inventory_configurations(Bucket="other-bkt").get("InventoryConfigurationList")
    # moto 5 deletes the whole bucket on DeleteBucketInventoryConfiguration: the plan is checked.
    result = run(cli, write_policies, """
policies:
  - {name: no-inventory, resource: aws.s3, filters: [{Name: data-bkt}],
     actions: [{type: set-inventory, name: weekly, destination: inventory-bkt, state: absent}]}
""", dry=True)
    calls = json.loads((result.output_dir / "no-inventory" / "plan.json").read_text())[0]["calls"]
    assert [(c["operation"], c["params"]) for c in calls] == [
        ("delete_bucket_inventory_configuration", {"Bucket": "data-bkt", "Id": "weekly"})]
