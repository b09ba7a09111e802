"""EBS volumes: fault-tolerant (Trusted Advisor's snapshot check) and
encrypt-instance-volumes, against moto."""
from __future__ import annotations

import json

from tests.test_filters_language import ids  # noqa: F401 - the fixture

TA_JSON = "application/x-amz-json-1.1"


def volume(ec2, size=8, encrypted=False):
    return ec2.create_volume(AvailabilityZone="us-east-1a", Size=size, Encrypted=encrypted)["VolumeId"]


def serve_check(server, flagged):
    """moto does not serve Trusted Advisor's check results: the server answers."""
    body = json.dumps({"result": {
        "checkId": "H7IgTzjTYb", "timestamp": "2026-12-01T00:00:00Z", "status": "warning",
        "resourcesSummary": {"resourcesProcessed": 2, "resourcesFlagged": len(flagged),
                             "resourcesIgnored": 0, "resourcesSuppressed": 0},
        "categorySpecificSummary": {},
        "flaggedResources": [{"status": "warning", "region": "us-east-1", "resourceId": f"x{i}",
                              "metadata": ["us-east-1", vid, "", None, None, None, "Attached", "Yellow"]}
                             for i, vid in enumerate(flagged)]}})
    seen = []

    def hook(request):
        if request.operation == "DescribeTrustedAdvisorCheckResult":
            seen.append(json.loads(request.body))
            return 200, body, TA_JSON
        return None
    server.hooks.append(hook)
    return seen


def test_fault_tolerant_by_trusted_advisors_snapshot_check(aws, ids, server):  # noqa: F811
    ec2 = aws("ec2")
    backed, bare = volume(ec2), volume(ec2)
    seen = serve_check(server, [bare])
    assert ids("aws.ebs", [{"type": "fault-tolerant", "tolerant": True}], "VolumeId") == [backed]
    assert ids("aws.ebs", [{"type": "fault-tolerant", "tolerant": False}], "VolumeId") == [bare]
    assert ids("aws.ebs", ["fault-tolerant"], "VolumeId") == [backed]
    assert seen[0] == {"checkId": "H7IgTzjTYb", "language": "en"}


def test_fault_tolerant_without_trusted_advisor_is_an_error(aws, cli, write_policies, server):
    volume(aws("ec2"))
    server.hooks.append(lambda r: (400, json.dumps({
        "__type": "SubscriptionRequiredException", "message": "AWS Premium Support Subscription is required"}),
        TA_JSON) if r.operation == "DescribeTrustedAdvisorCheckResult" else None)
    result = cli("run", "--dryrun", write_policies("""
policies:
  - {name: tolerance, resource: ebs, filters: [{type: fault-tolerant, tolerant: true}]}
"""))
    assert result.exit_code != 0
    assert result.ids("tolerance", "VolumeId") == []
    assert "SubscriptionRequired" in result.output
