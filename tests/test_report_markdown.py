"""`report --format markdown`: the pull-request comment, line by line."""
from __future__ import annotations

from tests.test_report import NASTY_NAME
from tests.test_report_errored import errored_run  # noqa: F401 - a fixture
from tests.test_report_findings import audit  # noqa: F401 - a fixture


def start(run, policy: str) -> str:
    return run.metadata(policy)["execution"]["start"][:16].replace("T", " ")


def test_markdown_comment_has_headline_failed_controls_and_resources(audit, cli, tmp_path):  # noqa: F811
    run, facts = audit
    target = tmp_path / "comment.md"
    result = cli("report", str(run.output_dir), "-o", str(target))  # the format from the suffix
    assert result.exit_code == 0, result.output
    lines = target.read_text().splitlines()
    volumes, failed = facts["volumes"], len(facts["unencrypted"])
    latest = max(start(run, p) for p in ("ec2-owner-tag", "ebs-unencrypted", "ec2-no-tiny"))
    evaluated = 3 + volumes + 3
    assert lines[:11] == [
        "## ❌ Compliance: 2 of 3 policies failed",
        "",
        "| | policies | resource evaluations |",
        "|---|---:|---:|",
        f"| failed | 2 | {1 + failed} |",
        f"| passed | 1 | {evaluated - 1 - failed} |",
        "| errored (not checked) | 0 | 0 |",
        f"| **total** | **3** | **{evaluated}** |",
        "",
        f"{100 * (evaluated - 1 - failed) / evaluated:.0f}% of the checked evaluations passed · 1 account · "
        f"1 region · run {latest} UTC",
        "",
    ]
    assert lines[11:19] == [
        "### Failed controls by severity",
        "",
        "3 controls failed: 2 high · 1 medium",
        "",
        "| severity | control | failed / evaluated | policies |",
        "|---|---|---:|---|",
        f"| high | `AWS-FSBP-EC2.3` | {failed} / {volumes} | `ebs-unencrypted` |",
        f"| high | `CIS-AWS-v3.0.0-2.2.1` | {failed} / {volumes} | `ebs-unencrypted` |",
    ]
    assert lines[19] == "| medium | `NIST-800-53-r5-CM-8` | 1 / 3 | `ec2-owner-tag` |"
    assert "### Policies with errors" not in lines
    details = lines[lines.index("<details><summary>Failed resources</summary>"):]
    assert details[2] == f"- `ebs-unencrypted` (high, `123456789012` `us-east-1`): {failed} of {volumes} " \
                         "`aws.ebs` failed"
    assert sorted(details[3:3 + failed]) == sorted(f"  - `{v}`" for v in facts["unencrypted"])
    owner = details.index("- `ec2-owner-tag` (medium, `123456789012` `us-east-1`): 1 of 3 `aws.ec2` failed")
    # A resource's name is a code span: it cannot format the comment, link or inject HTML.
    assert details[owner + 1] == f"  - `{facts['ownerless']}` `{NASTY_NAME}`"
    assert details[owner + 2] == "  - _Remediation:_ Tag the instance with Owner=\\<team\\>."
    assert details[-1] == "</details>"


def test_markdown_lists_policies_with_errors_and_never_calls_them_passed(errored_run, cli):  # noqa: F811
    run, _ = errored_run
    text = cli("report", str(run.output_dir), "-f", "markdown").output
    lines = text.splitlines()
    assert lines[0] == "## ❌ Compliance: 1 of 2 policies failed, 1 errored"
    assert "| errored (not checked) | 1 | 3 |" in lines
    errors = lines[lines.index("### Policies with errors"):]
    assert errors[2] == "Errored resources could not be checked: they count neither as failed nor as passed."
    assert errors[4] == ("- `ebs-snapshot-publicly-restorable` (`123456789012` `us-east-1`): 3 of 3 not checked, "
                         "1 error; first: `DescribeSnapshotAttribute: UnauthorizedOperation`")


def test_markdown_lists_are_capped(aws, cli, write_policies):
    aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=12, MaxCount=12)
    run = cli("run", "--dryrun", write_policies("""
policies:
  - name: ec2-owner-tag
    resource: aws.ec2
    filters: [{"tag:Owner": absent}]
    metadata: {severity: low}
"""))
    lines = cli("report", str(run.output_dir), "-f", "markdown").output.splitlines()
    head = lines.index("- `ec2-owner-tag` (low, `123456789012` `us-east-1`): 12 of 12 `aws.ec2` failed")
    assert [line.startswith("  - `i-") for line in lines[head + 1:head + 6]] == [True] * 5
    assert lines[head + 6] == "  - … and 7 more"
    # No controls: nothing in the by-control table, and the headline still counts the policy.
    assert lines[0] == "## ❌ Compliance: 1 of 1 policy failed"
    assert "| low | `(no control)` | 12 / 12 | `ec2-owner-tag` |" in lines


def test_markdown_code_spans_survive_backticks_and_pipes(cli):
    from c7n_lite.report.markdown_report import code, md
    assert code("a|b") == "`a\\|b`"
    assert code("x`y") == "`` x`y ``"
    assert code("line\nbreak") == "`line break`"
    assert md("<img src=x onerror=alert(1)> *bold* [link](http://x)") == \
        "\\<img src=x onerror=alert\\(1\\)\\> \\*bold\\* \\[link\\]\\(http://x\\)"
