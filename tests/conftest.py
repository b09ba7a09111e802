"""A moto server for the whole session, reached over real HTTP on loopback.

Each test starts from an empty account (moto's reset) and an empty request log.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner

from c7n_lite.sandbox import RecordingMotoServer, use_fake_credentials

REGION = "us-east-1"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def moto_server():
    use_fake_credentials()
    os.environ["AWS_DEFAULT_REGION"] = REGION
    server = RecordingMotoServer().start()
    os.environ["AWS_ENDPOINT_URL"] = server.endpoint
    yield server
    server.stop()
    os.environ.pop("AWS_ENDPOINT_URL", None)


@pytest.fixture
def server(moto_server):
    """The moto server, emptied: no resources, no recorded requests."""
    moto_server.reset_state()
    moto_server.reset_log()
    moto_server.hooks.clear()
    return moto_server


@pytest.fixture
def aws(server):
    """boto3 clients on the moto server: aws('ec2')."""
    def client(service, region=REGION):
        return boto3.client(service, region_name=region, endpoint_url=server.endpoint)
    return client


@pytest.fixture
def write_policies(tmp_path):
    """Write a YAML policy file and return its path."""
    def write(text, name="policies.yml"):
        path = tmp_path / name
        path.write_text(text)
        return str(path)
    return write


class CliResult:
    def __init__(self, result, output_dir):
        self.exit_code = result.exit_code
        self.output = result.output
        self.stderr = result.stderr if hasattr(result, "stderr") else ""
        self.output_dir = Path(output_dir)
        self.exception = result.exception

    def resources(self, policy, region=None):
        base = self.output_dir / region if region else self.output_dir
        return json.loads((base / policy / "resources.json").read_text())

    def metadata(self, policy, region=None):
        base = self.output_dir / region if region else self.output_dir
        return json.loads((base / policy / "metadata.json").read_text())

    def all_errored(self, policy, region=None):
        """Every resource of the policy is errored (its read failed): none matched, none passed."""
        counts = self.metadata(policy, region)["counts"]
        return counts["evaluated"] > 0 and counts["errored"] == counts["evaluated"] and \
            counts["passed"] == counts["matched"] == 0

    def ids(self, policy, key):
        return sorted(r[key] for r in self.resources(policy))


@pytest.fixture
def cli(tmp_path):
    """Run the c7n-lite CLI in-process: cli('run', '--dryrun', path)."""
    from c7n_lite.cli import main

    def invoke(*args, output_dir=None):
        args = list(args)
        out = output_dir or str(tmp_path / "out")
        if args and args[0] == "run" and "-s" not in args:
            args[1:1] = ["-s", out]
        result = CliRunner().invoke(main, args, catch_exceptions=True)
        return CliResult(result, out)
    return invoke
