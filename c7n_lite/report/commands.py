"""`c7n-lite report OUTDIR…`: a compliance report from run output directories."""
from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path

import click

from c7n_lite.report.collect import SEVERITIES, Findings, ReportError, collect, severity_rank

FORMATS = {"table": "table", "json": "json_report", "csv": "csv_report", "html": "html_report",
           "junit": "junit_report", "markdown": "markdown_report", "ocsf": "ocsf_report", "asff": "asff_report"}
SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".html": "html", ".htm": "html", ".xml": "junit",
                  ".md": "markdown"}
# Double suffixes: report.ocsf.json, findings.asff.json.
SUFFIX2_FORMATS = {".ocsf.json": "ocsf", ".asff.json": "asff"}
# Exit codes: 0 fine, 1 findings at or above --fail-on, 2 unreadable input.
EXIT_FINDINGS = 1
EXIT_INPUT = 2


def format_for(output: str) -> str:
    """The format an -o file's name asks for (`.ocsf.json` before `.json`); table if none."""
    suffixes = "".join(Path(output).suffixes[-2:]).lower()
    if suffixes in SUFFIX2_FORMATS:
        return SUFFIX2_FORMATS[suffixes]
    return SUFFIX_FORMATS.get(Path(output).suffix.lower(), "table")


def render(findings: Findings, fmt: str) -> str:
    module = importlib.import_module(f"c7n_lite.report.{FORMATS[fmt]}")
    return module.render(findings)


def gate(findings: Findings, threshold: str) -> list[str]:
    """Why the report fails `--fail-on threshold`: one line per policy at or above it
    with non-compliant resources, or whose run had errors (it checked nothing)."""
    minimum = 1 if threshold == "any" else severity_rank(threshold)
    reasons = []
    for r in findings.current:
        if threshold != "any" and severity_rank(r.severity) < minimum:
            continue
        where = f"{r.account}/{r.region}"
        if r.failed:
            reasons.append(f"{r.name} ({r.severity or 'no severity'}, {where}): {r.failed} non-compliant "
                           f"{r.resource_type}")
        if r.errors:
            reasons.append(f"{r.name} ({r.severity or 'no severity'}, {where}): run had {len(r.errors)} error(s)")
    return reasons


def _local_copies(output_dirs: tuple[str, ...], staging: Path) -> list[str]:
    """Local directories as they are; an s3://bucket/prefix copied down first."""
    from c7n_lite.sinks import download_prefix, is_s3
    local = []
    for index, location in enumerate(output_dirs):
        if not is_s3(location):
            local.append(location)
            continue
        target = staging / str(index)
        try:
            count = download_prefix(location, target)
        except Exception as exc:  # noqa: BLE001 - one line for the user
            from c7n_lite.aws.session import error_code, error_message
            raise ReportError(f"{location}: {error_code(exc)}: {error_message(exc)}") from None
        if not count:
            raise ReportError(f"{location}: no objects under that prefix")
        local.append(str(target))
    return local


@click.command()
@click.argument("output_dirs", nargs=-1, required=True, metavar="OUTDIR...")
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)),
              help="Report format [default: table, or from the -o file's suffix].")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice([*SEVERITIES, "any"]),
              help="Exit 1 if a policy at or above this severity found non-compliant resources "
                   "or failed to run (`any`: every policy, rated or not).")
def report(output_dirs: tuple[str, ...], fmt: str | None, output: str | None, fail_on: str | None) -> None:
    """Compliance report from the output dirs of `c7n-lite run` (several: accounts, regions, dates)."""
    if fmt is None:
        fmt = format_for(output) if output else "table"
    with tempfile.TemporaryDirectory(prefix="c7n-lite-report-") as staging:
        try:
            findings = collect(_local_copies(output_dirs, Path(staging)))
        except ReportError as exc:
            click.echo(f"report: {exc}", err=True)
            sys.exit(EXIT_INPUT)
    text = render(findings, fmt)
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            click.echo(f"report: cannot write {output}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_INPUT)
        click.echo(f"{fmt} report of {len(findings.current)} policy result(s) written to {output}", err=True)
    else:
        click.echo(text, nl=False)
    if fail_on:
        reasons = gate(findings, fail_on)
        if reasons:
            for reason in reasons:
                click.echo(f"fail-on {fail_on}: {reason}", err=True)
            sys.exit(EXIT_FINDINGS)
