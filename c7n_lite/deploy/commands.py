"""CLI commands: package, deploy, gc, invoke (loaded by c7n_lite.cli on demand)."""
from __future__ import annotations

import json
import os
import sys

import click

from c7n_lite.cli import fail, load_or_exit, setup_logging
from c7n_lite.textsafe import safe


def _session(region: str | None, dryrun: bool, profile: str | None = None):  # noqa: ANN202 - AwsSession
    from c7n_lite.aws.session import AwsSession
    from c7n_lite.regions import RegionError, check_region
    from c7n_lite.runner import default_region
    region = region or default_region()
    try:
        check_region(region)
    except RegionError as exc:
        fail([str(exc)], code=2)
    return AwsSession(region, profile=profile, dryrun=dryrun)


def _aws_failure(command: str, exc: Exception) -> None:
    """No credentials, no endpoint, an AWS error before any plan: one line, exit 1."""
    from c7n_lite.aws.session import describe_error
    fail([f"{command}: {describe_error(exc)}"])


def _aws_errors() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError
    return (BotoCoreError, ClientError)


def _one_policy(paths: tuple[str, ...], name: str) -> dict:
    from c7n_lite.deploy.target import is_serverless
    found = load_or_exit(paths, (name,))
    if len(found) != 1:
        fail([f"{name!r} matches {len(found)} policies: {', '.join(p['name'] for p in found)}"])
    if not is_serverless(found[0]):
        fail([f"policy {found[0]['name']} runs in pull mode: nothing to package (use `run`)"])
    return found[0]


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-p", "--policy", "name", required=True, help="The policy to package.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the zip (or the template).")
@click.option("-f", "--format", "fmt", type=click.Choice(["zip", "cloudformation"]), default="zip",
              show_default=True, help="zip: the Lambda archive; cloudformation: a template (JSON, or YAML "
              "when OUTPUT ends in .yml/.yaml) for CloudFormation and StackSets.")
@click.option("--code-uri", help="cloudformation: the code's S3 object, s3://bucket/key (${AWS::Region} "
              "allowed in the bucket); the archive is written beside the template to upload there. "
              "Default: the code inline.")
def package(paths: tuple[str, ...], name: str, output: str, fmt: str, code_uri: str | None) -> None:
    """Write the Lambda archive deploy would upload for one policy, or a CloudFormation template."""
    from c7n_lite.deploy.archive import build
    data = _one_policy(paths, name)
    if fmt == "cloudformation":
        _package_template(data, output, code_uri)
        return
    archive = build(data)
    with open(output, "wb") as f:
        f.write(archive.data)
    click.echo(f"{output}: {archive.size} bytes, {len(archive.files)} files, sha256 {archive.hexdigest}")


def _package_template(data: dict, output: str, code_uri: str | None) -> None:
    from pathlib import Path

    from c7n_lite.deploy.cloudformation import template
    from c7n_lite.deploy.target import DeployError
    try:
        doc = template(data, code_uri)
    except DeployError as exc:
        fail([str(exc)])
    if output.endswith((".yml", ".yaml")):
        import yaml
        text = yaml.safe_dump(doc, sort_keys=False, width=1 << 30)
    else:
        text = json.dumps(doc, indent=1) + "\n"
    Path(output).write_text(text, encoding="utf-8")
    from c7n_lite.deploy.cloudformation import TEMPLATE_BODY_LIMIT
    resources = ", ".join(f"{k} ({v['Type']})" for k, v in doc["Resources"].items())
    click.echo(f"{output}: CloudFormation template, {len(text.encode())} bytes: {resources}")
    if len(text.encode()) > TEMPLATE_BODY_LIMIT:
        click.echo(f"note: over the {TEMPLATE_BODY_LIMIT} bytes CloudFormation takes in a call (--template-body): "
                   "upload it to S3 and use --template-url")
    if code_uri:
        from c7n_lite.deploy.archive import build
        archive = build(data)
        zip_path = Path(output).with_suffix(".zip")
        zip_path.write_bytes(archive.data)
        click.echo(f"{zip_path}: the code ({archive.size} bytes, sha256 {archive.hexdigest}): upload it to {code_uri}")


def _print_plans(plans: list, dryrun: bool) -> None:
    for plan in plans:
        if plan.error:
            click.echo(safe(f"{plan.policy}: error: {plan.error}"), err=True)
        elif not plan.calls:
            click.echo(f"{plan.policy}: up to date")
        elif dryrun:
            click.echo(f"{plan.policy}: would")
            for call in plan.calls:
                click.echo(safe(f"  - {call.message}"))


def _report(results: list, verb: str) -> bool:
    ok = True
    for result in results:
        if result.done:
            click.echo(f"{result.policy}: {verb}")
            for message in result.done:
                click.echo(safe(f"  - {message}"))
        if result.error:
            ok = False
            click.echo(safe(f"{result.policy}: failed: {result.error}"), err=True)
    return ok


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-d", "--dryrun", "--dry-run", is_flag=True, help="Show what would be created or changed.")
@click.option("-r", "--region", help="Region (default: AWS_REGION / AWS_DEFAULT_REGION).")
@click.option("-p", "--policy", "names", multiple=True, help="Only policies with this name (glob).")
@click.option("--profile", help="AWS profile.")
@click.option("-v", "--verbose", count=True)
def deploy(paths: tuple[str, ...], dryrun: bool, region: str | None, names: tuple[str, ...],
           profile: str | None, verbose: int) -> None:
    """Deploy periodic and event policies as Lambda functions behind EventBridge rules."""
    setup_logging(verbose)
    policies = load_or_exit(paths, names)
    from c7n_lite.deploy.executor import execute
    from c7n_lite.deploy.planner import plan_deploy
    session = _session(region, dryrun, profile)
    try:
        plans = plan_deploy(policies, session)
    except _aws_errors() as exc:
        _aws_failure("deploy", exc)
    if not plans:
        click.echo("no periodic or event policies to deploy")
        return
    _print_plans(plans, dryrun)
    if dryrun:
        sys.exit(1 if any(p.error for p in plans) else 0)
    ok = _report(execute(session, [p for p in plans if p.calls or p.error]), "deployed")
    sys.exit(0 if ok else 1)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-d", "--dryrun", "--dry-run", is_flag=True, help="Show what would be removed.")
@click.option("-r", "--region", help="Region (default: AWS_REGION / AWS_DEFAULT_REGION).")
@click.option("--profile", help="AWS profile.")
@click.option("-v", "--verbose", count=True)
def gc(paths: tuple[str, ...], dryrun: bool, region: str | None, profile: str | None, verbose: int) -> None:
    """Remove functions, rules and roles c7n-lite deployed for policies no longer in PATHS."""
    setup_logging(verbose)
    policies = load_or_exit(paths)
    from c7n_lite.deploy.executor import execute
    from c7n_lite.deploy.planner import plan_gc
    session = _session(region, dryrun, profile)
    try:
        plans = plan_gc(policies, session)
    except _aws_errors() as exc:
        _aws_failure("gc", exc)
    if not plans:
        click.echo("nothing to remove")
        return
    if dryrun:
        _print_plans(plans, dryrun)
        return
    sys.exit(0 if _report(execute(session, plans), "removed") else 1)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-p", "--policy", "name", required=True, help="The policy to run.")
@click.option("-e", "--event", "event_file", required=True, type=click.File("r"),
              help="The event (JSON), e.g. a saved CloudTrail event.")
@click.option("-d", "--dryrun", "--dry-run", is_flag=True, help="Plan the actions, change nothing.")
@click.option("--profile", help="AWS profile (the handler runs with its credentials).")
def invoke(paths: tuple[str, ...], name: str, event_file: click.utils.LazyFile, dryrun: bool,
           profile: str | None) -> None:
    """Run a policy's packaged handler locally for one event, in a clean interpreter,
    against the configured endpoint (AWS_ENDPOINT_URL)."""
    data = _one_policy(paths, name)
    event = _read_event(event_file)
    _require_credentials(profile)
    from c7n_lite.deploy.archive import build
    from c7n_lite.deploy.invoke import InvokeError
    from c7n_lite.deploy.invoke import invoke as run_handler
    from c7n_lite.modes.pattern import matches
    from c7n_lite.registry import modes
    mode = modes.get(data["mode"]["type"])(data["mode"])
    rule = mode.rule()
    if "EventPattern" in rule and not matches(json.loads(rule["EventPattern"]), event):
        click.echo(f"warning: this event does not match the rule's pattern {rule['EventPattern']}: "
                   "deployed, the function would not be invoked for it", err=True)
    env = dict(os.environ)
    if dryrun:
        env["C7N_LITE_DRYRUN"] = "1"
    if profile:
        env["AWS_PROFILE"] = profile
    try:
        result = run_handler(build(data).data, event, env)
    except InvokeError as exc:
        fail([str(exc), exc.stderr])
    for line in result.logs:
        click.echo(safe(line), err=True)
    click.echo(json.dumps(result.summary, indent=2, sort_keys=True))
    sys.exit(1 if result.summary.get("errors") else 0)


def _read_event(event_file: click.utils.LazyFile) -> dict:
    """The event file's JSON object, or one line saying why it is not one."""
    name = getattr(event_file, "name", "event")
    try:
        event = json.load(event_file)
    except (ValueError, UnicodeDecodeError) as exc:
        fail([f"{name}: not JSON: {exc}"])
    if not isinstance(event, dict):
        kind = {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(type(event), "a number")
        fail([f"{name}: an event must be a JSON object, got {kind}"])
    return event


def _require_credentials(profile: str | None = None) -> None:
    """The handler runs in a subprocess with the environment's credentials: say so
    here, in one line, when there are none."""
    import boto3
    from botocore.exceptions import BotoCoreError
    try:
        credentials = boto3.Session(profile_name=profile).get_credentials()
    except BotoCoreError as exc:
        _aws_failure("invoke", exc)
    if credentials is None:
        fail(["invoke: no AWS credentials (configure credentials: AWS_PROFILE, AWS_ACCESS_KEY_ID, "
              "~/.aws/credentials or a role)"])
