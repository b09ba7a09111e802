"""The policy file loader: safe YAML (and JSON) with the line of every key and
list item, and directories scanned recursively in a stable order."""
from __future__ import annotations

import json
import textwrap

from c7n_lite.loader import LineDict, LineList, expand_paths, parse_file, parse_text
from c7n_lite.schema import load_policies

POLICY = textwrap.dedent("""\
    # a comment on line 1
    policies:
      - name: first
        resource: aws.ec2
        filters:
          - State.Name: running
          - or:
              - tag:Env: absent

              - type: value
                key: InstanceType
                value: [t2.micro,
                        t3.micro]
      - name: second
        resource: aws.ebs
    """)


def test_lines_of_keys_and_list_items():
    data, errors = parse_text(POLICY, "p.yml")
    assert errors == []
    assert isinstance(data, LineDict) and data.line_of("policies") == 2
    policies = data["policies"]
    assert isinstance(policies, LineList)
    assert [policies.line_of(i) for i in range(2)] == [3, 14]
    first = policies[0]
    assert {k: first.line_of(k) for k in first} == {"name": 3, "resource": 4, "filters": 5}
    filters = first["filters"]
    assert [filters.line_of(i) for i in range(2)] == [6, 7]
    block = filters[1]["or"]
    assert [block.line_of(i) for i in range(2)] == [8, 10]   # the blank line is counted
    value_filter = block[1]
    assert value_filter.line_of("value") == 12
    assert value_filter["value"] == ["t2.micro", "t3.micro"]
    assert policies[1].line_of("resource") == 15


def test_lines_fall_back_to_the_container():
    data, _ = parse_text("policies:\n  - name: a\n    resource: aws.ec2\n", "p.yml")
    policy = data["policies"][0]
    assert policy.line_of("missing") == policy.line == 2
    assert data["policies"].line_of(5) == data["policies"].line_of(None) == 2


def test_loaded_data_is_plain_data():
    data, _ = parse_text(POLICY, "p.yml")
    # LineDict/LineList behave as dict/list: JSON round-trips, equality holds.
    assert json.loads(json.dumps(data)) == data
    assert data["policies"][1] == {"name": "second", "resource": "aws.ebs"}


def test_json_policy_files_have_lines_too(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{\n  "policies": [\n    {\n      "name": "j",\n      "resource": "aws.ec2",\n'
                    '      "filters": [{"tag:Env": "absent"}]\n    }\n  ]\n}\n')
    data, errors = parse_file(path)
    assert errors == []
    policy = data["policies"][0]
    assert (data["policies"].line_of(0), policy.line_of("name"), policy.line_of("filters")) == (3, 4, 6)
    specs, errors = load_policies([str(path)])
    assert errors == [] and [s.name for s in specs] == ["j"]
    assert specs[0].line == 3


def test_anchors_and_merge_keys_work():
    text = textwrap.dedent("""\
        vars:
          base: &base
            resource: aws.ec2
            filters: [{tag:Env: absent}]
        policies:
          - <<: *base
            name: merged
        """)
    data, errors = parse_text(text, "p.yml")
    assert errors == []
    assert data["policies"][0] == {"resource": "aws.ec2", "filters": [{"tag:Env": "absent"}], "name": "merged"}
    assert data["policies"][0].line_of("name") == 7


def test_duplicate_keys_are_reported_with_the_second_line():
    _, errors = parse_text("policies:\n  - name: a\n    resource: aws.ec2\n    name: b\n", "p.yml")
    assert [str(e) for e in errors] == ["p.yml:4: duplicate key 'name' in the same mapping"]


def test_unreadable_file(tmp_path):
    path = tmp_path / "latin1.yml"
    path.write_bytes(b"policies:\n  - name: caf\xe9\n")
    data, errors = parse_file(path)
    assert data is None and len(errors) == 1
    assert str(errors[0]).startswith(f"{path}: cannot read file: ")


def make_tree(root, names):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("policies: []\n")


def test_directories_are_scanned_recursively_and_sorted(tmp_path):
    make_tree(tmp_path, ["b.yml", "a.yaml", "sub/z.json", "sub/deeper/c.yml", "a/x.yml",
                         "notes.txt", "README.md", "sub/policy.yml.bak"])
    files, errors = expand_paths([str(tmp_path)])
    assert errors == []
    assert [f.removeprefix(f"{tmp_path}/") for f in files] == [
        "a.yaml", "a/x.yml", "b.yml", "sub/deeper/c.yml", "sub/z.json"]


def test_hidden_files_and_directories_are_skipped(tmp_path):
    make_tree(tmp_path, ["p.yml", ".github/workflows/ci.yml", ".hidden.yml", "sub/.git/x.yml"])
    files, _ = expand_paths([str(tmp_path)])
    assert files == [str(tmp_path / "p.yml")]


def test_files_keep_the_order_given_and_are_read_once(tmp_path):
    make_tree(tmp_path, ["d/one.yml", "d/two.yml", "solo.yml"])
    files, errors = expand_paths([str(tmp_path / "solo.yml"), str(tmp_path / "d"), str(tmp_path / "d" / "two.yml")])
    assert errors == []
    assert files == [str(tmp_path / "solo.yml"), str(tmp_path / "d" / "one.yml"), str(tmp_path / "d" / "two.yml")]


def test_a_file_named_twice_is_not_a_duplicate_policy(tmp_path):
    (tmp_path / "p.yml").write_text("policies:\n  - name: once\n    resource: aws.ec2\n")
    specs, errors = load_policies([str(tmp_path), str(tmp_path / "p.yml")])
    assert errors == []
    assert [s.name for s in specs] == ["once"]


def test_policies_from_a_directory_in_file_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "1.yml").write_text("policies:\n  - name: b1\n    resource: aws.ec2\n")
    (tmp_path / "a.yml").write_text("policies:\n  - name: a1\n    resource: aws.ec2\n"
                                    "  - name: a2\n    resource: ec2\n")
    specs, errors = load_policies([str(tmp_path)])
    assert errors == []
    assert [(s.name, s.file.removeprefix(f"{tmp_path}/"), s.line) for s in specs] == [
        ("a1", "a.yml", 2), ("a2", "a.yml", 4), ("b1", "b/1.yml", 2)]
