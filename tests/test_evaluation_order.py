"""Only the calls the filters need: a cheap filter runs first and a resource it
rejects costs no detail call; `or` stops at its first accepting filter.
Counted at the server."""
from __future__ import annotations

from urllib.parse import parse_qs


def acl_reads(server) -> list[str]:
    return [r.path.strip("/") for r in server.requests
            if r.service == "s3" and r.method == "GET" and "acl" in parse_qs(r.query, keep_blank_values=True)]


def buckets(aws, *names):
    s3 = aws("s3")
    for name in names:
        s3.create_bucket(Bucket=name)
    s3.put_bucket_acl(Bucket=names[0], ACL="public-read")


def test_a_cheap_filter_written_last_still_runs_first(server, aws, cli, write_policies):
    buckets(aws, "logs-public", "data-1", "data-2")
    server.reset_log()
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: public-log-buckets
    resource: aws.s3
    filters:
      - type: global-grants
      - type: value
        key: Name
        op: glob
        value: "logs-*"
"""))
    assert result.exit_code == 0, result.output
    assert result.ids("public-log-buckets", "Name") == ["logs-public"]
    assert acl_reads(server) == ["logs-public"]


def test_a_cheap_filter_that_rejects_everything_makes_no_detail_call(server, aws, cli, write_policies):
    buckets(aws, "a-bucket", "b-bucket")
    server.reset_log()
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: none
    resource: aws.s3
    filters:
      - type: global-grants
      - Name: no-such-bucket
"""))
    assert result.exit_code == 0, result.output
    assert result.metadata("none")["counts"]["matched"] == 0
    assert acl_reads(server) == []


def test_or_stops_at_the_first_accepting_filter(server, aws, cli, write_policies):
    buckets(aws, "open-bucket", "named-bucket", "other-bucket")
    server.reset_log()
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: either
    resource: aws.s3
    filters:
      - or:
          - type: global-grants
          - Name: named-bucket
"""))
    assert result.exit_code == 0, result.output
    assert result.ids("either", "Name") == ["named-bucket", "open-bucket"]
    # named-bucket was accepted by the cheap filter: its ACL was never read
    assert sorted(acl_reads(server)) == ["open-bucket", "other-bucket"]
