"""Unknown is never compliant, gone is not an error, and counts add up.

Every fault here is injected at the moto server (a hook answers the request
instead of moto), so the engine sees exactly what AWS would send.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from tests.run_helpers import summary_row

S3_DENIED = ('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
             '<Message>Access Denied</Message><RequestId>injected</RequestId></Error>')


def ec2_error(code: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>'
            f'<Code>{code}</Code><Message>injected {code}</Message></Error></Errors>'
            '<RequestID>injected</RequestID></Response>')


def deny_s3(subresource: str, buckets: set[str] | None = None):
    """A hook refusing S3 GET ?<subresource> (e.g. acl, tagging) for the given buckets (all if None)."""
    def hook(request):
        if request.method != "GET" or subresource not in parse_qs(request.query, keep_blank_values=True):
            return None
        bucket = request.path.strip("/").split("/")[0]
        if buckets is None or bucket in buckets:
            return 403, S3_DENIED, "application/xml"
        return None
    return hook


def counts_add_up(meta: dict) -> None:
    c = meta["counts"]
    assert c["evaluated"] == c["matched"] + c["passed"] + c["errored"], c


@pytest.fixture
def buckets(aws):
    s3 = aws("s3")
    for name in ("pub-1", "pub-2", "pub-3"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_acl(Bucket=name, ACL="public-read")
    s3.create_bucket(Bucket="private-1")
    s3.put_bucket_tagging(Bucket="pub-1", Tagging={"TagSet": [{"Key": "Exempt", "Value": "yes"}]})
    return s3


ACL_POLICY = """
policies:
  - name: s3-acl-public-read
    resource: aws.s3
    filters:
      - type: global-grants
        permissions: [READ]
"""


def test_a_denied_acl_read_is_an_error_not_a_pass(server, buckets, cli, write_policies):
    path = write_policies(ACL_POLICY)
    clean = cli("run", "--dryrun", path)
    assert clean.exit_code == 0, clean.output
    assert sorted(clean.ids("s3-acl-public-read", "Name")) == ["pub-1", "pub-2", "pub-3"]

    server.hooks.append(deny_s3("acl"))
    denied = cli("run", "--dryrun", path)
    assert denied.exit_code == 1
    meta = denied.metadata("s3-acl-public-read")
    assert meta["counts"] == {"evaluated": 4, "matched": 0, "passed": 0, "errored": 4, "gone": 0}
    assert meta["status"] == "error"
    [error] = meta["errors"]
    assert (error["operation"], error["error_code"], error["resources"]) == ("GetBucketAcl", "AccessDenied", 4)
    assert sorted(error["resource_ids"]) == ["private-1", "pub-1", "pub-2", "pub-3"]
    row = summary_row(denied.output, "s3-acl-public-read")
    assert (row["ERRORED"], row["STATUS"]) == ("4", "FAILED")
    assert "4 resource(s) not evaluated: AccessDenied" in denied.output


def test_counts_add_up_when_some_reads_fail(server, buckets, cli, write_policies):
    server.hooks.append(deny_s3("acl", {"pub-2"}))
    result = cli("run", "--dryrun", write_policies(ACL_POLICY))
    assert result.exit_code == 1
    meta = result.metadata("s3-acl-public-read")
    counts_add_up(meta)
    assert meta["counts"] == {"evaluated": 4, "matched": 2, "passed": 1, "errored": 1, "gone": 0}
    assert sorted(result.ids("s3-acl-public-read", "Name")) == ["pub-1", "pub-3"]


def test_denied_reads_can_be_warnings_but_never_passes(server, buckets, cli, write_policies):
    server.hooks.append(deny_s3("acl", {"pub-2"}))
    result = cli("run", "--dryrun", "--denied-reads", "warn", write_policies(ACL_POLICY))
    assert result.exit_code == 0, result.output
    meta = result.metadata("s3-acl-public-read")
    assert meta["counts"]["errored"] == 1 and meta["counts"]["passed"] == 1
    assert meta["errors"][0]["error_code"] == "AccessDenied"
    line = next(x for x in result.output.splitlines() if x.startswith("s3-acl-public-read "))
    assert line.rstrip().endswith("warning")


def test_a_throttled_read_past_retries_is_an_error(server, buckets, cli, write_policies, monkeypatch):
    monkeypatch.setattr("c7n_lite.aws.session.DEFAULT_MAX_ATTEMPTS", 1)
    slow = ('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
            '<Message>Please reduce your request rate.</Message></Error>')
    server.hooks.append(lambda r: (503, slow, "application/xml")
                        if r.method == "GET" and "acl" in parse_qs(r.query, keep_blank_values=True)
                        and r.path.strip("/") == "pub-3" else None)
    result = cli("run", "--dryrun", write_policies(ACL_POLICY))
    assert result.exit_code == 1
    meta = result.metadata("s3-acl-public-read")
    assert meta["counts"]["errored"] == 1 and meta["errors"][0]["error_code"] == "SlowDown"
    assert "pub-3" not in result.ids("s3-acl-public-read", "Name")


def test_an_exempt_tag_that_could_not_be_read_lets_no_action_through(server, buckets, cli, write_policies, aws):
    path = write_policies("""
policies:
  - name: tag-public-buckets
    resource: aws.s3
    filters:
      - "tag:Exempt": absent
      - type: global-grants
    actions:
      - type: tag
        key: Public
        value: "yes"
""")
    server.hooks.append(deny_s3("tagging", {"pub-1"}))
    result = cli("run", path)
    assert result.exit_code == 1
    meta = result.metadata("tag-public-buckets")
    counts_add_up(meta)
    assert meta["counts"]["errored"] == 1
    assert sorted(result.ids("tag-public-buckets", "Name")) == ["pub-2", "pub-3"]
    server.hooks.clear()
    # pub-1 carries Exempt: nothing may have been written to it
    assert aws("s3").get_bucket_tagging(Bucket="pub-1")["TagSet"] == [{"Key": "Exempt", "Value": "yes"}]
    tagged = aws("s3").get_bucket_tagging(Bucket="pub-2")["TagSet"]
    assert {"Key": "Public", "Value": "yes"} in tagged


def test_a_denied_public_block_read_is_not_counted_as_off(server, buckets, cli, write_policies):
    server.hooks.append(deny_s3("publicAccessBlock"))
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: s3-block-public-access-off
    resource: aws.s3
    filters:
      - type: check-public-block
"""))
    assert result.exit_code == 1
    meta = result.metadata("s3-block-public-access-off")
    assert meta["counts"]["matched"] == 0 and meta["counts"]["errored"] == 4


def test_a_resource_deleted_since_the_describe_is_gone_not_an_error(server, aws, cli, write_policies):
    ec2 = aws("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    keep = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    lost = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=keep, Attribute="createVolumePermission",
                                  OperationType="add", GroupNames=["all"])

    def deleted(request):
        if request.operation == "DescribeSnapshotAttribute" and lost.encode() in request.body:
            return 400, ec2_error("InvalidSnapshot.NotFound")
        return None
    server.hooks.append(deleted)
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: ebs-snapshot-publicly-restorable
    resource: aws.ebs-snapshot
    filters:
      - type: cross-account
"""))
    assert result.exit_code == 0, result.output
    meta = result.metadata("ebs-snapshot-publicly-restorable")
    assert meta["counts"] == {"evaluated": 1, "matched": 1, "passed": 0, "errored": 0, "gone": 1}
    assert meta["errors"] == []
    assert result.ids("ebs-snapshot-publicly-restorable", "SnapshotId") == [keep]
    assert lost not in json.loads((result.output_dir / "ebs-snapshot-publicly-restorable"
                                   / "evaluated.json").read_text())
