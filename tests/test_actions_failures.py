"""Failure semantics, by injecting faults into the engine's own boto3 clients.

A botocore `before-send` handler (registered first, through the session's
CLIENT_HOOKS) answers some calls itself with an EC2 error, as AWS would:
throttling is retried by botocore's standard mode, a resource that keeps
failing is isolated by splitting its batch, and the run exits non-zero with
the failures in metadata.json and the summary.
"""
from __future__ import annotations

import json
import threading

import pytest
from botocore.awsrequest import AWSResponse

from c7n_lite.aws import session as aws_session
from tests.test_actions_ec2 import launch, states
from tests.test_actions_tags import tags_of


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **kwargs):
        yield self.body


def ec2_error(code: str, message: str, status: int = 400) -> AWSResponse:
    body = (f'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code>'
            f"<Message>{message}</Message></Error></Errors><RequestID>fault</RequestID></Response>").encode()
    return AWSResponse("https://ec2.fault", status, {"Content-Type": "text/xml"}, _Raw(body))


def rest_json_error(code: str, message: str, status: int = 400) -> AWSResponse:
    body = json.dumps({"message": message}).encode()
    return AWSResponse("https://iot.fault", status, {"Content-Type": "application/json",
                                                     "x-amzn-ErrorType": code}, _Raw(body))


class Faults:
    """before-send handlers per operation; counts what each one saw."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.rules: dict[str, object] = {}
        self._lock = threading.Lock()

    def on(self, operation: str, rule) -> None:
        self.rules[operation] = rule

    def install(self, client) -> None:
        client.meta.events.register_first("before-send", self._handle)

    def _handle(self, request, event_name="", **kwargs):
        body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
        operation = event_name.rsplit(".", 1)[-1]         # before-send.<service>.<Operation>
        rule = self.rules.get(operation)
        if rule is None:
            return None
        with self._lock:
            self.seen[operation] = self.seen.get(operation, 0) + 1
            count = self.seen[operation]
        return rule(count, body)


@pytest.fixture
def faults(monkeypatch):
    # Retries without waiting: the backoff is botocore's, its delay patched to 0.
    monkeypatch.setattr("botocore.retries.standard.ExponentialBackoff.delay_amount", lambda self, ctx: 0)
    found = Faults()
    aws_session.CLIENT_HOOKS.append(found.install)
    yield found
    aws_session.CLIENT_HOOKS.remove(found.install)


STOP_ALL = """
policies:
  - name: stop-all
    resource: ec2
    actions: [stop]
"""


def test_throttled_calls_are_retried_with_backoff_and_succeed(aws, cli, write_policies, faults, server):
    ec2 = aws("ec2")
    ids = launch(ec2, 3)
    faults.on("StopInstances", lambda n, body: ec2_error("RequestLimitExceeded", "Request limit exceeded.", 503)
              if n <= 3 else None)
    server.reset_log()
    result = cli("run", write_policies(STOP_ALL))
    assert result.exit_code == 0, result.output
    assert faults.seen["StopInstances"] == 4            # 3 throttled attempts, then through
    assert [r.operation for r in server.requests].count("StopInstances") == 1
    assert set(states(ec2, ids).values()) == {"stopped"}


def test_one_failing_resource_does_not_stop_the_others(aws, cli, write_policies, faults):
    ec2 = aws("ec2")
    ids = launch(ec2, 5)
    bad = ids[2]
    faults.on("StopInstances", lambda n, body: ec2_error("UnsupportedOperation", f"{bad} cannot be stopped")
              if bad in body else None)
    result = cli("run", write_policies(STOP_ALL))
    assert result.exit_code == 1
    found = states(ec2, ids)
    assert found[bad] == "running"
    assert all(found[i] == "stopped" for i in ids if i != bad)
    outcomes = {o["resource_id"]: o for o in json.loads(
        (result.output_dir / "stop-all" / "action-stop.json").read_text())}
    assert outcomes[bad]["status"] == "failed" and outcomes[bad]["error_code"] == "UnsupportedOperation"
    assert sum(o["status"] == "done" for o in outcomes.values()) == 4
    meta = result.metadata("stop-all")
    assert meta["errors"] == [{"stage": "action:stop", "resource": bad, "error_code": "UnsupportedOperation",
                               "error": f"{bad} cannot be stopped"}]
    assert "FAILED" in result.output and f"failed {bad}: UnsupportedOperation" in result.output


def test_describe_throttled_past_retries_fails_the_policy_loudly(aws, cli, write_policies, faults):
    launch(aws("ec2"), 2)
    faults.on("DescribeInstances", lambda n, body: ec2_error("RequestLimitExceeded", "Request limit exceeded.", 503))
    result = cli("run", write_policies(STOP_ALL))
    assert result.exit_code == 1
    # botocore's `max_attempts` counts retries: the first try plus that many
    assert faults.seen["DescribeInstances"] == aws_session.DEFAULT_MAX_ATTEMPTS + 1
    meta = result.metadata("stop-all")
    assert meta["errors"] and meta["errors"][0]["stage"] == "resources"
    assert "RequestLimitExceeded" in meta["errors"][0]["error"]
    assert "FAILED" in result.output and "error (resources)" in result.output
    assert meta["actions"] == []


def test_rename_keeps_the_old_tag_where_the_new_one_was_not_written(aws, cli, write_policies, faults):
    ec2 = aws("ec2")
    red = launch(ec2, 1, {"team": "red"})[0]
    blue = launch(ec2, 1, {"team": "blue"})[0]
    faults.on("CreateTags", lambda n, body: ec2_error("UnauthorizedOperation", "denied") if red in body else None)
    result = cli("run", write_policies("""
policies:
  - name: rename
    resource: ec2
    actions: [{type: rename-tag, old_key: team, new_key: Team}]
"""))
    assert result.exit_code == 1
    assert tags_of(ec2, red) == {"team": "red"}            # not lost
    assert tags_of(ec2, blue) == {"Team": "blue"}
    outcomes = json.loads((result.output_dir / "rename" / "action-rename-tag.json").read_text())
    assert {(o["resource_id"], o["operation"], o["status"]) for o in outcomes} == {
        (red, "create_tags", "failed"), (red, "delete_tags", "skipped"),
        (blue, "create_tags", "done"), (blue, "delete_tags", "done")}


def test_quarantine_changes_nothing_where_its_record_could_not_be_written(aws, cli, write_policies, faults):
    from tests.test_actions_iot import attached, device, group_members, status
    iot = aws("iot")
    cert_id, arn = device(iot, "rogue")
    faults.on("UpdateThing", lambda n, body: rest_json_error("InternalFailureException", "boom", 500))
    result = cli("run", write_policies("""
policies:
  - name: isolate
    resource: aws.iot
    actions: [quarantine]
"""))
    assert result.exit_code == 1
    assert status(iot, cert_id) == "ACTIVE" and attached(iot, arn) == ["device-policy"]
    assert group_members(iot, "c7n-quarantine") == []
    assert "InternalFailureException" in json.dumps(result.metadata("isolate")["errors"])
