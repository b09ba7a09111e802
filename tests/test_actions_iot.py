"""IoT: certificate status, and quarantine / unquarantine read back from the account."""
from __future__ import annotations

import json

from tests.write_detector import writes

POLICY_DOC = json.dumps({"Version": "2012-10-17",
                         "Statement": [{"Effect": "Allow", "Action": "iot:*", "Resource": "*"}]})


def device(iot, name, policies=("device-policy",)):
    iot.create_thing(thingName=name)
    cert = iot.create_keys_and_certificate(setAsActive=True)
    iot.attach_thing_principal(thingName=name, principal=cert["certificateArn"])
    for p in policies:
        try:
            iot.create_policy(policyName=p, policyDocument=POLICY_DOC)
        except iot.exceptions.ResourceAlreadyExistsException:
            pass
        iot.attach_policy(policyName=p, target=cert["certificateArn"])
    return cert["certificateId"], cert["certificateArn"]


def status(iot, cert_id):
    return iot.describe_certificate(certificateId=cert_id)["certificateDescription"]["status"]


def attached(iot, arn):
    return sorted(p["policyName"] for p in iot.list_attached_policies(target=arn)["policies"])


def group_members(iot, group):
    try:
        return iot.list_things_in_thing_group(thingGroupName=group)["things"]
    except iot.exceptions.ResourceNotFoundException:
        return None


def test_set_inactive_then_active(aws, cli, write_policies):
    iot = aws("iot")
    cert_id, _ = device(iot, "sensor")
    off = cli("run", write_policies("""
policies:
  - name: certs-off
    resource: aws.iot-certificate
    actions: [set-inactive]
""", "off.yml"))
    assert off.exit_code == 0, off.output
    assert status(iot, cert_id) == "INACTIVE"
    on = cli("run", write_policies("""
policies:
  - name: certs-on
    resource: aws.iot-certificate
    actions: [set-active]
""", "on.yml"))
    assert on.exit_code == 0, on.output
    assert status(iot, cert_id) == "ACTIVE"


QUARANTINE = """
policies:
  - name: isolate
    resource: aws.iot
    filters: [{thingName: rogue}]
    actions: [quarantine]
"""
UNQUARANTINE = """
policies:
  - name: release
    resource: aws.iot
    filters: [{thingName: rogue}]
    actions: [unquarantine]
"""


def test_quarantine_isolates_the_thing_and_unquarantine_restores_it(aws, cli, write_policies):
    iot = aws("iot")
    cert_id, arn = device(iot, "rogue", ("device-policy", "telemetry"))
    good_cert, good_arn = device(iot, "good")
    result = cli("run", write_policies(QUARANTINE, "q.yml"))
    assert result.exit_code == 0, result.output
    assert group_members(iot, "c7n-quarantine") == ["rogue"]
    assert status(iot, cert_id) == "INACTIVE" and attached(iot, arn) == []
    assert "c7n-quarantined" in iot.describe_thing(thingName="rogue")["attributes"]
    # the other device is untouched
    assert status(iot, good_cert) == "ACTIVE" and attached(iot, good_arn) == ["device-policy"]

    again = cli("run", write_policies(QUARANTINE, "q.yml"))
    assert "already quarantined" in again.output

    back = cli("run", write_policies(UNQUARANTINE, "u.yml"))
    assert back.exit_code == 0, back.output
    assert status(iot, cert_id) == "ACTIVE"
    assert attached(iot, arn) == ["device-policy", "telemetry"]
    assert group_members(iot, "c7n-quarantine") == []
    assert "c7n-quarantined" not in iot.describe_thing(thingName="rogue").get("attributes", {})


def test_quarantine_dry_run_plans_the_group_and_every_step(aws, cli, write_policies, server):
    iot = aws("iot")
    device(iot, "rogue")
    server.reset_log()
    result = cli("run", "--dryrun", write_policies(QUARANTINE))
    assert result.exit_code == 0, result.output
    assert writes(server) == []
    for step in ("iot.create_thing_group", "iot.update_thing", "iot.add_thing_to_thing_group",
                 "iot.update_certificate", "iot.detach_policy"):
        assert f"would quarantine: {step} on rogue" in result.output


def test_unquarantine_skips_things_never_quarantined(aws, cli, write_policies):
    device(aws("iot"), "rogue")
    result = cli("run", write_policies(UNQUARANTINE))
    assert result.exit_code == 0
    assert "skipped rogue: not quarantined by c7n-lite" in result.output


def test_summary_counts_things_not_calls(aws, cli, write_policies):
    device(aws("iot"), "rogue", ("a", "b"))
    result = cli("run", write_policies(QUARANTINE))
    assert result.exit_code == 0, result.output
    assert "quarantine: done 1" in result.output
    assert result.metadata("isolate")["actions"][0]["done"] == 1
