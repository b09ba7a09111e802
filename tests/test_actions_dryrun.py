"""A dry run of every action plans calls and sends no write."""
from __future__ import annotations

import json

from tests.test_actions_ec2 import launch
from tests.test_actions_iot import device
from tests.write_detector import writes

POLICIES = """
policies:
  - {name: p-tag, resource: ec2, actions: [{type: tag, key: Owner, value: alice}]}
  - {name: p-rename, resource: ec2, actions: [{type: rename-tag, old_key: team, new_key: Team}]}
  - {name: p-remove, resource: ec2, actions: [{type: remove-tag, tags: [team]}]}
  - {name: p-start, resource: ec2, actions: [start]}
  - {name: p-terminate, resource: ec2, actions: [{type: terminate, force: true}]}
  - {name: p-autotag, resource: ec2, actions: [auto-tag-user]}
  - {name: p-set-active, resource: aws.iot-certificate, actions: [set-active]}
  - {name: p-unquarantine, resource: aws.iot, actions: [unquarantine]}
"""


def test_dry_run_of_every_action_sends_no_write(aws, cli, write_policies, server):
    ec2, iot = aws("ec2"), aws("iot")
    stopped = launch(ec2, 1, {"team": "red"})[0]
    ec2.stop_instances(InstanceIds=[stopped])
    protected = launch(ec2, 1, {"team": "red"})[0]
    ec2.modify_instance_attribute(InstanceId=protected, DisableApiTermination={"Value": True})
    cert_id, _ = device(iot, "rogue")
    iot.update_certificate(certificateId=cert_id, newStatus="INACTIVE")
    quarantine = cli("run", write_policies("""
policies:
  - {name: q, resource: aws.iot, actions: [quarantine]}
""", "q.yml"))
    assert quarantine.exit_code == 0, quarantine.output

    server.reset_log()
    result = cli("run", "--dryrun", write_policies(POLICIES))
    assert result.exit_code == 0, result.output
    assert writes(server) == []
    for name in ("p-tag", "p-rename", "p-remove", "p-start", "p-terminate", "p-autotag", "p-set-active",
                 "p-unquarantine"):
        plan = json.loads((result.output_dir / name / "plan.json").read_text())
        assert plan and plan[0]["calls"], name
    terminate = json.loads((result.output_dir / "p-terminate" / "plan.json").read_text())[0]["calls"]
    assert [c["operation"] for c in terminate] == ["modify_instance_attribute", "terminate_instances"]
    unq = json.loads((result.output_dir / "p-unquarantine" / "plan.json").read_text())[0]["calls"]
    # the certificate was already INACTIVE before the quarantine: it stays so
    assert [c["operation"] for c in unq] == ["attach_policy", "remove_thing_from_thing_group", "update_thing"]
