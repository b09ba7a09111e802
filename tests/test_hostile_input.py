"""Hostile or mistaken input gets one located line, never a traceback, a hang or a
file written where it should not be: policy names, YAML aliases and nesting,
regions, invoke's event file, gc/invoke without credentials or endpoint."""
from __future__ import annotations

import json
import time

import pytest

from c7n_lite.loader import MAX_DEPTH, MAX_VALUES
from c7n_lite.preflight import NO_CREDENTIALS, SANDBOX_HINT

PULL = "policies:\n  - name: {name}\n    resource: aws.ec2\n"
# moto builds an EC2 backend per region slowly (~2 s): SNS is quick, for runs in many regions.
CHEAP = "policies:\n  - name: {name}\n    resource: aws.sns\n"
LAMBDA = PULL + "    mode: {{type: periodic, schedule: 'rate(1 day)'}}\n"


def lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


def test_a_name_with_a_trailing_newline_is_refused(cli, write_policies):
    path = write_policies('policies:\n  - name: "ok-name\\n"\n    resource: aws.ec2\n')
    result = cli("validate", path)
    assert result.exit_code == 1
    assert lines(result) == [
        f"{path}:2: policy 'ok-name\\n': invalid name 'ok-name\\n': use letters, digits, '-' or '_', "
        "starting with a letter",
        "1 error(s) found"]


def test_validate_refuses_a_lambda_name_deploy_could_not_create(cli, write_policies):
    fits, too_long = "a" * 54, "b" * 55       # custodian-<name>: 64 characters at most
    path = write_policies(LAMBDA.format(name=fits) + LAMBDA.format(name=too_long)[len("policies:\n"):])
    result = cli("validate", path)
    assert result.exit_code == 1
    assert lines(result) == [
        f"{path}:5: policy '{too_long}': name is 55 characters long: at most 54 for a Lambda policy "
        "(its function 'custodian-<name>' has at most 64)",
        "1 error(s) found"]
    # deploy reads the same file through the same validation: it refuses before any call.
    assert cli("deploy", "--dryrun", path).exit_code == 1
    # A function-prefix changes the budget; a pull policy only needs a file name.
    prefixed = write_policies(LAMBDA.format(name="c" * 63).replace("type: periodic", "type: periodic, "
                                                                   "function-prefix: x-"), "prefixed.yml")
    assert "at most 62 for a Lambda policy (its function 'x-<name>'" in cli("validate", prefixed).output
    assert cli("validate", write_policies(PULL.format(name="d" * 200), "pull.yml")).exit_code == 0
    result = cli("validate", write_policies(PULL.format(name="e" * 256), "huge.yml"))
    assert lines(result)[0].endswith(": name is 256 characters long: at most 255 (it names the output directory)")


def alias_bomb() -> str:
    text = ['vars:', '  a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        text.append(f"  a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(text) + "\n" + PULL.format(name="bomb")


def test_an_alias_bomb_is_refused_at_once_with_its_line(cli, write_policies):
    path = write_policies(alias_bomb())
    started = time.monotonic()
    result = cli("validate", path)
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    # 9**6 values under a5 (line 7): the first anchor over the cap.
    assert lines(result) == [f"{path}:7: YAML aliases expand to more than {MAX_VALUES:,} values here: "
                             "refused (an alias bomb?)", "1 error(s) found"]
    run = cli("run", "--dryrun", path)
    assert run.exit_code == 1 and "alias bomb" in run.output and "Traceback" not in run.output


def test_aliases_within_the_cap_still_work(cli, write_policies):
    path = write_policies("vars:\n  running: &running {State.Name: running}\n"
                          + PULL.format(name="p") + "    filters:\n      - *running\n")
    assert cli("validate", path).exit_code == 0


def test_a_big_file_without_aliases_is_not_a_bomb(cli, write_policies):
    owners = ",".join(f'"{i:012d}"' for i in range(MAX_VALUES + 1000))
    path = write_policies(PULL.format(name="p") + f"    filters:\n      - {{type: value, key: OwnerId, "
                          f"op: in, value: [{owners}]}}\n")
    assert cli("validate", path).exit_code == 0


def test_deep_nesting_is_one_line_not_a_recursion_error(cli, write_policies):
    nested = "{tag:x: absent}"
    for _ in range(200):
        nested = "{or: [" + nested + "]}"
    path = write_policies(PULL.format(name="deep") + f"    filters:\n      - {nested}\n")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert lines(result) == [f"{path}:5: nested more than {MAX_DEPTH} levels deep", "1 error(s) found"]
    # 25 nested blocks (52 levels with the policy around them) are fine.
    nested = "{tag:x: absent}"
    for _ in range(25):
        nested = "{or: [" + nested + "]}"
    ok = write_policies(PULL.format(name="deep") + f"    filters:\n      - {nested}\n", "ok.yml")
    assert cli("validate", ok).exit_code == 0


def test_a_recursive_alias_is_refused(cli, write_policies):
    path = write_policies("vars:\n  loop: &loop [1, *loop]\n" + PULL.format(name="p"))
    result = cli("validate", path)
    assert lines(result)[0] == f"{path}:2: YAML alias refers to itself: a policy file cannot be recursive"


@pytest.mark.parametrize("region, message", [
    ("../../x", "unknown region '../../x'"),
    ("us-eats-1", "unknown region 'us-eats-1' (did you mean 'us-east-1'?)"),
    ("us-east-1\x1b[31m", "unknown region 'us-east-1\\x1b[31m' (did you mean 'us-east-1'?)"),
])
def test_an_unknown_region_is_refused_before_anything_is_written(server, cli, write_policies, tmp_path,
                                                                 region, message):
    out = tmp_path / "deep" / "out"
    path = write_policies(PULL.format(name="p"))
    before = sorted(p.name for p in tmp_path.iterdir())
    result = cli("run", "--dryrun", "-r", "us-east-1", "-r", region, path, output_dir=str(out))
    assert result.exit_code == 2
    assert lines(result) == [message]
    assert sorted(p.name for p in tmp_path.iterdir()) == before      # nothing created, not even -s
    assert server.requests == []


def test_regions_of_other_partitions_are_known(server, cli, write_policies):
    # cn-north-1 is a real region (aws-cn partition): accepted, and tried.
    result = cli("run", "--dryrun", "-r", "cn-north-1", "-r", "us-gov-west-1", write_policies(CHEAP.format(name="p")))
    assert "unknown region" not in result.output
    assert "cn-north-1" in result.output and "us-gov-west-1" in result.output


def test_region_all_is_every_enabled_region(server, cli, write_policies, aws):
    enabled = sorted(r["RegionName"] for r in aws("ec2").describe_regions()["Regions"]
                     if r["OptInStatus"] != "not-opted-in")
    opted_out = [r["RegionName"] for r in aws("ec2").describe_regions()["Regions"]
                 if r["OptInStatus"] == "not-opted-in"]
    assert opted_out, "moto lists opt-in regions as not-opted-in"
    # An event policy is skipped in each region without a call: the run shows the regions, quickly.
    event_policy = CHEAP.format(name="p") + "    mode: {type: cloudtrail, events: [CreateTopic]}\n"
    result = cli("run", "--dryrun", "-r", "all", write_policies(event_policy))
    assert result.exit_code == 0, result.output
    shown = [line.split()[2] for line in lines(result) if line.startswith("p ")]
    assert shown == enabled
    assert "us-east-1" in shown and "eu-west-1" in shown


def test_region_all_without_credentials_is_one_line(server, cli, write_policies, monkeypatch, tmp_path):
    no_credentials(monkeypatch, tmp_path)
    result = cli("run", "--dryrun", "-r", "all", write_policies(PULL.format(name="p")))
    assert result.exit_code == 2
    # The credentials are checked before the regions are listed (tests/test_preflight.py).
    assert lines(result) == [NO_CREDENTIALS + SANDBOX_HINT]


def no_credentials(monkeypatch, tmp_path) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_gc_without_credentials_is_one_line(server, cli, write_policies, monkeypatch, tmp_path):
    no_credentials(monkeypatch, tmp_path)
    result = cli("gc", write_policies(LAMBDA.format(name="p")))
    assert result.exit_code == 1
    assert lines(result) == ["gc: Unable to locate credentials (configure credentials: AWS_PROFILE, "
                             "AWS_ACCESS_KEY_ID, ~/.aws/credentials or a role)"]


def test_gc_without_an_endpoint_is_one_line(server, cli, write_policies, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")      # nothing listens on port 9
    monkeypatch.setattr("c7n_lite.aws.session.DEFAULT_MAX_ATTEMPTS", 0)
    result = cli("gc", write_policies(LAMBDA.format(name="p")))
    assert result.exit_code == 1
    assert lines(result) == ['gc: Could not connect to the endpoint URL: "http://127.0.0.1:9/"']


def test_gc_with_an_unknown_region_is_refused(server, cli, write_policies):
    result = cli("gc", "-r", "eu-wset-1", write_policies(LAMBDA.format(name="p")))
    assert result.exit_code == 2
    assert lines(result) == ["unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)"]
    assert server.requests == []


@pytest.mark.parametrize("content, message", [
    ("[1, 2]", "an event must be a JSON object, got a list"),
    ('"text"', "an event must be a JSON object, got a string"),
    ("{not json", "not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
])
def test_invoke_with_an_event_that_is_not_an_object(server, cli, write_policies, tmp_path, content, message):
    event = tmp_path / "event.json"
    event.write_text(content)
    result = cli("invoke", write_policies(LAMBDA.format(name="p")), "-p", "p", "--event", str(event))
    assert result.exit_code == 1
    assert lines(result) == [f"{event}: {message}"]


def test_invoke_without_credentials_is_one_line(server, cli, write_policies, tmp_path, monkeypatch):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"source": "aws.events"}))
    no_credentials(monkeypatch, tmp_path)
    result = cli("invoke", write_policies(LAMBDA.format(name="p")), "-p", "p", "--event", str(event))
    assert result.exit_code == 1
    assert lines(result) == ["invoke: no AWS credentials (configure credentials: AWS_PROFILE, AWS_ACCESS_KEY_ID, "
                             "~/.aws/credentials or a role)"]


def test_a_trailing_newline_in_a_schedule_or_prefix_is_refused(cli, write_policies):
    path = write_policies(PULL.format(name="p") +
                          '    mode: {type: periodic, schedule: "rate(1 day)\\n", function-prefix: "x\\n"}\n')
    result = cli("validate", path)
    assert result.exit_code == 1
    assert sorted(lines(result)[:-1]) == [
        f"{path}:4: policy 'p': mode: function-prefix 'x\\n': use letters, digits, '-' or '_'",
        f"{path}:4: policy 'p': mode: schedule 'rate(1 day)\\n': expected rate(N unit) or cron(min hour day month "
        "weekday year)"]
