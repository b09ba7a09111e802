"""iam-analyzer on S3 buckets.  moto does not serve IAM Access Analyzer: the
test server answers ListAnalyzers and ListFindings in its REST-JSON format."""
from __future__ import annotations

import json

from tests.test_filters_language import ids  # noqa: F401 - the fixture

ANALYZER = "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/account"
REST_JSON = "application/json"


def finding(bucket, public, status="ACTIVE"):
    return {"id": f"f-{bucket}", "resource": f"arn:aws:s3:::{bucket}", "resourceType": "AWS::S3::Bucket",
            "principal": {"AWS": "*"}, "action": ["s3:GetObject"], "condition": {}, "isPublic": public,
            "resourceOwnerAccount": "123456789012", "status": status, "createdAt": "2026-12-01T00:00:00Z",
            "analyzedAt": "2026-12-01T00:00:00Z", "updatedAt": "2026-12-01T00:00:00Z"}


def serve_analyzer(server, findings, analyzers=("ACTIVE",)):
    """Answer ListAnalyzers with analyzers of these statuses, and ListFindings
    with the findings the request's criteria select."""
    asked = []

    def hook(request):
        if request.method == "GET" and request.path == "/analyzer":
            return 200, json.dumps({"analyzers": [
                {"arn": ANALYZER, "name": "account", "type": "ACCOUNT", "createdAt": "2026-01-01T00:00:00Z",
                 "status": status} for status in analyzers]}), REST_JSON
        if request.method == "POST" and request.path == "/finding":
            body = json.loads(request.body)
            asked.append(body)
            criteria = body["filter"]
            items = [f for f in findings if f["status"] in criteria["status"]["eq"]
                     and f["resource"] in criteria["resource"]["contains"]
                     and f["resourceType"] in criteria["resourceType"]["eq"]]
            return 200, json.dumps({"findings": items}), REST_JSON
        return None
    server.hooks.append(hook)
    return asked


def test_iam_analyzer_public_buckets(aws, ids, server):  # noqa: F811
    s3 = aws("s3")
    for name in ("public", "shared", "private", "archived"):
        s3.create_bucket(Bucket=name)
    asked = serve_analyzer(server, [finding("public", True), finding("shared", False),
                                    finding("archived", True, status="ARCHIVED")])
    assert ids("aws.s3", [{"type": "iam-analyzer", "key": "isPublic", "value": True}], "Name") == ["public"]
    assert asked[0]["analyzerArn"] == ANALYZER
    assert asked[0]["filter"]["resourceType"] == {"eq": ["AWS::S3::Bucket"]}
    assert sorted(asked[0]["filter"]["resource"]["contains"]) == sorted(
        f"arn:aws:s3:::{b}" for b in ("public", "shared", "private", "archived"))
    assert sorted(ids("aws.s3", ["iam-analyzer"], "Name")) == ["public", "shared"]


def test_iam_analyzer_without_an_active_analyzer_is_an_error(aws, cli, write_policies, server):
    aws("s3").create_bucket(Bucket="public")
    serve_analyzer(server, [finding("public", True)], analyzers=("CREATING",))
    result = cli("run", "--dryrun", write_policies(json.dumps({"policies": [{
        "name": "ia", "resource": "aws.s3",
        "filters": [{"type": "iam-analyzer", "key": "isPublic", "value": True}]}]})))
    assert result.exit_code != 0
    assert result.all_errored("ia")
    assert "no active IAM Access Analyzer" in result.output
