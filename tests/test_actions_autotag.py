"""auto-tag-user: the caller of the CloudTrail event, as tags on the resources."""
from __future__ import annotations

import pytest

from c7n_lite.aws.session import AwsSession
from c7n_lite.modes.core import PolicyRun, evaluate
from c7n_lite.policy import Policy
from c7n_lite.registry import load_all
from tests.test_actions_ec2 import launch
from tests.test_actions_tags import tags_of
from tests.write_detector import writes

IDENTITIES = {
    "iam-user": ({"type": "IAMUser", "userName": "alice", "principalId": "AIDAEXAMPLE",
                  "arn": "arn:aws:iam::123456789012:user/alice"}, "alice", "AIDAEXAMPLE"),
    "assumed-role": ({"type": "AssumedRole", "principalId": "AROAEXAMPLE:bob@example.com",
                      "arn": "arn:aws:sts::123456789012:assumed-role/Admin/bob@example.com"},
                     "bob@example.com", "AROAEXAMPLE"),
    "federated": ({"type": "FederatedUser", "principalId": "123456789012:carol",
                   "arn": "arn:aws:sts::123456789012:federated-user/carol"}, "carol", "123456789012"),
    "root": ({"type": "Root", "principalId": "123456789012", "arn": "arn:aws:iam::123456789012:root"},
             "root", "123456789012"),
}


def run_with_event(server, data, event, dryrun=False):
    load_all()
    session = AwsSession("us-east-1", endpoint_url=server.endpoint, dryrun=dryrun)
    policy = Policy(data, session)
    run = PolicyRun(policy.name, policy.resource_type.type, "us-east-1", dryrun)
    evaluate(policy, policy.manager.resources(), run, event)
    return run


def policy(**options):
    return {"name": "auto-owner", "resource": "aws.ec2",
            "mode": {"type": "cloudtrail", "events": ["RunInstances"]},
            "actions": [{"type": "auto-tag-user", "principal_id_tag": "CreatorId", **options}]}


@pytest.mark.parametrize("kind", sorted(IDENTITIES))
def test_tags_the_caller_of_each_identity_type(aws, server, kind):
    ec2 = aws("ec2")
    i = launch(ec2, 1)[0]
    identity, user, principal = IDENTITIES[kind]
    run = run_with_event(server, policy(), {"detail": {"userIdentity": identity, "eventName": "RunInstances"}})
    assert run.ok, run.errors
    assert tags_of(ec2, i) == {"Owner": user, "CreatorId": principal}


def test_update_false_keeps_an_existing_owner(aws, server):
    ec2 = aws("ec2")
    owned = launch(ec2, 1, {"Owner": "dave"})[0]
    fresh = launch(ec2, 1)[0]
    identity = IDENTITIES["iam-user"][0]
    run = run_with_event(server, policy(tag="Owner"), {"detail": {"userIdentity": identity}})
    assert tags_of(ec2, owned)["Owner"] == "dave"
    assert tags_of(ec2, fresh)["Owner"] == "alice"
    skipped = [o for o in run.actions[0].outcomes if o.status == "skipped"]
    assert [o.resource_id for o in skipped] == [owned] and "update: false" in skipped[0].reason


def test_update_true_overwrites(aws, server):
    ec2 = aws("ec2")
    owned = launch(ec2, 1, {"Owner": "dave"})[0]
    run_with_event(server, policy(update=True), {"detail": {"userIdentity": IDENTITIES["iam-user"][0]}})
    assert tags_of(ec2, owned)["Owner"] == "alice"


def test_instance_roles_are_not_named_as_owners(aws, server):
    ec2 = aws("ec2")
    i = launch(ec2, 1)[0]
    identity = {"type": "AssumedRole", "principalId": "AROAX:i-0abc",
                "arn": "arn:aws:sts::123456789012:assumed-role/AppRole/i-0abc"}
    run = run_with_event(server, policy(), {"detail": {"userIdentity": identity}})
    assert "Owner" not in tags_of(ec2, i)
    assert run.actions[0].outcomes[0].status == "skipped"


def test_without_an_event_plans_nothing_and_says_why(aws, cli, write_policies, server):
    launch(aws("ec2"), 1)
    server.reset_log()
    result = cli("run", write_policies("""
policies:
  - name: owner-pull
    resource: ec2
    actions: [{type: auto-tag-user, tag: Owner}]
"""))
    assert result.exit_code == 0, result.output
    assert writes(server) == []
    assert "no CloudTrail event" in result.output
