"""Redshift, IoT, SNS and S3 resource types: what each enumerates, the fields
filters read, and that per-resource calls are made only for what filters read,
once per resource, with no write in a dry run (counted at the server)."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.registry import load_all, resources
from c7n_lite.resources.core import ResourceManager
from tests.write_detector import writes

REGION = "us-east-1"
ACCOUNT = "123456789012"


def run(cli, write_policies, text, *extra):
    result = cli("run", "--dryrun", *extra, write_policies(text))
    assert result.exit_code == 0, result.output
    return result


def served(server):
    return Counter(f"{r.service}:{r.operation}" for r in server.requests)


def bucket_gets(server, bucket):
    """Per-bucket document GETs at the server (REST: 'GET /<bucket>', any sub-resource)."""
    return sum(1 for r in server.requests if r.service == "s3" and r.operation == f"GET /{bucket}")


def manager(server, type_name, region=REGION):
    load_all()
    session = AwsSession(region, endpoint_url=server.endpoint)
    return ResourceManager(resources.get(type_name), session)


# --- Redshift ---------------------------------------------------------------

def make_cluster(rs, name, public=False, encrypted=True, env="prod"):
    rs.create_cluster(ClusterIdentifier=name, NodeType="dc2.large", ClusterType="single-node",
                      MasterUsername="admin", MasterUserPassword="Passw0rd1",
                      PubliclyAccessible=public, Encrypted=encrypted,
                      Tags=[{"Key": "Environment", "Value": env}])


def test_redshift_clusters_and_snapshots(aws, cli, write_policies, server):
    rs = aws("redshift")
    make_cluster(rs, "exposed", public=True)
    make_cluster(rs, "plain", encrypted=False)
    make_cluster(rs, "fine")
    make_cluster(rs, "devbox", public=True, env="dev")
    rs.create_cluster_snapshot(SnapshotIdentifier="keep-me", ClusterIdentifier="plain")
    server.reset_log()
    result = run(cli, write_policies, """
policies:
  - name: rs
    resource: aws.redshift
    filters:
      - or: [{PubliclyAccessible: true}, {Encrypted: false}]
      - not: [{"tag:Environment": dev}]
  - name: rs-snap
    resource: redshift-snapshot
    filters:
      - SnapshotType: manual
""")
    assert result.ids("rs", "ClusterIdentifier") == ["exposed", "plain"]
    assert result.ids("rs-snap", "SnapshotIdentifier") == ["keep-me"]
    assert result.metadata("rs-snap")["counts"]["evaluated"] == 5  # 4 automated + 1 manual
    # Tags come with the describe call: one call per type, nothing per cluster.
    assert served(server)["redshift:DescribeClusters"] == 1
    assert writes(server) == []


def test_redshift_fetch_by_ids_skips_missing(aws, server):
    make_cluster(aws("redshift"), "one")
    assert [c["ClusterIdentifier"] for c in
            manager(server, "aws.redshift").get_resources(["one", "gone"])] == ["one"]
    aws("redshift").create_cluster_snapshot(SnapshotIdentifier="s1", ClusterIdentifier="one")
    snaps = manager(server, "aws.redshift-snapshot").get_resources(["s1", "nope"])
    assert [s["SnapshotIdentifier"] for s in snaps] == ["s1"]
    rt = resources.get("aws.redshift-snapshot")
    session = AwsSession(REGION, endpoint_url=server.endpoint)
    assert rt.arn(snaps[0], session).endswith(":snapshot:one/s1")


# --- IoT --------------------------------------------------------------------

def test_iot_things_as_listed(aws, cli, write_policies, server):
    iot = aws("iot")
    iot.create_thing_type(thingTypeName="camera")
    iot.create_thing(thingName="owned", attributePayload={"attributes": {"owner": "ops"}})
    iot.create_thing(thingName="orphan")
    iot.create_thing(thingName="cam", thingTypeName="camera",
                     attributePayload={"attributes": {"owner": "ops"}})
    server.reset_log()
    result = run(cli, write_policies, """
policies:
  - name: things
    resource: aws.iot
    filters:
      - or:
          - attributes.owner: absent
          - and: [{thingTypeName: camera}, {attributes.site: absent}]
""")
    assert result.ids("things", "thingName") == ["cam", "orphan"]
    assert set(result.resources("things")[0]) >= {"thingName", "thingArn", "attributes", "version"}
    assert served(server)["iot:GET /things"] == 1
    thing = manager(server, "aws.iot").get_resources(["cam", "missing"])
    assert [(t["thingName"], t["thingTypeName"]) for t in thing] == [("cam", "camera")]
    assert "thingId" not in thing[0]  # the same shape as listed


def test_iot_certificate_details_only_when_read(aws, cli, write_policies, server):
    iot = aws("iot")
    active = iot.create_keys_and_certificate(setAsActive=True)["certificateId"]
    iot.create_keys_and_certificate(setAsActive=False)
    server.reset_log()
    result = run(cli, write_policies, """
policies:
  - name: active
    resource: aws.iot-certificate
    filters: [{status: ACTIVE}]
""")
    assert result.ids("active", "certificateId") == [active]
    assert not [r for r in server.requests if r.path.startswith("/certificates/")]
    server.reset_log()
    result = run(cli, write_policies, """
policies:
  - name: owned
    resource: aws.iot-certificate
    filters: [{ownedBy: "123456789012"}]
  - name: valid
    resource: aws.iot-certificate
    filters: [{status: ACTIVE}, {validity.notAfter: present}]
""")
    assert len(result.ids("owned", "certificateId")) == 2
    assert result.ids("valid", "certificateId") == [active]
    # Two policies read the description: one call per certificate in the run.
    described = [r for r in server.requests if r.path.startswith("/certificates/")]
    assert len(described) == 2 and all(r.method == "GET" for r in described)
    fetched = manager(server, "aws.iot-certificate").get_resources([active])
    assert fetched[0]["certificatePem"].startswith("-----BEGIN")


# --- SNS --------------------------------------------------------------------

def test_sns_attributes_and_tags_fetched_only_when_read(aws, cli, write_policies, server):
    sns = aws("sns")
    plain = sns.create_topic(Name="plain", Tags=[{"Key": "Owner", "Value": "ops"}])["TopicArn"]
    secret = sns.create_topic(Name="secret", Attributes={"KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
    server.reset_log()
    result = run(cli, write_policies, f"""
policies:
  - name: by-arn
    resource: aws.sns
    filters: [{{TopicArn: "{plain}"}}]
""")
    assert result.ids("by-arn", "TopicArn") == [plain]
    assert served(server)["sns:GetTopicAttributes"] == 0
    assert served(server)["sns:ListTagsForResource"] == 0
    server.reset_log()
    result = run(cli, write_policies, """
policies:
  - name: unencrypted
    resource: aws.sns
    filters: [{KmsMasterKeyId: absent}]
  - name: unencrypted-again
    resource: aws.sns
    filters: [{KmsMasterKeyId: absent}, {DisplayName: empty}]
  - name: no-owner
    resource: aws.sns
    filters: [{"tag:Owner": absent}]
""")
    assert result.ids("unencrypted", "TopicArn") == [plain]
    assert result.ids("unencrypted-again", "TopicArn") == [plain]
    assert result.ids("no-owner", "TopicArn") == [secret]
    counts = served(server)
    assert counts["sns:ListTopics"] == 1
    assert counts["sns:GetTopicAttributes"] == 2  # once per topic, for two policies
    assert counts["sns:ListTagsForResource"] == 2
    assert writes(server) == []
    topic = result.resources("unencrypted")[0]
    assert topic["Owner"] == ACCOUNT and "Policy" in topic  # attributes as top-level fields


def test_sns_fetch_by_ids_drops_deleted_topics(aws, server):
    arn = aws("sns").create_topic(Name="here")["TopicArn"]
    gone = arn.replace(":here", ":gone")
    found = manager(server, "aws.sns").get_resources([arn, gone])
    assert [t["TopicArn"] for t in found] == [arn]
    assert found[0]["Owner"] == ACCOUNT


# --- S3 ---------------------------------------------------------------------

def test_s3_one_region_run_sees_every_bucket_as_custodian_does(aws, cli, write_policies):
    aws("s3").create_bucket(Bucket="east-bucket")
    aws("s3", "us-west-2").create_bucket(
        Bucket="west-bucket", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    text = """
policies:
  - name: all
    resource: aws.s3
"""
    result = run(cli, write_policies, text, "--region", "us-east-1")
    assert sorted(b["Name"] for b in result.resources("all")) == ["east-bucket", "west-bucket"]


def test_s3_several_regions_report_each_bucket_once_where_it_lives(aws, cli, write_policies):
    aws("s3").create_bucket(Bucket="east-bucket")
    aws("s3", "us-west-2").create_bucket(
        Bucket="west-bucket", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    aws("s3", "eu-west-1").create_bucket(
        Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    text = """
policies:
  - name: all
    resource: aws.s3
"""
    result = run(cli, write_policies, text, "--region", "us-east-1", "--region", "us-west-2")
    east = result.resources("all", "us-east-1")
    west = result.resources("all", "us-west-2")
    # eu-west-1 is not in the run: its bucket is reported once, with the first region.
    assert sorted(b["Name"] for b in east) == ["east-bucket", "eu-bucket"]
    assert [(b["Name"], b["Location"]) for b in west] == [
        ("west-bucket", {"LocationConstraint": "us-west-2"})]
    assert [b["Location"] for b in east if b["Name"] == "east-bucket"] == [{"LocationConstraint": None}]


def make_buckets(s3, n):
    for i in range(n):
        s3.create_bucket(Bucket=f"bucket-{i}")
    s3.put_bucket_versioning(Bucket="bucket-0", VersioningConfiguration={"Status": "Enabled"})


def test_s3_no_bucket_document_fetched_unless_read(aws, cli, write_policies, server):
    make_buckets(aws("s3"), 3)
    server.reset_log()
    result = run(cli, write_policies, """
policies:
  - name: named
    resource: aws.s3
    filters: [{type: value, key: Name, op: regex, value: "bucket-[12]"}]
""")
    assert result.ids("named", "Name") == ["bucket-1", "bucket-2"]
    assert [r.operation for r in server.requests if r.service == "s3"] == ["GET /"]


def test_s3_documents_fetched_once_per_bucket_across_policies(aws, cli, write_policies, server):
    make_buckets(aws("s3"), 3)
    aws("s3").put_bucket_tagging(Bucket="bucket-2", Tagging={"TagSet": [{"Key": "Owner", "Value": "x"}]})
    server.reset_log()
    result = run(cli, write_policies, """
policies:
  - name: unversioned
    resource: aws.s3
    filters: [{type: value, key: Versioning.Status, op: ne, value: Enabled}]
  - name: unversioned-untagged
    resource: aws.s3
    filters:
      - type: value
        key: Versioning.Status
        op: ne
        value: Enabled
      - "tag:Owner": absent
""")
    assert result.ids("unversioned", "Name") == ["bucket-1", "bucket-2"]
    assert result.ids("unversioned-untagged", "Name") == ["bucket-1"]
    # Versioning for 3 buckets, Tags for the 2 unversioned ones: nothing else, nothing twice.
    assert [bucket_gets(server, f"bucket-{i}") for i in range(3)] == [1, 2, 2]
    # The two policies run at once: each shared call is counted for whichever made it.
    totals: dict[str, int] = {}
    for name in ("unversioned", "unversioned-untagged"):
        for op, n in result.metadata(name)["api_calls"]["by_operation"].items():
            totals[op] = totals.get(op, 0) + n
    assert totals == {"s3:ListBuckets": 1, "s3:GetBucketVersioning": 3, "s3:GetBucketTagging": 2}
    assert result.resources("unversioned-untagged")[0]["Tags"] == []  # Custodian's empty value
    assert writes(server) == []


def test_s3_documents_keep_custodian_names_and_empty_values(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="bare")
    s3.create_bucket(Bucket="configured")
    s3.put_bucket_policy(Bucket="configured", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::configured/*"}]}))
    s3.put_bucket_website(Bucket="configured", WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}})
    result = run(cli, write_policies, """
policies:
  - name: docs
    resource: aws.s3
    filters:
      - or:
          - Policy: present
          - Policy: absent
      - or:
          - Website: empty
          - Website: not-null
      - or:
          - Acl.Owner: present
      - or:
          - Logging: empty
      - or:
          - Lifecycle: absent
""")
    by_name = {b["Name"]: b for b in result.resources("docs")}
    assert by_name["bare"]["Policy"] is None and by_name["bare"]["Website"] is None
    assert by_name["bare"]["Logging"] == {} and by_name["bare"]["Lifecycle"] is None
    assert json.loads(by_name["configured"]["Policy"])["Statement"][0]["Action"] == "s3:GetObject"
    assert by_name["configured"]["Website"]["IndexDocument"] == {"Suffix": "index.html"}
    assert by_name["bare"]["Acl"]["Grants"][0]["Permission"] == "FULL_CONTROL"


@pytest.mark.parametrize("type_name", ["aws.redshift", "aws.redshift-snapshot", "aws.iot",
                                       "aws.iot-certificate", "aws.sns", "aws.s3"])
def test_each_type_declares_its_facts(type_name):
    load_all()
    rt = resources.get(type_name)
    assert rt.id and rt.name and rt.service and rt.enum_op and rt.report_fields
    assert rt.arn_key or rt.arn_format
    assert rt.read_permissions()
    for detail in rt.details.values():
        assert detail.permissions and detail.keys
