"""offhour / onhour with Custodian's tag-driven schedules, on EC2 instances and
EBS volumes, at a pinned "now" (C7N_LITE_NOW)."""
from __future__ import annotations

import pytest
import yaml

from c7n_lite.filters.offhours import get_tz, parse_times
from tests.test_actions_ec2 import launch

# Wednesday 2030-01-09 19:00 in New York (ET) is 00:00 UTC on Thursday.
WED_7PM_ET = "2030-01-10T00:00:00Z"
# Saturday 2030-01-12 07:00 ET.
SAT_7AM_ET = "2030-01-12T12:00:00Z"


@pytest.fixture
def run(cli, write_policies, monkeypatch):
    def go(text, key, now):
        monkeypatch.setenv("C7N_LITE_NOW", now)
        result = cli("run", "--dryrun", write_policies(text))
        assert result.exit_code == 0, result.output
        names = [p["name"] for p in yaml.safe_load(text)["policies"]]
        return {n: result.ids(n, key) for n in names}
    return go


POLICIES = """
policies:
  - name: off-hours
    resource: {resource}
    filters: [{{type: offhour, offhour: 19, default_tz: et, tag: maid_offhours}}]
  - name: off-opt-out
    resource: {resource}
    filters: [{{type: offhour, offhour: 19, default_tz: et, opt-out: true}}]
  - name: on-hours
    resource: {resource}
    filters: [{{type: onhour, onhour: 7, default_tz: et}}]
  - name: off-skipped
    resource: {resource}
    filters: [{{type: offhour, offhour: 19, default_tz: et, skip-days: ["2030-01-09"]}}]
  - name: off-fallback
    resource: {resource}
    filters: [{{type: offhour, offhour: 19, default_tz: et, fallback-schedule: "off=(M-F,19);tz=et"}}]
"""


def test_offhours_on_instances(aws, run):
    ec2 = aws("ec2")
    (default,) = launch(ec2, 1, {"maid_offhours": ""})
    (pacific,) = launch(ec2, 1, {"Maid_Offhours": "tz=pt"})            # 16:00 there: not yet
    (own,) = launch(ec2, 1, {"maid_offhours": "off=[(M-F,19),(U,18)];on=(M-F,8);tz=et"})
    (opted_out,) = launch(ec2, 1, {"maid_offhours": "off"})
    (untagged,) = launch(ec2, 1)
    (bad,) = launch(ec2, 1, {"maid_offhours": "off=(X,19)"})
    found = run(POLICIES.format(resource="ec2"), "InstanceId", WED_7PM_ET)
    assert found["off-hours"] == sorted([default, own])
    assert pacific not in found["off-hours"] and opted_out not in found["off-hours"] and bad not in found["off-hours"]
    assert found["off-opt-out"] == sorted([default, own, untagged])
    assert found["on-hours"] == [] and found["off-skipped"] == []
    assert found["off-fallback"] == sorted([default, own, untagged])


def test_weekends_and_on_hours_on_volumes(aws, run):
    ec2 = aws("ec2")

    def volume(**tags):
        spec = [{"ResourceType": "volume", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]
        return ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, TagSpecifications=spec)["VolumeId"]

    default = volume(maid_offhours="")
    weekend = volume(maid_offhours="on=(S,7);off=(S,19)")
    found = run("""
policies:
  - name: on-weekdays
    resource: ebs
    filters: [{type: onhour, onhour: 7, default_tz: et}]
  - name: on-every-day
    resource: ebs
    filters: [{type: onhour, onhour: 7, default_tz: et, weekends: false}]
  - name: on-after-weekend
    resource: ebs
    filters: [{type: onhour, onhour: 7, default_tz: et, weekends-only: true}]
""", "VolumeId", SAT_7AM_ET)
    assert found["on-weekdays"] == [weekend]           # its own schedule says Saturday
    assert found["on-every-day"] == sorted([default, weekend])
    assert found["on-after-weekend"] == [weekend]      # weekends-only turns on on Monday


def test_schedule_parsing_and_time_zones(cli, write_policies):
    assert parse_times("(m-f,19)") == [{"days": [0, 1, 2, 3, 4], "hour": 19}]
    assert parse_times("[(f-m,21),(u,18)]") == [{"days": [4, 5, 6, 0], "hour": 21}, {"days": [6], "hour": 18}]
    assert parse_times("(m-f,25)") is None
    assert get_tz("pt") is not None and get_tz("america/new_york") is not None and get_tz("nowhere") is None
    result = cli("validate", write_policies("""
policies:
  - name: bad-tz
    resource: ec2
    filters: [{type: offhour, offhour: 19, default_tz: mars}]
  - name: defaults
    resource: ec2
    filters: [offhour, {type: onhour}]
"""))
    assert result.exit_code == 1
    assert "unknown time zone 'mars'" in result.output and "defaults" not in result.output
