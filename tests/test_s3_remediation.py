"""S3 remediations of Custodian's: set-replication, encrypt-keys, attach-encrypt,
read back from moto."""
from __future__ import annotations

import json

from tests.test_s3_language import run


def replicated(s3, name, status="Enabled"):
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket=name, ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication",
        "Rules": [{"ID": "to-dr", "Priority": 1, "Status": status, "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::dr-bucket", "Account": "210987654321"}}]})


def rule_status(s3, name):
    return [r["Status"] for r in s3.get_bucket_replication(Bucket=name)["ReplicationConfiguration"]["Rules"]]


def test_set_replication_enable_disable_remove(aws, cli, write_policies):
    s3 = aws("s3")
    replicated(s3, "off-bkt", "Disabled")
    replicated(s3, "on-bkt")
    replicated(s3, "gone-bkt")
    s3.create_bucket(Bucket="plain-bkt")
    result = run(cli, write_policies, """
policies:
  - name: s3-unapproved-account-replication
    resource: s3
    filters:
      - {type: value, key: "Replication.ReplicationConfiguration.Rules[].Destination.Account", value: present}
      - {type: value, key: Name, op: ne, value: gone-bkt}
    actions: [{type: set-replication, state: enable}]
  - {name: pause, resource: s3, filters: [{Name: on-bkt}], actions: [{type: set-replication, state: disable}]}
  - name: drop
    resource: s3
    filters: [{type: value, key: Name, op: in, value: [gone-bkt, plain-bkt]}]
    actions: [{type: set-replication, state: remove}]
""")
    assert rule_status(s3, "off-bkt") == ["Enabled"]
    assert rule_status(s3, "on-bkt") == ["Disabled"]
    dest = s3.get_bucket_replication(Bucket="off-bkt")["ReplicationConfiguration"]["Rules"][0]["Destination"]
    assert dest["Bucket"] == "arn:aws:s3:::dr-bucket"
    try:
        s3.get_bucket_replication(Bucket="gone-bkt")
        raise AssertionError("replication still configured")
    except s3.exceptions.ClientError as exc:
        assert exc.response["Error"]["Code"] == "ReplicationConfigurationNotFoundError"
    outcomes = json.loads((result.output_dir / "drop" / "action-set-replication.json").read_text())
    assert {o["resource_id"]: o["status"] for o in outcomes} == {"gone-bkt": "done", "plain-bkt": "skipped"}


def test_set_replication_dry_run_writes_nothing(aws, cli, write_policies, server):
    s3 = aws("s3")
    replicated(s3, "on-bkt")
    server.reset_log()
    run(cli, write_policies, """
policies:
  - {name: pause, resource: s3, actions: [{type: set-replication, state: disable}]}
""", dry=True)
    assert server.writes() == []
    assert rule_status(s3, "on-bkt") == ["Enabled"]


def sse(s3, bucket, key, version=None):
    extra = {"VersionId": version} if version else {}
    return s3.head_object(Bucket=bucket, Key=key, **extra).get("ServerSideEncryption")


def test_encrypt_keys_copies_unencrypted_objects_in_place(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="data-bkt")
    s3.put_object(Bucket="data-bkt", Key="plain.txt", Body=b"hello", Metadata={"owner": "alice"})
    s3.put_object(Bucket="data-bkt", Key="done.txt", Body=b"x", ServerSideEncryption="AES256")
    s3.create_bucket(Bucket="other-bkt")
    s3.put_object(Bucket="other-bkt", Key="plain.txt", Body=b"left")
    run(cli, write_policies, """
policies:
  - {name: s3-key-encryption, resource: s3, filters: [{Name: data-bkt}], actions: [{type: encrypt-keys}]}
""")
    assert sse(s3, "data-bkt", "plain.txt") == "AES256"
    assert s3.get_object(Bucket="data-bkt", Key="plain.txt")["Body"].read() == b"hello"
    assert s3.head_object(Bucket="data-bkt", Key="plain.txt")["Metadata"] == {"owner": "alice"}
    assert sse(s3, "other-bkt", "plain.txt") is None


def test_encrypt_keys_kms_and_versioned_bucket(aws, cli, write_policies):
    s3, kms = aws("s3"), aws("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    s3.create_bucket(Bucket="ver-bkt")
    s3.put_bucket_versioning(Bucket="ver-bkt", VersioningConfiguration={"Status": "Enabled"})
    old = s3.put_object(Bucket="ver-bkt", Key="doc", Body=b"v1")["VersionId"]
    s3.put_object(Bucket="ver-bkt", Key="doc", Body=b"v2")
    s3.put_object(Bucket="ver-bkt", Key="aes", Body=b"a", ServerSideEncryption="AES256")
    run(cli, write_policies, f"""
policies:
  - {{name: s3-encrypt-objects, resource: s3, actions: [{{type: encrypt-keys, crypto: "aws:kms", key-id: {key}}}]}}
""")
    versions = s3.list_object_versions(Bucket="ver-bkt")["Versions"]
    docs = [v for v in versions if v["Key"] == "doc"]
    assert old not in [v["VersionId"] for v in docs]
    assert len(docs) == 1 and docs[0]["IsLatest"]
    info = s3.head_object(Bucket="ver-bkt", Key="doc")
    assert info["ServerSideEncryption"] == "aws:kms" and key in info["SSEKMSKeyId"]
    assert s3.get_object(Bucket="ver-bkt", Key="doc")["Body"].read() == b"v2"
    # encrypted versions are left as they are
    assert sse(s3, "ver-bkt", "aes") == "AES256"


def test_encrypt_keys_report_only_and_dry_run_change_nothing(aws, cli, write_policies, server):
    s3 = aws("s3")
    s3.create_bucket(Bucket="data-bkt")
    s3.put_object(Bucket="data-bkt", Key="a.txt", Body=b"1")
    s3.put_object(Bucket="data-bkt", Key="b.txt", Body=b"2", ServerSideEncryption="AES256")
    server.reset_log()
    result = run(cli, write_policies, """
policies:
  - {name: report, resource: s3, actions: [{type: encrypt-keys, report-only: true}]}
""")
    assert server.writes() == []
    outcomes = json.loads((result.output_dir / "report" / "action-encrypt-keys.json").read_text())
    assert [(o["status"], o["reason"]) for o in outcomes] == [
        ("skipped", "report only: 1 unencrypted object(s): a.txt")]
    run(cli, write_policies, """
policies:
  - {name: dry, resource: s3, actions: [encrypt-keys]}
""", dry=True)
    assert server.writes() == []
    assert sse(s3, "data-bkt", "a.txt") is None


def test_encrypt_keys_copies_large_objects_in_parts(aws, cli, write_policies, server, monkeypatch):
    # The size limits are lowered so a 7 MiB object counts as large (parts of 5 MiB, S3's least).
    monkeypatch.setattr("c7n_lite.actions.s3_encrypt.MAX_COPY_SIZE", 6 * 1024 ** 2)
    monkeypatch.setattr("c7n_lite.actions.s3_encrypt.PART_SIZE", 5 * 1024 ** 2)
    s3 = aws("s3")
    s3.create_bucket(Bucket="big-bkt")
    body = bytes(range(256)) * (7 * 4096)
    s3.put_object(Bucket="big-bkt", Key="big.bin", Body=body)
    s3.put_object(Bucket="big-bkt", Key="small.bin", Body=b"s")
    run(cli, write_policies, """
policies:
  - {name: big, resource: s3, actions: [{type: encrypt-keys, large: false}]}
""")
    assert (sse(s3, "big-bkt", "big.bin"), sse(s3, "big-bkt", "small.bin")) == (None, "AES256")
    server.reset_log()
    run(cli, write_policies, """
policies:
  - {name: big, resource: s3, actions: [encrypt-keys]}
""")
    assert sse(s3, "big-bkt", "big.bin") == "AES256"
    assert s3.get_object(Bucket="big-bkt", Key="big.bin")["Body"].read() == body
    assert sum(1 for r in server.requests if "partNumber" in r.query) == 2


def lambda_role(aws):
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "lambda.amazonaws.com"}}]}
    return aws("iam").create_role(RoleName="s3-encrypt", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def test_attach_encrypt_publishes_the_function_and_notifies_it(aws, cli, write_policies):
    role = lambda_role(aws)
    s3, lam = aws("s3"), aws("lambda")
    s3.create_bucket(Bucket="new-data")
    s3.create_bucket(Bucket="untouched")
    run(cli, write_policies, f"""
policies:
  - name: attach-lambda-encrypt
    resource: s3
    filters: [{{Name: new-data}}]
    actions: [{{type: attach-encrypt, role: {role}, tags: {{team: sec}}}}]
""")
    function = lam.get_function(FunctionName="c7n-s3-encrypt")
    assert function["Configuration"]["Handler"] == "s3crypt.process_event"
    assert function["Configuration"]["Role"] == role
    assert function["Tags"] == {"team": "sec"}
    config = s3.get_bucket_notification_configuration(Bucket="new-data")["LambdaFunctionConfigurations"]
    assert [(c["Id"], c["LambdaFunctionArn"], c["Events"]) for c in config] == [
        ("c7n-s3-encrypt", function["Configuration"]["FunctionArn"], ["s3:ObjectCreated:*"])]
    statements = json.loads(lam.get_policy(FunctionName="c7n-s3-encrypt")["Policy"])["Statement"]
    assert [s["Principal"] for s in statements] == [{"Service": "s3.amazonaws.com"}]
    assert "LambdaFunctionConfigurations" not in s3.get_bucket_notification_configuration(Bucket="untouched")


def test_attach_encrypt_through_the_default_topic(aws, cli, write_policies):
    role = lambda_role(aws)
    s3, sns = aws("s3"), aws("sns")
    s3.create_bucket(Bucket="via-topic")
    run(cli, write_policies, f"""
policies:
  - {{name: s3-attach-encryption, resource: s3, actions: [{{type: attach-encrypt, role: {role}, topic: default}}]}}
""")
    topics = s3.get_bucket_notification_configuration(Bucket="via-topic")["TopicConfigurations"]
    assert [t["TopicArn"].rsplit(":", 1)[-1] for t in topics] == ["via-topic"]
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topics[0]["TopicArn"])["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"].rsplit(":", 1)[-1]) for s in subscriptions] == [("lambda", "c7n-s3-encrypt")]


def test_attach_encrypt_without_a_role_fails_and_dry_run_publishes_nothing(aws, cli, write_policies, server):
    aws("s3").create_bucket(Bucket="no-role")
    text = """
policies:
  - {name: s3-encrypt, resource: s3, actions: [attach-encrypt]}
"""
    server.reset_log()
    run(cli, write_policies, text, dry=True)
    assert server.writes() == []
    result = cli("run", write_policies(text))
    outcomes = json.loads((result.output_dir / "s3-encrypt" / "action-attach-encrypt.json").read_text())
    assert {o["status"] for o in outcomes} == {"failed"}
    assert aws("lambda").list_functions()["Functions"] == []


def test_the_encrypt_function_encrypts_new_objects(aws):
    from c7n_lite.s3crypt import process_event
    s3 = aws("s3")
    s3.create_bucket(Bucket="landing")
    s3.put_object(Bucket="landing", Key="in/new file.csv", Body=b"a,b")
    s3.put_object(Bucket="landing", Key="sealed", Body=b"x", ServerSideEncryption="aws:kms")
    record = {"s3": {"bucket": {"name": "landing"}, "object": {"key": "in/new+file.csv", "size": 3}}}
    sealed = {"s3": {"bucket": {"name": "landing"}, "object": {"key": "sealed", "size": 1}}}
    direct = process_event({"Records": [record, sealed]}, None, s3=s3)
    assert direct == ["landing/in/new file.csv"]
    assert sse(s3, "landing", "in/new file.csv") == "AES256"
    assert sse(s3, "landing", "sealed") == "aws:kms"
    s3.put_object(Bucket="landing", Key="later", Body=b"y")
    later = {"s3": {"bucket": {"name": "landing"}, "object": {"key": "later", "size": 1}}}
    via_sns = {"Records": [{"Sns": {"Message": json.dumps({"Records": [later]})}}]}
    assert process_event(via_sns, None, s3=s3) == ["landing/later"]
    assert sse(s3, "landing", "later") == "AES256"


def test_a_deployed_attach_encrypt_policy_ships_the_function_code():
    from c7n_lite.deploy.archive import build
    from c7n_lite.registry import load_all
    load_all()
    archive = build({"name": "encrypt-new-buckets", "resource": "aws.s3",
                     "mode": {"type": "cloudtrail", "events": ["CreateBucket"]},
                     "actions": [{"type": "attach-encrypt", "role": "arn:aws:iam::123456789012:role/r"}]})
    assert "c7n_lite.s3crypt" in archive.modules
