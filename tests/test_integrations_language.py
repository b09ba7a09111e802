"""put-metric, webhook, invoke-lambda and post-finding, against moto and an
HTTP server the test starts on loopback."""
from __future__ import annotations

import datetime
import io
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.test_actions_ec2 import launch


def run(cli, write_policies, text, ok=True):
    result = cli("run", write_policies(text))
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_put_metric_counts_matched_resources(aws, cli, write_policies):
    ec2 = aws("ec2")
    launch(ec2, 3, {"Env": "dev"})
    launch(ec2, 1, {"Env": "prod"})
    run(cli, write_policies, """
policies:
  - name: count-dev
    resource: aws.ec2
    filters: [{"tag:Env": dev}]
    actions: [{type: put-metric, key: InstanceId, namespace: Compliance, metric_name: DevInstances,
               dimensions: [{Team: web}]}]
""")
    cw = aws("cloudwatch")
    metrics = cw.list_metrics(Namespace="Compliance")["Metrics"]
    assert [(m["MetricName"], m["Dimensions"]) for m in metrics] == [
        ("DevInstances", [{"Name": "Team", "Value": "web"}])]
    now = datetime.datetime.now(datetime.timezone.utc)
    stats = cw.get_metric_statistics(Namespace="Compliance", MetricName="DevInstances",
                                     Dimensions=[{"Name": "Team", "Value": "web"}], Statistics=["Maximum"],
                                     StartTime=now - datetime.timedelta(hours=1),
                                     EndTime=now + datetime.timedelta(hours=1), Period=3600)
    assert [p["Maximum"] for p in stats["Datapoints"]] == [3.0]


@pytest.fixture
def http_sink():
    """An HTTP server on 127.0.0.1 recording what it is sent; `status` sets its reply."""
    received: list[dict] = []
    state = {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            received.append({"path": self.path, "headers": dict(self.headers),
                             "body": json.loads(self.rfile.read(length) or b"null")})
            self.send_response(state["status"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received, state
    server.shutdown()
    thread.join(timeout=5)


def test_webhook_posts_each_resource(aws, cli, write_policies, http_sink):
    url, received, _ = http_sink
    ec2 = aws("ec2")
    dev = launch(ec2, 2, {"Env": "dev"})
    launch(ec2, 1, {"Env": "prod"})
    run(cli, write_policies, f"""
policies:
  - name: hook
    resource: aws.ec2
    filters: [{{"tag:Env": dev}}]
    actions:
      - type: webhook
        url: {url}/hook
        body: "{{id: resource.InstanceId, account: account_id}}"
        headers: {{X-Policy: policy.name}}
        query-params: {{region: region}}
""")
    assert sorted(r["body"]["id"] for r in received) == sorted(dev)
    assert {r["path"] for r in received} == {"/hook?region=us-east-1"}
    assert {r["headers"]["X-Policy"] for r in received} == {"hook"}
    assert {r["body"]["account"] for r in received} == {"123456789012"}


def test_webhook_batch_and_failure(aws, cli, write_policies, http_sink):
    url, received, state = http_sink
    launch(aws("ec2"), 3)
    run(cli, write_policies, f"""
policies:
  - {{name: batch, resource: aws.ec2, actions: [{{type: webhook, url: "{url}/b", batch: true, batch-size: 2,
                                               body: "resources[].InstanceId"}}]}}
""")
    assert sorted(len(r["body"]) for r in received) == [1, 2]
    state["status"] = 500
    result = run(cli, write_policies, f"""
policies:
  - {{name: failing, resource: aws.ec2, actions: [{{type: webhook, url: "{url}/x"}}]}}
""", ok=False)
    assert result.exit_code != 0
    outcomes = json.loads((result.output_dir / "failing" / "action-webhook.json").read_text())
    assert {o["status"] for o in outcomes} == {"failed"}


def test_invoke_lambda_event_reaches_lambda(aws, cli, write_policies, server):
    # moto would need docker to run the function: the Invoke request is answered here.
    iam, lam = aws("iam"), aws("lambda")
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    lam.create_function(FunctionName="remediate", Runtime="python3.12", Role=role, Handler="index.handler",
                        Code={"ZipFile": code.getvalue()})
    server.hooks.append(lambda r: (202, "", "application/json") if r.operation.endswith("/invocations")
                        or r.operation == "Invoke" else None)
    launch(aws("ec2"), 2)
    server.reset_log()
    run(cli, write_policies, """
policies:
  - {name: hand-off, resource: aws.ec2, actions: [{type: invoke-lambda, function: remediate, batch_size: 1}]}
""")
    invokes = [r for r in server.requests if r.service == "lambda" and "remediate" in r.path]
    assert len(invokes) == 2 and all(r.path.endswith("/functions/remediate/invocations") for r in invokes)


def test_post_finding_to_security_hub(aws, cli, write_policies):
    ec2 = aws("ec2")
    bad = launch(ec2, 1, {"Env": "dev"})[0]
    launch(ec2, 1, {"Env": "prod"})
    text = """
policies:
  - name: dev-in-prod-account
    description: Development instances must not run here
    resource: aws.ec2
    filters: [{"tag:Env": dev}]
    actions:
      - type: post-finding
        types: ["Software and Configuration Checks/AWS Security Best Practices"]
        severity_label: HIGH
        compliance_status: FAILED
"""
    run(cli, write_policies, text)
    run(cli, write_policies, text)  # a second run updates the same finding
    findings = aws("securityhub").get_findings()["Findings"]
    assert len(findings) == 1
    finding = findings[0]
    assert finding["Resources"][0]["Id"].endswith(f"instance/{bad}")
    assert finding["Resources"][0]["Type"] == "AwsEc2Instance"
    assert finding["Severity"]["Label"] == "HIGH" and finding["Compliance"]["Status"] == "FAILED"
    assert finding["Title"] == "dev-in-prod-account"
    assert finding["Description"] == "Development instances must not run here"


def test_integrations_dry_run_sends_nothing(aws, cli, write_policies, server, http_sink):
    url, received, _ = http_sink
    launch(aws("ec2"), 1)
    server.reset_log()
    result = cli("run", "--dryrun", write_policies(f"""
policies:
  - name: all
    resource: aws.ec2
    actions:
      - {{type: put-metric, key: InstanceId, namespace: N, metric_name: M}}
      - {{type: webhook, url: "{url}/x"}}
      - {{type: invoke-lambda, function: f}}
      - {{type: post-finding, types: [x]}}
"""))
    assert result.exit_code == 0, result.output
    assert server.writes() == [] and received == []
    plan = json.loads((result.output_dir / "all" / "plan.json").read_text())
    assert [a["action"] for a in plan] == ["put-metric", "webhook", "invoke-lambda", "post-finding"]


def _machine(aws, name):
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
    return aws("stepfunctions").create_state_machine(
        name=name, definition=definition, roleArn="arn:aws:iam::123456789012:role/sfn")["stateMachineArn"]


def _inputs(aws, arn):
    sfn = aws("stepfunctions")
    found = sfn.list_executions(stateMachineArn=arn)["executions"]
    return [json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"]) for e in found]


def test_invoke_sfn_per_resource_and_in_bulk(aws, cli, write_policies):
    one = _machine(aws, "PerBucket")
    bulk = _machine(aws, "LogIngestSetup")
    s3 = aws("s3")
    for name in ("bkt1", "bkt2", "bkt3"):
        s3.create_bucket(Bucket=name)
    run(cli, write_policies, f"""
policies:
  - name: each
    resource: aws.s3
    filters: [{{type: value, key: Name, op: in, value: [bkt1, bkt2]}}]
    actions: [{{type: invoke-sfn, state-machine: {one}}}]
  - name: invoke-step-function
    resource: s3
    actions: [{{type: invoke-sfn, bulk: true, batch-size: 2, state-machine: LogIngestSetup, policy: false}}]
""")
    each = _inputs(aws, one)
    assert sorted(i["resource"]["Name"] for i in each) == ["bkt1", "bkt2"]
    assert {i["policy"]["name"] for i in each} == {"each"}
    batches = _inputs(aws, bulk)
    assert sorted(len(i["resources"]) for i in batches) == [1, 2]
    assert sorted(a for i in batches for a in i["resources"]) == [f"arn:aws:s3:::bkt{n}" for n in (1, 2, 3)]
    assert all("policy" not in i for i in batches)


def test_invoke_sfn_dry_run_starts_nothing(aws, cli, write_policies):
    arn = _machine(aws, "Quiet")
    aws("s3").create_bucket(Bucket="bkt1")
    result = cli("run", "--dryrun", write_policies("""
policies:
  - {name: quiet, resource: aws.s3, actions: [{type: invoke-sfn, state-machine: Quiet}]}
"""))
    assert result.exit_code == 0, result.output
    assert _inputs(aws, arn) == []
