"""The value filter, case by case, against Cloud Custodian.

Every row of CASES (and COUNT_CASES) was run through Cloud Custodian 0.9.53's
filters on aws.ec2, with its clock pinned to NOW, and the last column is what
Custodian answered: the table is the spec.  A few deliberate differences (where
Custodian crashes or cannot parse a value) have their own tests at the end.

The unit tests use a resource manager whose session refuses every call: the
value filter never needs the API.  A few end-to-end tests run the CLI against
instances on the moto server.
"""
# ruff: noqa: E501 - one case per line reads best as a table
from __future__ import annotations

import copy
import datetime
import json

import jmespath
import pytest

import c7n_lite.filters.value  # noqa: F401 - registers the value filter
import c7n_lite.resources.ec2  # noqa: F401 - registers aws.ec2
from c7n_lite.filters.core import apply_filters, build_filters
from c7n_lite.registry import resources
from c7n_lite.resources.core import ResourceManager
from tests.write_detector import writes

NOW = datetime.datetime(2030, 6, 15, 12, 0, 0, tzinfo=datetime.timezone.utc)
OLD = "2030-04-16T12:00:00+00:00"     # 60 days before NOW
RECENT = "2030-06-05T12:00:00Z"       # 10 days before NOW
SOON = "2030-06-25T12:00:00+00:00"    # 10 days after NOW
LATER = "2030-09-13T12:00:00+00:00"   # 90 days after NOW
EPOCH_OLD = 1902225600                # 2030-04-11 (65 days before), seconds
EPOCH_OLD_MS = 1902225600000
TAGS = {"Tags": [{"Key": "Name", "Value": "web-1"}, {"Key": "Env", "Value": "prod"},
                 {"Key": "Meta", "Value": "team=core;delete_after=2030-06-20;x=1"}]}


def v(key, value, op=None, **extra):
    """A value filter: v("Size", 10, "gt", value_type="size")."""
    d = {"type": "value", "key": key, "value": value}
    if op:
        d["op"] = op
    d.update(extra)
    return d


# (name, filter, resource, does Custodian match it?)
CASES = [
    # --- eq and aliases
    ("eq-match", v("State", "running"), {"State": "running"}, True),
    ("eq-miss", v("State", "running"), {"State": "stopped"}, False),
    ("eq-explicit", v("State", "running", "eq"), {"State": "running"}, True),
    ("equal-alias", v("State", "running", "equal"), {"State": "running"}, True),
    ("eq-int-vs-str", v("Size", 5), {"Size": "5"}, False),
    ("eq-bool", v("EbsOptimized", False), {"EbsOptimized": False}, True),
    ("eq-bool-missing", v("EbsOptimized", False), {}, False),
    ("eq-case-sensitive", v("State", "Running"), {"State": "running"}, False),
    ("eq-list", v("Groups", ["a", "b"]), {"Groups": ["a", "b"]}, True),
    ("eq-missing", v("State", "running"), {}, False),
    # --- ne
    ("ne-match", v("State", "running", "ne"), {"State": "stopped"}, True),
    ("ne-miss", v("State", "running", "ne"), {"State": "running"}, False),
    ("not-equal-alias", v("State", "running", "not-equal"), {"State": "stopped"}, True),
    ("ne-missing", v("State", "running", "ne"), {}, True),
    # --- ordering and aliases
    ("gt-match", v("Size", 10, "gt"), {"Size": 11}, True),
    ("gt-equal", v("Size", 10, "gt"), {"Size": 10}, False),
    ("greater-than", v("Size", 10, "greater-than"), {"Size": 11}, True),
    ("ge-equal", v("Size", 10, "ge"), {"Size": 10}, True),
    ("gte-alias", v("Size", 10, "gte"), {"Size": 9}, False),
    ("lt-match", v("Size", 10, "lt"), {"Size": 9}, True),
    ("less-than", v("Size", 10, "less-than"), {"Size": 10}, False),
    ("le-equal", v("Size", 10, "le"), {"Size": 10}, True),
    ("lte-alias", v("Size", 10, "lte"), {"Size": 11}, False),
    ("gt-missing", v("Size", 10, "gt"), {}, False),
    ("lt-missing", v("Size", 10, "lt"), {}, False),
    ("gt-str-vs-int", v("Size", 10, "gt"), {"Size": "11"}, False),
    ("gt-strings", v("Name", "b", "gt"), {"Name": "c"}, True),
    ("gt-float", v("Ratio", 0.5, "gt"), {"Ratio": 0.75}, True),
    # --- in / ni / not-in
    ("in-match", v("Type", ["t2.micro", "t3.micro"], "in"), {"Type": "t3.micro"}, True),
    ("in-miss", v("Type", ["t2.micro", "t3.micro"], "in"), {"Type": "m5.large"}, False),
    ("in-missing", v("Type", ["t2.micro"], "in"), {}, False),
    ("in-int", v("Port", [22, 3389], "in"), {"Port": 22}, True),
    ("ni-match", v("Type", ["t2.micro"], "ni"), {"Type": "m5.large"}, True),
    ("ni-miss", v("Type", ["t2.micro"], "ni"), {"Type": "t2.micro"}, False),
    ("ni-missing", v("Type", ["t2.micro"], "ni"), {}, True),
    ("not-in-match", v("Type", ["t2.micro"], "not-in"), {"Type": "m5.large"}, True),
    ("not-in-missing", v("Type", ["t2.micro"], "not-in"), {}, True),
    # --- regex
    ("regex-match", v("Name", "web-.*", "regex"), {"Name": "web-1"}, True),
    ("regex-ignorecase", v("Name", "WEB-.*", "regex"), {"Name": "web-1"}, True),
    ("regex-anchored-start", v("Name", "web", "regex"), {"Name": "my-web"}, False),
    ("regex-not-anchored-end", v("Name", "web", "regex"), {"Name": "web-server"}, True),
    ("regex-dollar", v("Name", "web$", "regex"), {"Name": "web-server"}, False),
    ("regex-non-string", v("Size", "1.*", "regex"), {"Size": 10}, False),
    ("regex-missing", v("Name", ".*", "regex"), {}, False),
    ("regex-case-match", v("Name", "Web-.*", "regex-case"), {"Name": "Web-1"}, True),
    ("regex-case-miss", v("Name", "WEB-.*", "regex-case"), {"Name": "web-1"}, False),
    # --- contains
    ("contains-list", v("Groups", "sg-1", "contains"), {"Groups": ["sg-1", "sg-2"]}, True),
    ("contains-list-miss", v("Groups", "sg-3", "contains"), {"Groups": ["sg-1", "sg-2"]}, False),
    ("contains-substring", v("Name", "eb", "contains"), {"Name": "web-1"}, True),
    ("contains-missing", v("Groups", "sg-1", "contains"), {}, False),
    # --- intersect / difference
    ("intersect-match", v("Groups", ["sg-2", "sg-9"], "intersect"), {"Groups": ["sg-1", "sg-2"]}, True),
    ("intersect-miss", v("Groups", ["sg-8", "sg-9"], "intersect"), {"Groups": ["sg-1", "sg-2"]}, False),
    ("intersect-missing", v("Groups", ["sg-1"], "intersect"), {}, False),
    ("difference-match", v("Groups", ["sg-1"], "difference"), {"Groups": ["sg-1", "sg-2"]}, True),
    ("difference-miss", v("Groups", ["sg-1", "sg-2", "sg-3"], "difference"), {"Groups": ["sg-1", "sg-2"]}, False),
    ("difference-missing", v("Groups", ["sg-1"], "difference"), {}, False),
    # --- glob
    ("glob-match", v("Name", "web-*", "glob"), {"Name": "web-1"}, True),
    ("glob-miss", v("Name", "web-?", "glob"), {"Name": "web-10"}, False),
    ("glob-non-string", v("Size", "1*", "glob"), {"Size": 10}, False),
    ("glob-missing", v("Name", "*", "glob"), {}, False),
    # --- mod
    ("mod-odd", v("Size", 2, "mod"), {"Size": 3}, True),
    ("mod-even", v("Size", 2, "mod"), {"Size": 4}, False),
    ("mod-missing", v("Size", 2, "mod"), {}, False),
    # --- special values
    ("absent-missing", v("KeyName", "absent"), {}, True),
    ("absent-null", v("KeyName", "absent"), {"KeyName": None}, True),
    ("absent-present", v("KeyName", "absent"), {"KeyName": "k"}, False),
    ("absent-empty-string", v("KeyName", "absent"), {"KeyName": ""}, False),
    ("present-present", v("KeyName", "present"), {"KeyName": "k"}, True),
    ("present-empty-string", v("KeyName", "present"), {"KeyName": ""}, True),
    ("present-missing", v("KeyName", "present"), {}, False),
    ("empty-missing", v("Groups", "empty"), {}, True),
    ("empty-list", v("Groups", "empty"), {"Groups": []}, True),
    ("empty-dict", v("Groups", "empty"), {"Groups": {}}, True),
    ("empty-zero", v("Groups", "empty"), {"Groups": 0}, True),
    ("empty-nonempty", v("Groups", "empty"), {"Groups": ["sg-1"]}, False),
    ("not-null-value", v("KeyName", "not-null"), {"KeyName": "k"}, True),
    ("not-null-empty", v("KeyName", "not-null"), {"KeyName": ""}, False),
    ("not-null-missing", v("KeyName", "not-null"), {}, False),
    ("absent-with-op-ne", v("KeyName", "absent", "ne"), {}, True),
    ("present-with-op-eq", v("KeyName", "present", "eq"), {"KeyName": "k"}, True),
    # --- age (days before now; the resource date is older than value days)
    ("age-old", v("LaunchTime", 30, "gt", value_type="age"), {"LaunchTime": OLD}, True),
    ("age-recent", v("LaunchTime", 30, "gt", value_type="age"), {"LaunchTime": RECENT}, False),
    ("age-lt-recent", v("LaunchTime", 30, "lt", value_type="age"), {"LaunchTime": RECENT}, True),
    ("age-ge", v("LaunchTime", 60, "ge", value_type="age"), {"LaunchTime": OLD}, True),
    ("age-fractional", v("LaunchTime", 9.5, "gt", value_type="age"), {"LaunchTime": RECENT}, True),
    ("age-epoch-seconds", v("LaunchTime", 30, "gt", value_type="age"), {"LaunchTime": EPOCH_OLD}, True),
    ("age-epoch-ms", v("LaunchTime", 30, "gt", value_type="age"), {"LaunchTime": EPOCH_OLD_MS}, True),
    ("age-epoch-string", v("LaunchTime", 30, "gt", value_type="age"), {"LaunchTime": str(EPOCH_OLD)}, True),
    ("age-small-number", v("LaunchTime", 30, "gt", value_type="age"), {"LaunchTime": 5}, False),
    ("age-digit-date-string", v("LaunchTime", 30, "gt", value_type="age"), {"LaunchTime": "20300101"}, False),
    ("age-missing", v("LaunchTime", 30, "gt", value_type="age"), {}, False),
    ("age-garbage", v("LaunchTime", 30, "gt", value_type="age"), {"LaunchTime": "not a date"}, False),
    ("age-no-tz", v("LaunchTime", 30, "gt", value_type="age"), {"LaunchTime": "2030-04-16T12:00:00"}, True),
    ("age-other-format", v("LaunchTime", 30, "gt", value_type="age"), {"LaunchTime": "Apr 16 2030 12:00"}, True),
    # --- expiration (days from now)
    ("expiration-soon", v("ValidTo", 30, "lt", value_type="expiration"), {"ValidTo": SOON}, True),
    ("expiration-later", v("ValidTo", 30, "lt", value_type="expiration"), {"ValidTo": LATER}, False),
    ("expiration-gt", v("ValidTo", 30, "gt", value_type="expiration"), {"ValidTo": LATER}, True),
    ("expiration-past", v("ValidTo", 0, "lt", value_type="expiration"), {"ValidTo": OLD}, True),
    ("expiration-missing", v("ValidTo", 30, "lt", value_type="expiration"), {}, False),
    # --- size / unique_size
    ("size-list", v("Groups", 2, "eq", value_type="size"), {"Groups": ["a", "b"]}, True),
    ("size-gt", v("Groups", 2, "gt", value_type="size"), {"Groups": ["a", "b"]}, False),
    ("size-string", v("Name", 5, value_type="size"), {"Name": "web-1"}, True),
    ("size-missing", v("Groups", 0, value_type="size"), {}, True),
    ("size-number", v("Groups", 0, value_type="size"), {"Groups": 7}, True),
    ("size-empty", v("Groups", "empty", value_type="size"), {"Groups": []}, True),
    ("unique-size", v("Groups", 2, value_type="unique_size"), {"Groups": ["a", "b", "a"]}, True),
    ("unique-size-missing", v("Groups", 0, value_type="unique_size"), {}, True),
    # --- integer / float
    ("integer-string", v("Port", 40, "gt", value_type="integer"), {"Port": "42"}, True),
    ("integer-spaces", v("Port", 42, value_type="integer"), {"Port": " 42 "}, True),
    ("integer-garbage", v("Port", 0, value_type="integer"), {"Port": "abc"}, True),
    ("integer-missing", v("Port", 0, value_type="integer"), {}, True),
    ("integer-float-string", v("Port", 1, value_type="integer"), {"Port": "1.5"}, False),
    ("float-string", v("Ratio", 1.25, "gt", value_type="float"), {"Ratio": "1.5"}, True),
    ("float-garbage", v("Ratio", 0, value_type="float"), {"Ratio": "x"}, True),
    ("float-int", v("Ratio", 2.0, value_type="float"), {"Ratio": 2}, True),
    # --- normalize
    ("normalize-match", v("Name", "web", value_type="normalize"), {"Name": "  WeB "}, True),
    ("normalize-in", v("Name", ["web", "db"], "in", value_type="normalize"), {"Name": "DB"}, True),
    ("normalize-non-string", v("Size", 5, value_type="normalize"), {"Size": 5}, True),
    # --- swap
    ("swap-in", v("Groups", "sg-1", "in", value_type="swap"), {"Groups": ["sg-1", "sg-2"]}, True),
    ("swap-in-miss", v("Groups", "sg-3", "in", value_type="swap"), {"Groups": ["sg-1", "sg-2"]}, False),
    ("swap-gt", v("Size", 10, "gt", value_type="swap"), {"Size": 5}, True),
    # --- cidr
    ("cidr-eq-network", v("Cidr", "10.0.0.0/8", value_type="cidr"), {"Cidr": "10.0.0.0/8"}, True),
    ("cidr-eq-normalized", v("Cidr", "0.0.0.0/0", value_type="cidr"), {"Cidr": "0.0.0.0/0"}, True),
    ("cidr-in-network", v("Cidr", "10.0.0.0/8", "in", value_type="cidr"), {"Cidr": "10.1.0.0/16"}, True),
    ("cidr-in-network-miss", v("Cidr", "10.0.0.0/8", "in", value_type="cidr"), {"Cidr": "192.168.0.0/16"}, False),
    ("cidr-in-address", v("Cidr", "10.0.0.0/8", "in", value_type="cidr"), {"Cidr": "10.2.3.4"}, True),
    ("cidr-address-in-resource-net", v("Cidr", "10.2.3.4", "in", value_type="cidr"), {"Cidr": "10.0.0.0/8"}, True),
    ("cidr-in-list", v("Cidr", ["10.0.0.0/8", "192.168.0.0/16"], "in", value_type="cidr"), {"Cidr": "192.168.1.0/24"}, True),
    ("cidr-in-list-miss", v("Cidr", ["10.0.0.0/8", "192.168.0.0/16"], "in", value_type="cidr"), {"Cidr": "172.16.0.0/12"}, False),
    ("cidr-in-list-address", v("Cidr", ["10.0.0.0/8", "1.2.3.4"], "in", value_type="cidr"), {"Cidr": "1.2.3.4"}, True),
    ("cidr-ni-list", v("Cidr", ["10.0.0.0/8"], "not-in", value_type="cidr"), {"Cidr": "0.0.0.0/0"}, True),
    ("cidr-garbage", v("Cidr", "10.0.0.0/8", "in", value_type="cidr"), {"Cidr": "nope"}, False),
    # --- cidr_size
    ("cidr-size-lt", v("Cidr", 16, "lt", value_type="cidr_size"), {"Cidr": "10.0.0.0/8"}, True),
    ("cidr-size-eq", v("Cidr", 0, value_type="cidr_size"), {"Cidr": "0.0.0.0/0"}, True),
    ("cidr-size-garbage", v("Cidr", 0, value_type="cidr_size"), {"Cidr": "nope"}, True),
    # --- date
    ("date-lt", v("CreateTime", "2030-01-01", "lt", value_type="date"), {"CreateTime": "2029-12-31T23:00:00Z"}, True),
    ("date-gt", v("CreateTime", "2030-01-01", "gt", value_type="date"), {"CreateTime": "2029-12-31T23:00:00Z"}, False),
    ("date-tz", v("CreateTime", "2030-01-01T00:00:00+00:00", "gt", value_type="date"), {"CreateTime": "2030-01-01T01:00:00+02:00"}, False),
    ("date-epoch", v("CreateTime", "2030-01-01", "gt", value_type="date"), {"CreateTime": 1902225600}, True),
    ("date-missing", v("CreateTime", "2030-01-01", "lt", value_type="date"), {}, False),
    # --- version
    ("version-gt", v("Engine", "5.7.9", "gt", value_type="version"), {"Engine": "5.7.10"}, True),
    ("version-lt", v("Engine", "5.7.10", "lt", value_type="version"), {"Engine": "5.7.9"}, True),
    ("version-eq", v("Engine", "5.7.10", value_type="version"), {"Engine": "5.7.10"}, True),
    ("version-alpha-suffix", v("Engine", "1.11", "lt", value_type="version"), {"Engine": "1.10a"}, True),
    ("version-mixed", v("Engine", "5.7.12", "gt", value_type="version"), {"Engine": "5.7.mysql_aurora.2.10"}, False),
    ("version-longer", v("Engine", "1.2", "gt", value_type="version"), {"Engine": "1.2.1"}, True),
    # --- expr: the value is a JMESPath into the same resource
    ("expr-eq", v("SubnetId", "DefaultSubnet", value_type="expr"), {"SubnetId": "s-1", "DefaultSubnet": "s-1"}, True),
    ("expr-ne", v("SubnetId", "DefaultSubnet", value_type="expr"), {"SubnetId": "s-1", "DefaultSubnet": "s-2"}, False),
    ("expr-nested", v("VpcId", "Network.Vpc", value_type="expr"), {"VpcId": "v-1", "Network": {"Vpc": "v-1"}}, True),
    ("expr-tag", v("Owner", "tag:Owner", value_type="expr"), {"Owner": "ann", "Tags": [{"Key": "Owner", "Value": "ann"}]}, True),
    ("expr-in", v("SubnetId", "AllowedSubnets", "in", value_type="expr"), {"SubnetId": "s-1", "AllowedSubnets": ["s-1", "s-2"]}, True),
    # --- tag:Name keys
    ("tag-eq", v("tag:Env", "prod"), TAGS, True),
    ("tag-miss", v("tag:Env", "dev"), TAGS, False),
    ("tag-absent", v("tag:Owner", "absent"), TAGS, True),
    ("tag-absent-no-tags", v("tag:Owner", "absent"), {}, True),
    ("tag-present", v("tag:Name", "present"), TAGS, True),
    ("tag-glob", v("tag:Name", "web-*", "glob"), TAGS, True),
    ("tag-case-sensitive-key", v("tag:env", "prod"), TAGS, False),
    ("tag-empty-value", v("tag:Env", "empty"), {"Tags": [{"Key": "Env", "Value": ""}]}, True),
    ("tag-colon-in-key", v("tag:aws:cloudformation:stack-name", "s1"), {"Tags": [{"Key": "aws:cloudformation:stack-name", "Value": "s1"}]}, True),
    ("tag-not-null", v("tag:Name", "not-null"), TAGS, True),
    # --- {key: value} shorthand
    ("short-eq", {"State": "running"}, {"State": "running"}, True),
    ("short-miss", {"State": "running"}, {"State": "stopped"}, False),
    ("short-tag", {"tag:Env": "prod"}, TAGS, True),
    ("short-tag-absent", {"tag:Owner": "absent"}, TAGS, True),
    ("short-nested", {"State.Name": "running"}, {"State": {"Name": "running"}}, True),
    ("short-present", {"KeyName": "present"}, {"KeyName": "k"}, True),
    ("short-empty", {"Groups": "empty"}, {"Groups": []}, True),
    ("short-bool", {"Encrypted": False}, {"Encrypted": False}, True),
    ("short-list", {"Groups": ["a"]}, {"Groups": ["a"]}, True),
    # --- JMESPath keys into nested data
    ("jp-nested", v("State.Name", "running"), {"State": {"Name": "running", "Code": 16}}, True),
    ("jp-nested-missing", v("State.Name", "absent"), {"State": {}}, True),
    ("jp-deep", v("Placement.Zone.Name", "us-east-1a"), {"Placement": {"Zone": {"Name": "us-east-1a"}}}, True),
    ("jp-projection", v("Volumes[].Encrypted", False, "contains"), {"Volumes": [{"Encrypted": True}, {"Encrypted": False}]}, True),
    ("jp-projection-miss", v("Volumes[].Encrypted", False, "contains"), {"Volumes": [{"Encrypted": True}]}, False),
    ("jp-index", v("Volumes[0].Size", 8), {"Volumes": [{"Size": 8}, {"Size": 100}]}, True),
    ("jp-filter-expr", v("Tags[?Key=='Env'].Value | [0]", "prod"), TAGS, True),
    ("jp-length", v("length(Groups)", 1, "gt"), {"Groups": ["a", "b"]}, True),
    ("jp-dotted-top-level", v("a.b", 1), {"a.b": 1}, True),
    ("jp-quoted", v('"aws:Tag".Value', "x"), {"aws:Tag": {"Value": "x"}}, True),
    ("jp-flatten-size", v("Rules[].Ports[]", 3, value_type="size"), {"Rules": [{"Ports": [1, 2]}, {"Ports": [3]}]}, True),
    # --- value_regex (one capture group; compared after capture)
    ("value-regex-expiration", v("tag:Meta", 30, "lt", value_type="expiration", value_regex=".*delete_after=([0-9-]+).*"), TAGS, True),
    ("value-regex-eq", v("tag:Meta", "core", value_regex="team=([a-z]+)"), TAGS, True),
    ("value-regex-anchored", v("tag:Meta", "2030-06-20", value_regex="delete_after=([0-9-]+)"), TAGS, False),
    ("value-regex-no-match", v("tag:Meta", "absent", value_regex="owner=([a-z]+)"), TAGS, True),
    ("value-regex-non-string", v("Size", "1", value_regex="([0-9])"), {"Size": 10}, False),
    ("value-regex-integer", v("Name", 5, "gt", value_type="integer", value_regex="web-([0-9]+)"), {"Name": "web-12"}, True),
    # --- or / and / not, nested
    ("or-first", {"or": [v("State", "running"), v("Size", 10, "gt")]}, {"State": "running", "Size": 1}, True),
    ("or-second", {"or": [v("State", "running"), v("Size", 10, "gt")]}, {"State": "stopped", "Size": 11}, True),
    ("or-none", {"or": [v("State", "running"), v("Size", 10, "gt")]}, {"State": "stopped", "Size": 1}, False),
    ("and-both", {"and": [v("State", "running"), v("Size", 10, "gt")]}, {"State": "running", "Size": 11}, True),
    ("and-one", {"and": [v("State", "running"), v("Size", 10, "gt")]}, {"State": "running", "Size": 1}, False),
    ("not-simple", {"not": [v("State", "running")]}, {"State": "stopped"}, True),
    ("not-simple-miss", {"not": [v("State", "running")]}, {"State": "running"}, False),
    ("not-two-is-nand", {"not": [v("State", "running"), v("Size", 10, "gt")]}, {"State": "running", "Size": 1}, True),
    ("not-two-both", {"not": [v("State", "running"), v("Size", 10, "gt")]}, {"State": "running", "Size": 11}, False),
    ("nested-or-and-not", {"or": [{"and": [{"tag:Env": "prod"}, {"not": [{"tag:Name": "web-1"}]}]},
                                  {"and": [v("Size", 100, "ge"), {"or": [{"State": "stopped"}, {"tag:Owner": "absent"}]}]}]},
     dict(TAGS, Size=100, State="running"), True),
    ("nested-miss", {"or": [{"and": [{"tag:Env": "prod"}, {"not": [{"tag:Name": "web-1"}]}]},
                            {"and": [v("Size", 100, "ge"), {"or": [{"State": "stopped"}, {"tag:Env": "absent"}]}]}]},
     dict(TAGS, Size=100, State="running"), False),
    ("not-not-or", {"not": [{"not": [{"or": [{"State": "running"}, {"State": "pending"}]}]}]}, {"State": "pending"}, True),
    ("not-or-shorthand", {"not": [{"or": [{"tag:Env": "prod"}, {"tag:Env": "stage"}]}]}, {"Tags": [{"Key": "Env", "Value": "dev"}]}, True),
    ("and-of-ors-four-deep", {"and": [{"or": [{"not": [{"and": [{"State": "running"}, {"tag:Env": "prod"}]}]}, {"Size": 1}]}]},
     dict(TAGS, State="running", Size=2), False),
    # --- edges
    ("eq-true-vs-string", v("Enabled", True), {"Enabled": "true"}, False),
    ("eq-null-value", v("KeyName", None), {}, True),
    ("in-list-value", v("Groups", [["a"], ["b"]], "in"), {"Groups": ["a"]}, True),
    ("glob-list", v("Names", "a*", "glob"), {"Names": ["ab"]}, False),
    ("contains-swap", v("Name", "web-1-prod", "contains", value_type="swap"), {"Name": "prod"}, True),
    ("not-null-zero", v("Count", "not-null"), {"Count": 0}, False),
    ("empty-whitespace", v("Name", "empty"), {"Name": " "}, False),
    ("expiration-ge", v("ValidTo", 10, "ge", value_type="expiration"), {"ValidTo": SOON}, True),
    ("normalize-ne", v("Name", "web", "ne", value_type="normalize"), {"Name": " WEB"}, False),
    ("size-dict", v("Policy", 2, value_type="size"), {"Policy": {"a": 1, "b": 2}}, True),
    ("integer-bool", v("Port", 1, value_type="integer"), {"Port": True}, False),
    ("unique-size-string", v("Name", 2, value_type="unique_size"), {"Name": "aab"}, True),
    ("tag-null-value", v("tag:Env", "absent"), {"Tags": [{"Key": "Env"}]}, True),
    ("tag-empty-tags", v("tag:Env", "absent"), {"Tags": []}, True),
    ("jp-missing-nested-absent", v("Placement.Tenancy", "absent"), {}, True),
    ("value-regex-missing", v("tag:Meta", "absent", value_regex="(x)"), {}, True),
    ("mod-zero-result", v("Size", 5, "mod"), {"Size": 10}, False),
    ("age-le-boundary", v("LaunchTime", 60, "le", value_type="age"), {"LaunchTime": OLD}, True),
    ("not-with-absent", {"not": [{"tag:Owner": "absent"}]}, {"Tags": [{"Key": "Owner", "Value": "x"}]}, True),
    ("and-empty-list-matches", {"and": []}, {"State": "x"}, True),
    ("or-empty-list", {"or": []}, {"State": "x"}, False),
]


# resource_count: the filter applies to the whole set; (name, filter, resources, matched)
COUNT_CASES = [
    ("count-gt-true", {"type": "value", "value_type": "resource_count", "op": "gt", "value": 2}, 3, 3),
    ("count-gt-false", {"type": "value", "value_type": "resource_count", "op": "gt", "value": 2}, 2, 0),
    ("count-eq", {"type": "value", "value_type": "resource_count", "op": "eq", "value": 2}, 2, 2),
    ("count-lt", {"type": "value", "value_type": "resource_count", "op": "lt", "value": 1}, 1, 0),
]


class NoApiSession:
    """A session for filters that must not call AWS."""

    region = "us-east-1"
    partition = "aws"
    account_id = "123456789012"

    def __init__(self) -> None:
        self.api_calls: dict = {}

    def client(self, *args, **kwargs):
        raise AssertionError("the value filter made an API call")


def manager(now=NOW):
    return ResourceManager(resources.get("aws.ec2"), NoApiSession(), clock=lambda: now)


def run(filters, items, now=NOW):
    return apply_filters(build_filters(filters, manager(now)), items)


@pytest.mark.parametrize("name,filter_data,resource,expected", CASES, ids=[c[0] for c in CASES])
def test_value_filter_matches_like_custodian(name, filter_data, resource, expected):
    resource = copy.deepcopy(resource)
    before = copy.deepcopy(resource)
    assert bool(run([filter_data], [resource])) is expected
    assert resource == before  # filtering never changes the resource


@pytest.mark.parametrize("name,filter_data,count,expected", COUNT_CASES, ids=[c[0] for c in COUNT_CASES])
def test_resource_count_applies_to_the_whole_set(name, filter_data, count, expected):
    items = [{"InstanceId": f"i-{n}"} for n in range(count)]
    assert len(run([filter_data], items)) == expected


def test_every_op_and_value_type_is_in_the_table():
    from c7n_lite.filters.value import OPERATORS, SPECIAL_VALUES, VALUE_TYPES
    used_ops, used_types, used_values = set(), set(), set()

    def walk(data):
        if isinstance(data, dict):
            used_ops.add(data.get("op"))
            used_types.add(data.get("value_type"))
            for value in data.values():
                if isinstance(value, str):
                    used_values.add(value)
                walk(value)
        elif isinstance(data, list):
            for item in data:
                walk(item)

    walk([c[1] for c in CASES + COUNT_CASES])
    assert set(OPERATORS) <= used_ops
    assert set(VALUE_TYPES) <= used_types
    assert set(SPECIAL_VALUES) <= used_values


def test_or_keeps_the_resources_in_their_order():
    items = [{"InstanceId": f"i-{n}", "Size": n} for n in range(6)]
    found = run([{"or": [{"type": "value", "key": "Size", "value": 4, "op": "ge"},
                         {"type": "value", "key": "Size", "value": 1, "op": "le"}]}], items)
    assert [r["Size"] for r in found] == [0, 1, 4, 5]


def test_age_follows_the_clock_not_the_wall():
    launched = {"LaunchTime": "2030-06-01T00:00:00Z"}
    older_than_week = [{"type": "value", "key": "LaunchTime", "value": 7, "op": "gt", "value_type": "age"}]
    assert not run(older_than_week, [dict(launched)], now=datetime.datetime(2030, 6, 5, tzinfo=datetime.timezone.utc))
    assert run(older_than_week, [dict(launched)], now=datetime.datetime(2030, 6, 9, tzinfo=datetime.timezone.utc))


def test_age_accepts_the_datetimes_boto3_returns():
    resource = {"LaunchTime": NOW - datetime.timedelta(days=40)}
    assert run([{"type": "value", "key": "LaunchTime", "value": 30, "op": "gt", "value_type": "age"}], [resource])


def test_keys_are_compiled_once_per_policy_not_per_resource(monkeypatch):
    compiled = []
    real = jmespath.compile
    monkeypatch.setattr(jmespath, "compile", lambda expr: compiled.append(expr) or real(expr))
    filters = [{"or": [{"type": "value", "key": "State.Name", "value": "running"},
                       {"type": "value", "key": "SubnetId", "value": "Network.Default", "value_type": "expr"}]}]
    items = [{"State": {"Name": "stopped"}, "SubnetId": f"s-{n}", "Network": {"Default": "s-1"}} for n in range(300)]
    assert len(run(filters, items)) == 1
    assert sorted(set(compiled)) == ["Network.Default", "State.Name", "SubnetId"]
    assert len(compiled) <= 3


# --- where c7n_lite deliberately differs from Custodian ---------------------------

@pytest.mark.parametrize("value,op,resource_cidr,expected", [
    ("::/0", None, "::/0", True),                          # Custodian cannot parse IPv6 networks
    ("::/0", None, "2001:db8::/32", False),                # ... so it matches any two of them as equal
    ("2001:db8::/32", "in", "2001:db8:1::/48", True),
    ("2001:db8::/32", "in", "2001:db9::/48", False),
    ("10.0.0.0/8", "in", "10.1.2.3/16", True),             # host bits set: Custodian reads None
    ("10.0.0.0/8", "in", "2001:db8::/32", False),          # mixed versions never contain each other
])
def test_cidr_handles_ipv6_and_host_bits(value, op, resource_cidr, expected):
    data = {"type": "value", "key": "Cidr", "value": value, "value_type": "cidr"}
    if op:
        data["op"] = op
    assert bool(run([data], [{"Cidr": resource_cidr}])) is expected


def test_a_jmespath_function_on_a_missing_field_is_no_value():
    # Custodian raises JMESPathTypeError and the whole policy fails.
    data = {"type": "value", "key": "length(Groups)", "value": 0, "op": "gt"}
    assert not run([data], [{}])
    assert run([{**data, "value": "absent", "op": "eq"}], [{}])
    assert run([data], [{"Groups": ["a"]}])


def test_cidr_size_of_a_bare_address_is_its_full_length():
    # Custodian raises AttributeError on an address.
    data = {"type": "value", "key": "Cidr", "value": 32, "value_type": "cidr_size"}
    assert run([data], [{"Cidr": "10.0.0.1"}])
    assert run([{**data, "value": 128}], [{"Cidr": "2001:db8::1"}])


def test_date_values_from_yaml_dates():
    # YAML reads an unquoted 2030-01-01 as a date; Custodian cannot compare it.
    data = {"type": "value", "key": "CreateTime", "value": datetime.date(2030, 1, 1), "op": "lt", "value_type": "date"}
    assert run([data], [{"CreateTime": "2029-12-31T23:59:00Z"}])
    assert not run([data], [{"CreateTime": "2030-01-01T00:01:00Z"}])


def test_version_of_a_number_compares_its_text():
    # Custodian raises TypeError on a number here and the policy fails.
    data = {"type": "value", "key": "Engine", "value": "1.2", "op": "ge", "value_type": "version"}
    assert run([data], [{"Engine": 1.2}])
    assert not run([data], [{"Engine": 1.1}])


@pytest.mark.parametrize("special,resource,expected", [
    ("absent", {}, True),
    ("absent", {"LaunchTime": "2030-01-01T00:00:00Z"}, False),
    ("present", {"LaunchTime": "2030-01-01T00:00:00Z"}, True),
])
def test_age_with_a_special_value_does_not_crash(special, resource, expected):
    # Custodian raises TypeError (days - 'absent'); here it is a plain presence test.
    data = {"type": "value", "key": "LaunchTime", "value": special, "value_type": "age"}
    assert bool(run([data], [resource])) is expected


# --- end to end: the CLI against instances on the moto server ---------------------

E2E_POLICIES = """
policies:
  - name: web-not-prod
    resource: aws.ec2
    filters:
      - tag:Name: present
      - type: value
        key: tag:Name
        op: glob
        value: "web-*"
      - not:
          - tag:Env: prod
  - name: small-or-untagged
    resource: ec2
    filters:
      - or:
          - and:
              - type: value
                key: InstanceType
                op: in
                value: [t2.nano, t3.nano]
              - State.Name: running
          - tag:Env: absent
  - name: older-than-a-week
    resource: aws.ec2
    filters:
      - type: value
        key: LaunchTime
        op: gt
        value_type: age
        value: 7
  - name: older-than-a-month
    resource: aws.ec2
    filters:
      - type: value
        key: LaunchTime
        op: gt
        value_type: age
        value: 30
"""


@pytest.fixture
def instances(aws):
    """web-1 (prod), web-2 (dev, nano), db-1 (no Env tag)."""
    ec2 = aws("ec2")
    found = {}
    for name, env, itype in (("web-1", "prod", "t3.micro"), ("web-2", "dev", "t3.nano"), ("db-1", None, "m5.large")):
        tags = [{"Key": "Name", "Value": name}] + ([{"Key": "Env", "Value": env}] if env else [])
        reply = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType=itype,
                                  TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])
        found[name] = reply["Instances"][0]["InstanceId"]
    return found


def test_value_filters_end_to_end(server, instances, cli, write_policies, monkeypatch):
    # moto launches everything "now": pin the engine's clock ten days later.
    launched = datetime.datetime.now(datetime.timezone.utc)
    monkeypatch.setenv("C7N_LITE_NOW", (launched + datetime.timedelta(days=10)).isoformat())
    server.reset_log()
    result = cli("run", "--dryrun", write_policies(E2E_POLICIES))
    assert result.exit_code == 0, result.output
    assert result.ids("web-not-prod", "InstanceId") == [instances["web-2"]]
    assert result.ids("small-or-untagged", "InstanceId") == sorted([instances["web-2"], instances["db-1"]])
    assert result.ids("older-than-a-week", "InstanceId") == sorted(instances.values())
    assert result.ids("older-than-a-month", "InstanceId") == []
    for policy in ("web-not-prod", "small-or-untagged", "older-than-a-week", "older-than-a-month"):
        meta = result.metadata(policy)
        assert meta["counts"]["evaluated"] == 3
        assert meta["errors"] == []
    assert writes(server) == []
    # four policies on one resource type: one describe for them all
    assert [r.operation for r in server.requests].count("DescribeInstances") == 1
    assert json.loads((result.output_dir / "web-not-prod" / "resources.json").read_text())[0]["Tags"]
