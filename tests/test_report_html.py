"""The HTML report's charts, phone layout and caps, read back from the page's
structure (html.parser): what headless Chromium showed at 1280 px and 400 px
is pinned here without needing a browser."""
from __future__ import annotations

import csv
import io
import re

import pytest

from tests.report_helpers import assert_offline, parse_page, parse_tree
from tests.test_report_errored import errored_run  # noqa: F401 - a fixture

POLICIES = """
policies:
  - name: ec2-owner-tag
    resource: aws.ec2
    filters: [{"tag:Owner": absent}]
    metadata: {controls: [NIST-800-53-r5-CM-8], severity: medium}
  - name: ebs-unencrypted
    resource: aws.ebs
    filters: [{Encrypted: false}]
    metadata: {controls: [AWS-FSBP-EC2.3], severity: high}
"""
OWNERLESS = 30


@pytest.fixture
def fleet(aws, cli, write_policies):
    """30 instances without an Owner tag, 2 with; every root volume is unencrypted, one more volume is not."""
    ec2 = aws("ec2")
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=OWNERLESS, MaxCount=OWNERLESS)
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Owner", "Value": "alice"}]}])
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=5, Encrypted=True)
    volumes = ec2.describe_volumes()["Volumes"]
    run = cli("run", "--dryrun", write_policies(POLICIES))
    assert run.exit_code == 0, run.output
    page = cli("report", str(run.output_dir), "-f", "html")
    assert page.exit_code == 0
    assert_offline(parse_page(page.output))
    return run, parse_tree(page.output), page.output, len(volumes)


def widths(bar) -> dict[str, float]:
    return {next(iter(seg.classes - {"seg"})): float(re.search(r"width:([\d.]+)%", seg.attrs["style"]).group(1))
            for seg in bar.find_all("span", cls="seg")}


def test_failed_resource_tables_are_capped_with_a_pointer_to_the_csv(fleet, cli):
    run, tree, _, _ = fleet
    article = next(a for a in tree.find_all("article") if a.find("h3").text == "ec2-owner-tag")
    rows = article.find("tbody").find_all("tr")
    assert len(rows) == 25
    assert article.find("p", cls="more").text == \
        f"… and {OWNERLESS - 25} more — full list in the CSV (c7n-lite report … --format csv)."
    listed = {row.find("td").text for row in rows}
    every = [r for r in csv.DictReader(io.StringIO(cli("report", str(run.output_dir), "-f", "csv").output))
             if r["policy"] == "ec2-owner-tag"]
    assert len(every) == OWNERLESS and listed < {r["id"] for r in every}


def test_by_severity_chart_is_failed_over_evaluated_with_a_legend_saying_so(fleet):
    _, tree, _, volumes = fleet
    figure = tree.find("figure", id="chart-severity")
    assert figure.find("figcaption").text == "Failed / evaluated by severity"
    labels = [e.text for e in figure.find_all("span", cls="bar-label")]
    values = [e.text for e in figure.find_all("span", cls="bar-value")]
    assert labels == ["critical", "high", "medium", "low"]
    fleet_size = OWNERLESS + 2
    assert values == ["0/0", f"{volumes - 1}/{volumes} ({100 * (volumes - 1) / volumes:.0f}% failed)",
                      f"{OWNERLESS}/{fleet_size} (94% failed)", "0/0"]
    medium = figure.find_all("span", cls="bar")[2]
    assert widths(medium) == {"fail": 93.75, "pass": 6.25}  # a ratio: the bar is the evaluations, not a count
    assert medium.attrs["aria-label"] == f"medium: {OWNERLESS} failed of {fleet_size} evaluated, 2 passed"
    legend = figure.find("p", cls="legend").text
    assert legend == " failed  passed. Each bar is 100% of the resources evaluated; the figure is failed/evaluated."


def test_errored_evaluations_have_their_own_segment_and_legend(errored_run, cli):  # noqa: F811
    run, _ = errored_run
    tree = parse_tree(cli("report", str(run.output_dir), "-f", "html").output)
    figure = tree.find("figure", id="chart-severity")
    high = figure.find_all("span", cls="bar")[1]
    assert widths(high) == {"error": 100.0}  # never drawn green
    assert high.attrs["aria-label"] == "high: 0 failed of 3 evaluated, 0 passed, 3 errored"
    assert "errored (not checked)" in figure.find("p", cls="legend").text


def test_controls_table_keeps_the_status_column_on_a_phone(fleet):
    _, tree, text, _ = fleet
    table = tree.find("section", id="controls").find("table")
    head = table.find("thead").find_all("th")
    assert [th.text for th in head] == ["Control", "Status", "Severity", "Failed", "Evaluated", "Passed",
                                        "Compliance", "Policies"]
    hidden = {th.text for th in head if "opt" in th.classes}
    assert hidden == {"Evaluated", "Passed", "Compliance", "Policies"}
    for row in table.find("tbody").find_all("tr"):
        cells = row.find_all("td")
        assert [("opt" in c.classes) for c in cells] == [("opt" in th.classes) for th in head]
        assert cells[1].find("span", cls="badge").text in ("fail", "pass", "error")
    # Below 40rem (a 400 px phone) the optional columns go and long ids wrap; printing shows them again.
    phone = re.search(r"@media \(max-width: 40rem\) \{(.*?)\n\}", text, re.S).group(1)
    assert ".opt { display: none; }" in phone and "td.wrap { overflow-wrap: anywhere; }" in phone
    printed = re.search(r"@media print \{(.*?)\n\}", text, re.S).group(1)
    assert ".opt { display: table-cell; }" in printed


def test_trend_labels_differ_for_runs_in_the_same_minute(aws, cli, write_policies, tmp_path):
    path = write_policies(POLICIES)
    aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2)
    first = cli("run", "--dryrun", path, output_dir=str(tmp_path / "first"))
    aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    second = cli("run", "--dryrun", path, output_dir=str(tmp_path / "second"))
    tree = parse_tree(cli("report", str(first.output_dir), str(second.output_dir), "-f", "html").output)
    figure = tree.find("figure", id="chart-runs")
    labels = figure.find_all("span", cls="bar-label")
    starts = [first.metadata("ec2-owner-tag")["execution"]["start"],
              second.metadata("ec2-owner-tag")["execution"]["start"]]
    # Start to the second, and the run's directory under it: never two alike.
    assert [label.text for label in labels] == [f"{starts[0][:19].replace('T', ' ')}first",
                                                f"{starts[1][:19].replace('T', ' ')}second"]
    assert [label.find("small").text for label in labels] == ["first", "second"]
    # Counts that fit: the figures are text beside the bars (failed/evaluated of each run, both policies).
    assert [v.text for v in figure.find_all("span", cls="bar-value")] == ["4/4", "6/6"]
    assert "Bar length: resources evaluated in the run (the longest is 6)" in figure.find("p", cls="legend").text
