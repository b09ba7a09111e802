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
