"""docs/getting-started.md cannot rot: every `c7n-lite …` command of its sh blocks
runs, in the order written, from a directory laid out like a checkout, and leaves
what the page says (exit code and files).  The files the page asks the reader to
save are saved from its yaml blocks.  The sandbox starts once for the page's
`--sandbox` commands (each would start its own, ~20 s each; they only read)."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from c7n_lite import sandbox
from c7n_lite.cli import main
from c7n_lite.preflight import NO_CREDENTIALS, SANDBOX_HINT
from c7n_lite.schema import load_policies
from tests.conftest import ROOT

DOC = ROOT / "docs" / "getting-started.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
SAVE = re.compile(r"save it as `([^`]+)`:\s*\n+```yaml\n(.*?)^```", re.M | re.S)


def commands(text: str) -> list[str]:
    """The `c7n-lite …` lines of the sh blocks, comments dropped."""
    found = []
    for lang, body in BLOCK.findall(text):
        if lang != "sh":
            continue
        for line in body.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "c7n-lite":
                found.append(" ".join(words))
    return found


def policy_names(path: Path) -> set[str]:
    specs, errors = load_policies([str(path)])
    assert errors == []
    return {s.name for s in specs}


def policy_dirs(cwd: Path, out: str, source: str) -> None:
    """Every policy of `source` left its records under `out`."""
    for name in policy_names(cwd / source):
        assert (cwd / out / name / "metadata.json").is_file(), name


def html(cwd: Path, result) -> None:
    page = (cwd / "report.html").read_text()
    assert page.lstrip().lower().startswith("<!doctype html") and "ebs-snapshot-publicly-restorable" in page


def table(cwd: Path, result) -> None:
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["POLICY", "SEVERITY"] and lines[-1].startswith("TOTAL")


def schema_file(cwd: Path, result) -> None:
    schema = json.loads((cwd / "c7n-lite.schema.json").read_text())
    assert schema["$schema"].startswith("http://json-schema.org/")
    # The page's own policy file is valid against the schema it exported.
    jsonschema.validate(yaml.safe_load((cwd / "my-policies.yml").read_text()), schema)


def my_run(cwd: Path, result) -> None:
    matched = json.loads((cwd / "out" / "big-public-instances" / "resources.json").read_text())
    assert matched and all(r.get("PublicIpAddress") for r in matched)


def prod_run(cwd: Path, result) -> None:
    for region in ("us-east-1", "eu-west-1"):
        policy_dirs(cwd, f"prod-out/{region}", "policies/compliance/s3.yml")


# Each command of the page, with the exit code it must end with and what it must leave.
EXPECTED = {
    "c7n-lite --version": (0, lambda cwd, r: re.match(r"^\d+\.\d+", r.stdout)),
    "c7n-lite run --dryrun --sandbox -s out policies/ec2.yml":
        (0, lambda cwd, r: policy_dirs(cwd, "out", "policies/ec2.yml")),
    "c7n-lite run --dryrun --sandbox -s audit policies/compliance/":
        (0, lambda cwd, r: policy_dirs(cwd, "audit", "policies/compliance")),
    "c7n-lite report audit -f html -o report.html": (0, html),
    "c7n-lite report audit": (0, table),
    "c7n-lite report audit --fail-on critical":
        (1, lambda cwd, r: "ebs-snapshot-publicly-restorable" in r.output),
    "c7n-lite schema --json > c7n-lite.schema.json": (0, schema_file),
    "c7n-lite validate my-policies.yml": (0, lambda cwd, r: "valid" in r.stdout),
    "c7n-lite run --dryrun --sandbox -s out my-policies.yml": (0, my_run),
    "c7n-lite run --dryrun --profile audit -r us-east-1 -r eu-west-1 -s prod-out policies/compliance/s3.yml":
        (0, prod_run),
}


class SharedSandbox:
    """The sandbox, started (and seeded) by the first `--sandbox` run, kept for the next."""

    def __init__(self) -> None:
        self.server = None
        self.starts = 0

    def start(self, seed: bool = True):
        self.starts += 1
        if self.server is None:
            self.server = REAL_START(seed)
        return self

    def __getattr__(self, name):
        return getattr(self.server, name)

    def stop(self) -> None:   # at the end of the test
        pass


REAL_START = sandbox.start_sandbox


def test_every_command_of_the_page_is_checked():
    assert commands(DOC.read_text()) == list(EXPECTED)


def test_the_page_shows_the_no_credentials_line_as_it_is():
    assert NO_CREDENTIALS + SANDBOX_HINT in DOC.read_text()


@pytest.fixture
def checkout(tmp_path, monkeypatch, server):
    """A directory with the checkout's policies/ and an `audit` profile (the moto
    server stands for the real account), as the current directory."""
    (tmp_path / "policies").symlink_to(ROOT / "policies")
    config = tmp_path / "aws-config"
    config.write_text(f"[profile audit]\naws_access_key_id = AKIAAUDIT\naws_secret_access_key = secret\n"
                      f"endpoint_url = {server.endpoint}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.chdir(tmp_path)
    shared = SharedSandbox()
    monkeypatch.setattr(sandbox, "start_sandbox", shared.start)
    yield tmp_path, shared
    if shared.server is not None:
        shared.server.stop()
    server.reset_state()


def test_the_walkthrough_runs_as_written(checkout):
    cwd, shared = checkout
    text = DOC.read_text()
    for name, body in SAVE.findall(text):
        (cwd / name).write_text(body)
    for command in commands(text):
        words = shlex.split(command)[1:]
        target = None
        if ">" in words:
            at = words.index(">")
            words, target = words[:at], words[at + 1]
        result = CliRunner().invoke(main, words, catch_exceptions=False)
        if target:
            (cwd / target).write_text(result.stdout)
        code, check = EXPECTED[command]
        assert result.exit_code == code, (command, result.output)
        assert "Traceback" not in result.output
        assert check(cwd, result) is not False, (command, result.output)
    assert shared.starts == 3 and shared.server is not None
