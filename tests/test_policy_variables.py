"""Custodian's policy variables, filled in when a policy runs: `{account_id}`,
`{region}`, `{partition}` and `{now}` (with a date format) in any string of the
policy; other braces stay for the filter or action that fills them."""
from __future__ import annotations

import json

ACCOUNT = "123456789012"

POLICY = """
policies:
  - name: own-role
    resource: aws.iam-role
    filters:
      - Arn: "arn:{partition}:iam::{account_id}:role/app-{region}"
    actions:
      - type: tag
        key: Checked
        value: "{now:%Y-%m-%d} in {region}"
      - type: mark-for-op
        op: delete
        days: 1
        tag: Expiry
        msg: "Resource unused: {op}@{action_date}"
"""


def test_variables_are_filled_in_and_others_kept(aws, cli, write_policies, monkeypatch):
    monkeypatch.setenv("C7N_LITE_NOW", "2030-02-03T04:05:00Z")
    iam = aws("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    for name in ("app-us-east-1", "app-eu-west-1"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
    result = cli("run", write_policies(POLICY))
    assert result.exit_code == 0, result.output
    assert [r["RoleName"] for r in result.resources("own-role")] == ["app-us-east-1"]
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName="app-us-east-1")["Tags"]}
    assert tags["Checked"] == "2030-02-03 in us-east-1"
    assert tags["Expiry"] == "Resource unused: delete@2030/02/04"
    assert "Checked" not in {t["Key"] for t in iam.list_role_tags(RoleName="app-eu-west-1")["Tags"]}

