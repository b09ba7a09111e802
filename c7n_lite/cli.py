"""The c7n-lite command line: validate, run, schema, and (loaded on demand)
package, deploy, gc, invoke and report."""
from __future__ import annotations

import contextlib
import fnmatch
import importlib
import logging
import sys
from typing import Any

import click

# Commands that live in their own modules, imported only when used so that
# `validate` and `run` stay quick to start.
LAZY_COMMANDS = {
    "package": "c7n_lite.deploy.commands:package",
    "deploy": "c7n_lite.deploy.commands:deploy",
    "gc": "c7n_lite.deploy.commands:gc",
    "invoke": "c7n_lite.deploy.commands:invoke",
    "report": "c7n_lite.report.commands:report",
    "org": "c7n_lite.org.commands:org",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module, attr = LAZY_COMMANDS[name].split(":")
            try:
                return getattr(importlib.import_module(module), attr)
            except (ImportError, AttributeError):
                return None
        return super().get_command(ctx, name)


def fail(lines: list[Any], code: int = 1) -> None:
    """Each line on stderr (control characters escaped; a multi-line text, such as a
    subprocess's stderr, line by line), then exit `code` (1; 2 for credentials and regions)."""
    from c7n_lite.textsafe import safe
    for line in lines:
        for part in str(line).splitlines() or [""]:
            click.echo(safe(part), err=True)
    sys.exit(code)


def load_or_exit(paths: tuple[str, ...], names: tuple[str, ...] = ()) -> list[dict]:
    """Validated policy dicts, or every error on stderr and exit 1."""
    from c7n_lite.schema import load_policies
    specs, errors = load_policies(list(paths))
    if errors:
        fail(errors + [f"{len(errors)} error(s) found"])
    if names:
        specs = [s for s in specs if any(fnmatch.fnmatch(s.name, n) for n in names)]
        if not specs:
            fail([f"no policy matches {', '.join(names)}"])
    return [s.data for s in specs]


def setup_logging(verbose: int) -> None:
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    root = logging.getLogger()
    fresh = not root.handlers
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if fresh:
        # The terminal shows `level`; each policy's custodian-run.log still gets INFO.
        from c7n_lite.textsafe import SafeFormatter
        root.handlers[0].setLevel(level)
        root.handlers[0].setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger("c7n_lite").setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="c7n-lite", message="%(version)s")
def main() -> None:
    """Cloud Custodian-style policies for AWS: validate, dry-run, deploy, report."""


@main.command()
def version() -> None:
    """Versions of c7n_lite and of the AWS libraries it calls."""
    import platform
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed
    for label, dist in (("c7n_lite", "c7n-lite"), ("boto3", "boto3"), ("botocore", "botocore")):
        try:
            click.echo(f"{label} {installed(dist)}")
        except PackageNotFoundError:
            click.echo(f"{label} not installed")
    click.echo(f"python {platform.python_version()}")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--custodian-compat", "compat", is_flag=True,
              help="For a Cloud Custodian policy library: each policy, ready or what blocks it, and counts.")
def validate(paths: tuple[str, ...], compat: bool) -> None:
    """Check policy files; every error, one line each."""
    if compat:
        from c7n_lite.custodian import compat_report
        from c7n_lite.schema import load_policies
        lines, blocked = compat_report(*load_policies(list(paths)))
        for line in lines:
            click.echo(line)
        sys.exit(1 if blocked else 0)
    policies = load_or_exit(paths)
    click.echo(f"{len(policies)} policies valid")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-s", "--output-dir", default="out", show_default=True, help="Where results are written.")
@click.option("-d", "--dryrun", "--dry-run", is_flag=True, help="Change nothing; save and show the plan.")
@click.option("-r", "--region", "regions", multiple=True,
              help="Region (repeatable); `all`: every region enabled in the account.")
@click.option("-p", "--policy", "names", multiple=True, help="Only policies with this name (glob).")
@click.option("--profile", help="AWS profile.")
@click.option("--sandbox", is_flag=True, help="Run against an embedded moto account with demo resources.")
@click.option("--denied-reads", type=click.Choice(["error", "warn"]), default="error", show_default=True,
              help="warn: resources whose reads were denied stay errored (never passed) but do not fail the run.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Policies and regions run at once (default 8).")
@click.option("-m", "--metrics", "--metrics-enabled", "metrics", metavar="aws[://…]",
              help="CloudWatch metrics per policy, as Custodian's: aws, aws://?region=R&namespace=N, aws://master.")
@click.option("-v", "--verbose", count=True)
def run(paths: tuple[str, ...], output_dir: str, dryrun: bool, regions: tuple[str, ...],
        names: tuple[str, ...], profile: str | None, sandbox: bool, denied_reads: str, jobs: int | None,
        metrics: str | None, verbose: int) -> None:
    """Run policies against an account (pull mode)."""
    setup_logging(verbose)
    policies = load_or_exit(paths, names)
    from c7n_lite.memory import limit_malloc_arenas
    limit_malloc_arenas()  # before any worker thread
    from c7n_lite.aws.session import STOP
    from c7n_lite.runner import DEFAULT_WORKERS, default_region, run_policies
    from c7n_lite.summary import Summary
    endpoint = None
    server = None
    from c7n_lite.preflight import PreflightError, check_regions
    try:
        check_regions(regions)  # before the sandbox starts or anything is called
    except PreflightError as exc:
        fail([str(exc)], code=2)
    if sandbox:
        from c7n_lite.sandbox import SandboxUnavailable, start_sandbox
        try:
            server = start_sandbox()
        except SandboxUnavailable as exc:
            fail([f"sandbox: {exc}"])
        endpoint = server.endpoint
        click.echo(f"sandbox: demo account {server.account_id} at {endpoint}", err=True)
    from c7n_lite.preflight import PreflightError, preflight_run
    try:
        run_regions, account_id = preflight_run(list(regions) or [default_region()], default_region(), profile,
                                                endpoint, sandbox)
    except PreflightError as exc:
        if server is not None:
            server.stop()
        fail([str(exc)], code=2)
    local_dir, publish, staging = output_dir, None, None
    if output_dir.startswith("s3://"):
        import tempfile

        from c7n_lite.sinks import S3Sink
        staging = tempfile.TemporaryDirectory(prefix="c7n-lite-run-")
        local_dir = staging.name
        try:
            publish = S3Sink(output_dir, staging.name, profile, endpoint).publish
        except ValueError as exc:
            fail([str(exc)])
    from c7n_lite.metrics import MetricsError
    from c7n_lite.sinks import metrics_sink
    try:
        sink = metrics_sink(metrics, policies, profile, endpoint)
    except MetricsError as exc:
        fail([str(exc)], code=2)
    from c7n_lite.progress import for_run
    display = for_run(len(policies) * len(run_regions))   # None off a terminal: plain lines as they come
    summary = Summary(policies, dryrun, run_regions, defer=display is not None)
    on_result = summary.line if sink is None else lambda r: (sink.add(r), summary.line(r))
    previous = _stop_on_interrupt()
    try:
        with display or contextlib.nullcontext():
            runs = run_policies(policies, local_dir, run_regions, dryrun,
                                endpoint_url=endpoint, profile=profile, denied_reads_warn=denied_reads == "warn",
                                account_id=account_id, on_result=on_result, workers=jobs or DEFAULT_WORKERS,
                                publish=publish, watch=display.watch if display else None)
    finally:
        summary.flush()   # the table, where the display was
        _restore_interrupt(previous)
        metrics_failed = sink.flush() if sink is not None else []
        for line in metrics_failed:
            click.echo(line, err=True)
        if server is not None:
            server.stop()
        if staging is not None:
            staging.cleanup()
    interrupted = STOP.is_set()
    ok = summary.totals(runs, output_dir, interrupted)
    sys.exit(130 if interrupted else 0 if ok and not metrics_failed else 1)


def _stop_on_interrupt() -> Any:
    """First Ctrl-C: finish the calls in flight, record what changed, stop.  Second: abort."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        return None
    from c7n_lite.aws.session import STOP

    def stop(signum: int, frame: Any) -> None:
        if STOP.is_set():
            raise KeyboardInterrupt
        STOP.set()
        click.echo("interrupted: finishing the calls in flight (Ctrl-C again to abort)", err=True)
    return signal.signal(signal.SIGINT, stop)


def _restore_interrupt(previous: Any) -> None:
    if previous is not None:
        import signal
        signal.signal(signal.SIGINT, previous)


@main.command()
@click.argument("path", required=False)
@click.option("--json", "as_json", is_flag=True,
              help="The JSON Schema (of PATH's part only when given); an editor's YAML language server reads it.")
@click.option("--modes", "list_modes", is_flag=True, help="The execution modes (as `schema mode`).")
def schema(path: str | None, as_json: bool, list_modes: bool) -> None:
    """What the policy language offers, by Custodian's dotted paths: `schema` (resource types),
    `schema aws.ec2`, `schema aws.ec2.filters`, `schema aws.ec2.filters.value`,
    `schema aws.ec2.actions.stop`, `schema --modes`, `schema mode.cloudtrail`."""
    from c7n_lite.explain import PathError, render, resolve
    from c7n_lite.explain import as_json as part
    try:
        answer = resolve("mode" if list_modes and not path else path)
    except PathError as exc:
        fail([str(exc)])
    if as_json:
        from c7n_lite.output import dumps
        click.echo(dumps(part(answer)))
        return
    for line in render(answer):
        click.echo(line)
