"""Every IAM action the code declares exists in the real IAM catalogue.

Driven by the registry: a resource type, filter, action or mode added later is
checked without touching this file.  The catalogue is policy_sentry's IAM
database, which ships inside the package (no network).
"""
from __future__ import annotations

import functools

import pytest

from c7n_lite import registry
from c7n_lite.deploy.iam import DEPLOYER_PERMISSIONS, LOG_PERMISSIONS, TRACING_PERMISSIONS
from c7n_lite.registry import modes, resources

policy_sentry_actions = pytest.importorskip("policy_sentry.querying.actions")


@functools.cache
def catalogue(service: str) -> frozenset[str]:
    """The service's actions as IAM spells them ('ec2:DescribeInstances')."""
    return frozenset(policy_sentry_actions.get_actions_for_service(service))


def unknown(permission: str) -> str | None:
    """Why `permission` is not a real IAM action, or None when it is."""
    service, sep, action = permission.partition(":")
    if not sep or not service or not action:
        return "not of the form service:Action"
    known = catalogue(service)
    if not known:
        return f"no IAM service {service!r}"
    if permission in known:
        return None
    same = [a for a in known if a.lower() == permission.lower()]
    if same:
        return f"IAM spells it {same[0]}"
    return "no such action"


def data_variants(cls: type) -> list[dict]:
    """The plugin's minimal data, and one variant per boolean or enum option, so
    that options adding permissions (`force: true`) are checked too."""
    variants = [{"type": cls.type}]
    for key, prop in (getattr(cls, "schema", {}) or {}).items():
        if not isinstance(prop, dict):
            continue
        if prop.get("type") == "boolean":
            variants.append({"type": cls.type, key: True})
        for value in prop.get("enum") or ():
            variants.append({"type": cls.type, key: value})
    return variants


def plugin_permissions(where: str, cls: type, rt: type) -> list[tuple[str, str]]:
    found = [(p, where) for p in getattr(cls, "permissions", ())]
    for data in data_variants(cls):
        found += [(p, f"{where} {data}") for p in sorted(cls.all_permissions(data, rt))]
    return found


def declared_permissions() -> list[tuple[str, str]]:
    """(permission, where it is declared) for everything the registry knows."""
    registry.load_all()
    found: list[tuple[str, str]] = []
    for name, rt in resources.items():
        found += [(p, f"{name} read") for p in rt.read_permissions()]
        for detail_name, detail in rt.details.items():
            found += [(p, f"{name} detail {detail_name}") for p in detail.permissions]
        for filter_name in rt.filter_names():
            found += plugin_permissions(f"{name} filter {filter_name}", rt.filter_class(filter_name), rt)
        for action_name in rt.action_names():
            found += plugin_permissions(f"{name} action {action_name}", rt.action_class(action_name), rt)
    for name, mode in modes.items():
        found += [(p, f"mode {name}") for p in getattr(mode, "permissions", ())]
    found += [(p, "deploy: function logs") for p in LOG_PERMISSIONS]
    found += [(p, "deploy: tracing") for p in TRACING_PERMISSIONS]
    found += [(p, "deploy: the deployer") for p in DEPLOYER_PERMISSIONS]
    return found


def test_the_walk_sees_every_kind_of_declaration():
    wheres = " ".join(w for _, w in declared_permissions())
    for kind in (" read", " detail ", " filter ", " action ", "deploy: "):
        assert kind in wheres
    assert len(list(resources.items())) >= 5


def test_every_declared_permission_is_in_the_iam_catalogue():
    problems = sorted({f"{p} ({where}): {why}" for p, where in declared_permissions()
                       if (why := unknown(p))})
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_wrong_name():
    # What the S3 type declared before: the operation's name, not IAM's.
    assert unknown("s3:ListBuckets") == "no such action"
    assert unknown("s3:ListAllMyBuckets") is None
    assert unknown("ec2:describeinstances") == "IAM spells it ec2:DescribeInstances"
    assert unknown("nosuchservice:Describe").startswith("no IAM service")
