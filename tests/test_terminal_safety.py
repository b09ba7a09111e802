"""Nothing from a resource (or a run file) reaches the terminal or a log raw:
control characters, CR/newlines, C1 controls and bidi overrides are escaped in the
run summary, the plan lines, the table report and log lines."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from c7n_lite.textsafe import safe
from tests.conftest import ROOT

HOSTILE = "denied\x1b[31m\r\nforged  aws.iot  ok\x07\u202eevil\u2066\x9b"
HOSTILE_SHOWN = "denied\\x1b[31m\\r\\nforged  aws.iot  ok\\x07\\u202eevil\\u2066\\x9b"
RAW = ("\x1b", "\x07", "\r", "\u202e", "\u2066", "\x9b", "\x85")


def assert_clean(text: str) -> None:
    for char in RAW:
        assert char not in text, f"raw {char!r} in output"


def iot_error(request):
    if request.operation == "ListThings" or request.path == "/things":
        body = json.dumps({"message": HOSTILE})
        return 400, body, "application/json"
    return None


def test_the_helper_escapes_controls_and_bidi_and_keeps_text():
    assert safe(HOSTILE) == HOSTILE_SHOWN
    assert safe("é 日本 – ok") == "é 日本 – ok"
    assert safe("a\tb\x00c\x7f\u2028") == "a\\tb\\x00c\\x7f\\u2028"


def test_a_hostile_error_message_is_escaped_in_the_summary_and_the_log(server, cli, write_policies):
    server.hooks.append(iot_error)
    path = write_policies("policies:\n  - name: things\n    resource: aws.iot\n")
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 1
    assert_clean(result.output)
    error_lines = [line for line in result.output.splitlines() if line.startswith("    error (resources):")]
    assert len(error_lines) == 1 and error_lines[0].endswith(HOSTILE_SHOWN)
    assert not any(line.startswith("forged") for line in result.output.splitlines())
    log = (result.output_dir / "things" / "custodian-run.log").read_text()
    assert_clean(log)
    assert HOSTILE_SHOWN in log
    assert not any(line.startswith("forged") for line in log.splitlines())
    # The record itself keeps the message as AWS sent it.
    assert HOSTILE in result.metadata("things")["errors"][0]["error"]


def test_log_lines_on_the_terminal_are_escaped(server, write_policies, tmp_path):
    """The CLI's own stderr handler (a subprocess: pytest owns the root logger in-process)."""
    server.hooks.append(iot_error)
    path = write_policies("policies:\n  - name: things\n    resource: aws.iot\n")
    env = dict(os.environ, AWS_ENDPOINT_URL=server.endpoint)
    proc = subprocess.run([sys.executable, str(ROOT / "cli.py"), "run", "--dryrun", "-s", str(tmp_path / "o"), path],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert_clean(proc.stderr + proc.stdout)
    logged = [line for line in proc.stderr.splitlines() if line.startswith("ERROR c7n_lite: policy things:")]
    assert len(logged) == 1 and logged[0].endswith(HOSTILE_SHOWN)


def test_tag_keys_in_plan_lines_are_escaped(server, aws, cli, write_policies):
    ec2 = aws("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    keys = ["Team\nforged-policy  aws.ebs us-east-1  evaluated 0  matched 0  ok", "\u202eevil", "x\x85y"]
    ec2.create_tags(Resources=[volume], Tags=[{"Key": k, "Value": "v"} for k in keys])
    path = write_policies("policies:\n  - name: snap\n    resource: aws.ebs\n    actions: [snapshot]\n")
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 0, result.output
    assert_clean(result.output)
    plan = [line for line in result.output.splitlines() if line.startswith("    would snapshot:")]
    assert len(plan) == 1
    assert "Team\\nforged-policy" in plan[0] and "\\u202eevil" in plan[0] and "x\\x85y" in plan[0]
    assert not any(line.startswith("forged") for line in result.output.splitlines())


def test_the_table_report_escapes_what_run_files_hold(server, cli, write_policies):
    path = write_policies("policies:\n  - name: vols\n    resource: aws.ebs\n"
                          "    metadata: {controls: [\"CIS-1\\e[2J\\u202e\"], severity: high}\n")
    run = cli("run", "--dryrun", path)
    assert run.exit_code == 0, run.output
    table = cli("report", str(run.output_dir)).output
    assert_clean(table)
    row = next(line for line in table.splitlines() if line.startswith("vols"))
    assert "CIS-1\\x1b[2J\\u202e" in row
