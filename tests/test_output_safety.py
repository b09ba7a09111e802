"""Output files are safe to write and to trust: nothing planted in the output
directory is followed, a file that cannot be written is that policy's error (the
run goes on), and a rerun leaves no file of the other kind (plan vs action results)."""
from __future__ import annotations

import json
import os

POLICIES = """\
policies:
  - name: vols
    resource: aws.ebs
  - name: topics
    resource: aws.sns
"""
TAGGING = """\
policies:
  - name: vols
    resource: aws.ebs
    actions:
      - {type: tag, key: Checked, value: "yes"}
"""


def policy_line(result, name):
    return next(line for line in result.output.splitlines() if line.startswith(name + " "))


def test_symlinks_planted_for_files_are_replaced_not_followed(server, aws, cli, write_policies, tmp_path):
    aws("ec2").create_volume(AvailabilityZone="us-east-1a", Size=1)
    out = tmp_path / "out"
    (out / "vols").mkdir(parents=True)
    victims = {}
    for name in ("resources.json", "metadata.json", "custodian-run.log", "plan.json"):
        victim = tmp_path / f"victim-{name}"
        victim.write_text("precious\n")
        (out / "vols" / name).symlink_to(victim)
        victims[name] = victim
    result = cli("run", "--dryrun", write_policies(POLICIES), output_dir=str(out))
    assert result.exit_code == 0, result.output
    for name, victim in victims.items():
        assert victim.read_text() == "precious\n", f"{name} was written through the link"
        assert not (out / "vols" / name).is_symlink()
    assert len(result.resources("vols")) == 1
    assert "policy vols" in (out / "vols" / "custodian-run.log").read_text()
    assert oct((out / "vols" / "resources.json").stat().st_mode & 0o777) == "0o644"
    assert not [p.name for p in (out / "vols").iterdir() if p.name.endswith(".tmp")]


def test_a_policy_directory_that_is_a_symlink_is_that_policys_error(server, cli, write_policies, tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "vols").symlink_to(elsewhere, target_is_directory=True)
    result = cli("run", "--dryrun", write_policies(POLICIES), output_dir=str(out))
    assert result.exit_code == 1
    assert list(elsewhere.iterdir()) == []
    assert policy_line(result, "vols").rstrip().endswith("FAILED")
    assert f"    error (output): cannot write {out / 'vols'}: it is a symbolic link (not followed)" \
        in result.output.splitlines()
    assert policy_line(result, "topics").rstrip().endswith("ok")           # the run went on
    assert result.metadata("topics")["errors"] == []
    assert "Traceback" not in result.output


def test_a_file_that_cannot_be_written_is_recorded_and_the_run_goes_on(server, aws, cli, write_policies, tmp_path):
    aws("ec2").create_volume(AvailabilityZone="us-east-1a", Size=1)
    out = tmp_path / "out"
    (out / "vols" / "resources.json").mkdir(parents=True)     # a directory where the file goes
    result = cli("run", "--dryrun", write_policies(POLICIES), output_dir=str(out))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    message = f"cannot write {out / 'vols' / 'resources.json'}: Is a directory"
    assert f"    error (output): {message}" in result.output.splitlines()
    assert result.metadata("vols")["errors"] == [{"stage": "output", "error": message}]
    assert policy_line(result, "topics").rstrip().endswith("ok")
    assert "2 policies, 1 resource matched, 1 FAILED" in result.output
    assert not [p.name for p in (out / "vols").iterdir() if p.name.endswith(".tmp")]


def test_a_rerun_removes_the_other_kind_of_result(server, aws, cli, write_policies, tmp_path):
    aws("ec2").create_volume(AvailabilityZone="us-east-1a", Size=1)
    path, out = write_policies(TAGGING), tmp_path / "out"
    dry = cli("run", "--dryrun", path, output_dir=str(out))
    assert dry.exit_code == 0 and (out / "vols" / "plan.json").exists()
    real = cli("run", path, output_dir=str(out))
    assert real.exit_code == 0, real.output
    names = sorted(p.name for p in (out / "vols").iterdir())
    assert "plan.json" not in names and "action-tag.json" in names
    assert json.loads((out / "vols" / "action-tag.json").read_text())[0]["status"] == "done"
    again = cli("run", "--dryrun", path, output_dir=str(out))
    assert again.exit_code == 0
    names = sorted(p.name for p in (out / "vols").iterdir())
    assert "plan.json" in names and not [n for n in names if n.startswith("action-")]


def test_an_unwritable_output_root_is_one_line_per_policy(server, cli, write_policies, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = cli("run", "--dryrun", write_policies(POLICIES), output_dir=str(blocker))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("    error (output):")]
    assert errors == [f"    error (output): cannot write {blocker / name}: {blocker} is not a directory"
                      for name in ("vols", "topics")]
    assert os.path.isfile(blocker)
