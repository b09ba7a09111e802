"""`c7n-lite validate`: every mistake a policy author makes, one exact line each.

Each error is `file:line: policy 'name': what is wrong`, all of them in one pass,
then a count; the exit code is 1, and no traceback ever reaches the user.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT


def validate(cli, *paths):
    result = cli("validate", *paths)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def error_lines(result):
    return [line for line in result.output.splitlines() if line]


def policy(body: str, name: str = "p1", resource: str = "aws.ec2") -> str:
    """A file with one policy; `body` is indented under it.  The body starts on line 4."""
    return f"policies:\n  - name: {name}\n    resource: {resource}\n" + textwrap.indent(textwrap.dedent(body), "    ")


# (id, file text, line, policy name or None, message)
SINGLE_ERRORS = [
    ("yaml-unclosed-bracket",
     policy("filters:\n  - State: [running\n"), 5, None,
     "YAML syntax error: while parsing a flow sequence: did not find expected ',' or ']'"),
    ("yaml-bad-indent",
     "policies:\n  - name: p1\n    resource: aws.ec2\n   filters: []\n", 4, None,
     "YAML syntax error: while parsing a block collection: did not find expected '-' indicator"),
    ("yaml-unclosed-quote",
     'policies:\n  - name: "p1\n    resource: aws.ec2\n', 2, None,
     "YAML syntax error: while scanning a quoted scalar: found unexpected end of stream"),
    ("yaml-tab",
     "policies:\n\t- name: p1\n", 2, None,
     "YAML syntax error: while scanning for the next token: found character that cannot start any token"),
    ("unknown-resource",
     policy("", resource="aws.ecc2"), 3, "p1",
     "unknown resource 'aws.ecc2' (did you mean 'aws.ec2'?)"),
    ("unknown-filter",
     policy("filters:\n  - type: vaule\n    key: State\n    value: running\n"), 5, "p1",
     "unknown filter 'vaule' for aws.ec2 (did you mean 'value'?)"),
    ("unknown-filter-deep-in-blocks",
     policy("""\
        filters:
          - or:
              - State: running
              - and:
                  - not:
                      - type: instance-agee
                        days: 1
        """), 9, "p1",
     "unknown filter 'instance-agee' for aws.ec2 (did you mean 'instance-age'?)"),
    ("unknown-action",
     policy("actions:\n  - stopp\n"), 5, "p1",
     "unknown action 'stopp' for aws.ec2 (did you mean 'stop'?)"),
    ("unknown-op",
     policy("filters:\n  - type: value\n    key: Size\n    op: greaterthan\n    value: 1\n"), 7, "p1",
     "filter 'value': unknown op 'greaterthan' (did you mean 'greater-than'?); expected one of: contains, difference, "
     "eq, equal, ge, glob, greater-than, gt, gte, in, intersect, le, …"),
    ("unknown-value-type",
     policy("filters:\n  - type: value\n    key: LaunchTime\n    value_type: ages\n    value: 1\n"), 7, "p1",
     "filter 'value': unknown value_type 'ages' (did you mean 'age'?); expected one of: age, integer, expiration, "
     "normalize, size, cidr, cidr_size, swap, resource_count, expr, unique_size, date, …"),
    ("unknown-mode",
     policy("mode:\n  type: peridic\n"), 5, "p1",
     "unknown mode type 'peridic' (did you mean 'periodic'?)"),
    ("wrong-type-days",
     policy("filters:\n  - type: instance-age\n    days: \"5\"\n"), 6, "p1",
     "filter 'instance-age': 'days' must be a number, got a string '5'"),
    ("wrong-type-key",
     policy("filters:\n  - type: value\n    key: 5\n    value: x\n"), 6, "p1",
     "filter 'value': 'key' must be a string, got a number 5"),
    ("wrong-type-filters",
     policy("filters:\n  State: running\n"), 4, "p1",
     "'filters' must be a list, got a mapping {'State': 'running'}"),
    ("wrong-type-mode",
     policy("mode: periodic\n"), 4, "p1",
     "'mode' must be a mapping, got a string 'periodic'"),
    ("wrong-type-mode-field",
     policy("mode:\n  type: periodic\n  schedule: 5\n"), 6, "p1",
     "mode: 'schedule' must be a string, got a number 5"),
    ("missing-name",
     "policies:\n  - resource: aws.ec2\n", 2, None,
     "missing required key 'name'"),
    ("missing-resource",
     "policies:\n  - name: p1\n", 2, "p1",
     "missing required key 'resource'"),
    ("missing-value-filter-key",
     policy("filters:\n  - type: value\n    value: running\n"), 5, "p1",
     "filter 'value': missing required key 'key'"),
    ("missing-value-filter-value",
     policy("filters:\n  - type: value\n    key: State\n"), 5, "p1",
     "filter 'value': missing required key 'value'"),
    ("invalid-jmespath",
     policy("filters:\n  - type: value\n    key: State.[Name\n    value: running\n"), 5, "p1",
     "filter 'value': invalid JMESPath key 'State.[Name': Incomplete expression at column 12"),
    ("invalid-jmespath-shorthand",
     policy("filters:\n  - 'a..b': 1\n"), 5, "p1",
     "filter 'value': invalid JMESPath key 'a..b': Expecting: ['quoted_identifier', 'unquoted_identifier', "
     "'lbracket', 'lbrace'], got: dot at column 3"),
    ("age-with-string",
     policy("filters:\n  - type: value\n    key: LaunchTime\n    value_type: age\n    value: \"5\"\n"), 5, "p1",
     "filter 'value': value_type 'age' needs a number as 'value', got '5'"),
    ("age-with-date",
     policy("filters:\n  - type: value\n    key: LaunchTime\n    value_type: age\n    value: 2030-01-01\n"), 5, "p1",
     "filter 'value': value_type 'age' needs a number as 'value', got datetime.date(2030, 1, 1)"),
    ("bad-regex",
     policy("filters:\n  - type: value\n    key: Name\n    op: regex\n    value: '(web'\n"), 5, "p1",
     "filter 'value': invalid regex '(web': missing ), unterminated subpattern at position 0"),
    ("regex-not-a-string",
     policy("filters:\n  - type: value\n    key: Size\n    op: regex\n    value: 5\n"), 5, "p1",
     "filter 'value': op 'regex' needs a regular expression (a string) as 'value', got 5"),
    ("value-regex-two-groups",
     policy("filters:\n  - type: value\n    key: Name\n    value_regex: '(a)(b)'\n    value: x\n"), 5, "p1",
     "filter 'value': value_regex needs exactly one capture group"),
    ("expr-not-a-key",
     policy("filters:\n  - type: value\n    key: SubnetId\n    value_type: expr\n    value: 5\n"), 5, "p1",
     "filter 'value': value_type 'expr' needs a key of the resource as 'value', got 5"),
    ("expr-bad-jmespath",
     policy("filters:\n  - type: value\n    key: SubnetId\n    value_type: expr\n    value: 'a[0'\n"), 5, "p1",
     "filter 'value': invalid JMESPath value 'a[0': Incomplete expression at column 4"),
    ("bad-date",
     policy("filters:\n  - type: value\n    key: CreateTime\n    value_type: date\n    value: someday\n"), 5, "p1",
     "filter 'value': value_type 'date' needs a date as 'value', got 'someday'"),
    ("bad-cidr",
     policy("filters:\n  - type: value\n    key: CidrIp\n    value_type: cidr\n    value: 10.0.0.300/8\n"), 5, "p1",
     "filter 'value': value '10.0.0.300/8' is not an IP address or CIDR"),
    ("filter-instead-of-filters",
     policy("filter:\n  - State: running\n"), 4, "p1",
     "unknown key 'filter' (did you mean 'filters'?)"),
    ("unknown-policy-key",
     policy("acitons: [stop]\n"), 4, "p1",
     "unknown key 'acitons' (did you mean 'actions'?)"),
    ("block-not-a-list",
     policy("filters:\n  - or: State\n"), 5, "p1",
     "'or' takes a list of filters, got a string"),
    ("filter-not-a-mapping",
     policy("filters:\n  - 5\n"), 5, "p1",
     "a filter must be a mapping or a name, got a number"),
    ("bad-policy-name",
     policy("", name="'bad name'"), 2, "bad name",
     "invalid name 'bad name': use letters, digits, '-' or '_', starting with a letter"),
    ("duplicate-key",
     policy("resource: aws.ebs\n"), 4, "p1",
     "duplicate key 'resource' in the same mapping"),
    ("python-object-tag",
     "policies:\n  - name: p1\n    resource: !!python/object/apply:os.system ['exit 3']\n", 3, None,
     "YAML tag '!!python/object/apply:os.system' is not allowed: policy files hold plain data only"),
    ("custom-tag",
     "policies:\n  - name: !Ref Name\n    resource: aws.ec2\n", 2, None,
     "YAML tag '!Ref' is not allowed: policy files hold plain data only"),
    ("not-a-mapping",
     "- name: p1\n  resource: aws.ec2\n", 1, None,
     "expected a mapping with a 'policies' list"),
    ("policies-misspelt",
     "polices:\n  - name: p1\n", 1, None,
     "expected a mapping with a 'policies' list (did you mean 'policies'?)"),
    ("policies-not-a-list",
     "policies:\n  name: p1\n", 1, None,
     "'policies' must be a list"),
    ("policy-not-a-mapping",
     "policies:\n  - p1\n", 2, None,
     "a policy must be a mapping"),
    ("unknown-top-level-key",
     "policies: []\nvariables: {}\n", 2, None,
     "unknown top-level key 'variables' (did you mean 'vars'?)"),
]


@pytest.mark.parametrize("case_id,text,line,name,message", SINGLE_ERRORS, ids=[c[0] for c in SINGLE_ERRORS])
def test_each_mistake_is_one_exact_line(cli, write_policies, case_id, text, line, name, message):
    path = write_policies(text)
    result = validate(cli, path)
    who = f" policy '{name}':" if name else ""
    assert error_lines(result) == [f"{path}:{line}:{who} {message}", "1 error(s) found"]
    assert result.exit_code == 1


def test_empty_file(cli, write_policies):
    path = write_policies("")
    result = validate(cli, path)
    assert error_lines(result) == [f"{path}: empty file: expected a mapping with 'policies'", "1 error(s) found"]
    assert result.exit_code == 1


def test_yaml_is_loaded_safely_tags_never_run(cli, write_policies, tmp_path):
    marker = tmp_path / "executed"
    path = write_policies(f"policies:\n  - name: p1\n    resource: !!python/object/apply:os.system ['touch {marker}']\n"
                          f"  - name: p2\n    resource: !!python/object/new:pathlib.Path ['{marker}']\n")
    result = validate(cli, path)
    assert result.exit_code == 1
    assert "is not allowed" in result.output
    assert not marker.exists()


def test_directory_without_policy_files(cli, tmp_path):
    empty = tmp_path / "nothing-here"
    (empty / "sub").mkdir(parents=True)
    (empty / "notes.txt").write_text("policies: []")
    result = validate(cli, str(empty))
    assert error_lines(result) == [f"{empty}: no policy files (*.yml, *.yaml, *.json) here", "1 error(s) found"]
    assert result.exit_code == 1


def test_path_that_does_not_exist(cli, tmp_path):
    missing = tmp_path / "nope.yml"
    result = validate(cli, str(missing))
    assert error_lines(result) == [f"{missing}: no such file or directory", "1 error(s) found"]
    assert result.exit_code == 1


def test_duplicate_policy_names_across_files(cli, write_policies):
    first = write_policies("policies:\n  - name: shared\n    resource: aws.ec2\n", "a.yml")
    second = write_policies("policies:\n  - name: other\n    resource: aws.ec2\n"
                            "  - name: shared\n    resource: aws.ebs\n", "b.yml")
    result = validate(cli, first, second)
    assert error_lines(result) == [
        f"{second}:4: policy 'shared': duplicate policy name (first defined at {first}:2)", "1 error(s) found"]
    assert result.exit_code == 1


def test_every_error_in_every_file_in_one_pass(cli, write_policies, tmp_path):
    broken_yaml = write_policies("policies:\n  - name: [x\n", "1-broken.yml")
    clean = write_policies("policies:\n  - name: fine\n    resource: aws.ec2\n", "2-clean.yml")
    several = write_policies(textwrap.dedent("""\
        policies:
          - name: first
            resource: aws.ecc2
          - name: second
            resource: aws.ec2
            filters:
              - type: value
                key: State
                op: regex
                value: "(running"
            actions:
              - stopp
          - name: third
            resource: aws.ec2
            filter: []
        """), "3-several.yml")
    missing = str(tmp_path / "4-missing.yml")
    result = validate(cli, broken_yaml, clean, several, missing)
    assert error_lines(result) == [
        f"{missing}: no such file or directory",
        f"{broken_yaml}:2: YAML syntax error: while parsing a flow sequence: did not find expected ',' or ']'",
        f"{several}:3: policy 'first': unknown resource 'aws.ecc2' (did you mean 'aws.ec2'?)",
        f"{several}:7: policy 'second': filter 'value': invalid regex '(running': missing ), "
        "unterminated subpattern at position 0",
        f"{several}:12: policy 'second': unknown action 'stopp' for aws.ec2 (did you mean 'stop'?)",
        f"{several}:15: policy 'third': unknown key 'filter' (did you mean 'filters'?)",
        "6 error(s) found",
    ]
    assert result.exit_code == 1


def test_json_policy_errors_have_lines(cli, write_policies):
    path = write_policies('{\n  "policies": [\n    {"name": "j1",\n     "resource": "aws.ecc2"}\n  ]\n}\n', "p.json")
    result = validate(cli, path)
    assert error_lines(result) == [
        f"{path}:4: policy 'j1': unknown resource 'aws.ecc2' (did you mean 'aws.ec2'?)", "1 error(s) found"]


def test_a_clean_file_exits_zero(cli, write_policies):
    path = write_policies(textwrap.dedent("""\
        policies:
          - name: stopped-untagged
            resource: ec2
            description: stopped instances without an owner
            filters:
              - State.Name: stopped
              - tag:Owner: absent
              - or:
                  - type: value
                    key: InstanceType
                    op: in
                    value: [t2.micro, t3.micro]
                  - not:
                      - type: value
                        key: LaunchTime
                        value_type: age
                        op: lt
                        value: 30
            actions:
              - stop
            metadata:
              severity: low
          - name: dated
            resource: aws.ebs
            filters:
              - type: value
                key: CreateTime
                value_type: date
                op: lt
                value: 2030-01-01
              - type: value
                key: Size
                value_type: integer
                op: in
                value: [8, 16]
          - name: counted
            resource: aws.ec2
            filters:
              - type: value
                value_type: resource_count
                op: gt
                value: 100
        """))
    result = validate(cli, path)
    assert result.exit_code == 0, result.output
    assert error_lines(result) == ["3 policies valid"]


def test_run_refuses_invalid_policies_before_calling_aws(server, cli, write_policies):
    path = write_policies(policy("filters:\n  - type: vaule\n"))
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 1
    assert "unknown filter 'vaule'" in result.output and "Traceback" not in result.output
    assert server.requests == []
    assert not result.output_dir.exists()


def test_validate_does_not_import_boto3(write_policies):
    path = write_policies(policy("filters:\n  - tag:Owner: absent\nactions:\n  - stop\n"))
    script = ("import sys\nfrom c7n_lite.cli import main\n"
              f"sys.argv = ['c7n-lite', 'validate', {path!r}]\n"
              "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'moto')))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
