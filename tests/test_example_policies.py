"""Every example policy in policies/ runs against the sandbox's demo account.

The demo account is seeded so that each scan policy finds something; event
policies (cloudtrail, ec2-instance-state) run through the packaged handler in
tests/test_handler.py and are only checked here to be skipped by `run`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from c7n_lite.registry import load_all, modes
from c7n_lite.sandbox_seed import seed_demo_account
from c7n_lite.schema import load_policies
from tests.moto_gaps import NOTHING_PASSES_IN_MOTO
from tests.write_detector import writes

POLICIES = Path(__file__).resolve().parent.parent / "policies"
SPECS, ERRORS = load_policies([str(POLICIES)])
# Types with one resource per account and region.
ONE_PER_REGION = ("aws.account", "account")


def test_example_policies_are_valid():
    assert ERRORS == []
    assert len(SPECS) >= 10


@pytest.fixture(scope="module")
def sandbox_run(moto_server, tmp_path_factory):
    from click.testing import CliRunner

    from c7n_lite.cli import main
    moto_server.reset_state()
    seed_demo_account(moto_server.endpoint, "us-east-1")
    moto_server.reset_log()
    out = tmp_path_factory.mktemp("examples")
    result = CliRunner().invoke(main, ["run", "--dryrun", "-s", str(out), str(POLICIES)])
    sent = writes(moto_server)
    moto_server.reset_state()
    return result, out, sent


def test_sandbox_dry_run_of_all_examples_succeeds_and_writes_nothing(sandbox_run):
    result, _, writes = sandbox_run
    assert result.exit_code == 0, result.output
    assert writes == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_each_example_policy_finds_something_in_the_demo_account(spec, sandbox_run):
    load_all()
    result, out, _ = sandbox_run
    mode = modes.get((spec.data.get("mode") or {}).get("type", "pull"))
    if mode.event_driven:
        assert f"{spec.name}" in result.output and "skipped" in result.output
        return
    import json
    matched = json.loads((out / spec.name / "resources.json").read_text())
    meta = json.loads((out / spec.name / "metadata.json").read_text())
    assert meta["errors"] == []
    assert matched, f"{spec.name} matched nothing in the demo account"
    if spec.data["resource"] in ONE_PER_REGION:
        return   # one account: it complies or not, never both
    if spec.name in NOTHING_PASSES_IN_MOTO:
        return
    assert meta["counts"]["evaluated"] > len(matched), \
        f"{spec.name} matched every resource: the demo needs a compliant one"


def test_a_real_sandbox_run_of_every_example_is_clean(moto_server, tmp_path):
    """The README's "try it" with actions on: every example policy runs for real
    against the demo account, and none fails (gone resources are not failures)."""
    from click.testing import CliRunner

    from c7n_lite.cli import main
    moto_server.reset_state()
    seed_demo_account(moto_server.endpoint, "us-east-1")
    moto_server.reset_log()
    result = CliRunner().invoke(main, ["run", "-s", str(tmp_path / "real"), str(POLICIES)])
    changed = writes(moto_server)
    moto_server.reset_state()
    assert result.exit_code == 0, result.output
    assert "FAILED" not in result.output
    assert changed, "the remediation examples changed nothing"
