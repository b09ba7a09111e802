"""Cloud Custodian's AWS names (custodian_names.json, read from Custodian 0.9.53's
`custodian schema --json` by bench/custodian_names.py): a name c7n_lite does not
know is either one Custodian has (not supported *yet*) or a typo.

CLI and validation only: a deployed Lambda never ships or reads this.
"""
from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable
from functools import cache

NAMES_FILE = os.path.join(os.path.dirname(__file__), "custodian_names.json")
NOT_YET = "that c7n_lite does not support yet"


@cache
def _names() -> dict:
    try:
        with open(NAMES_FILE, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"version": "?", "modes": [], "common": {"filters": [], "actions": []}, "resources": {}}


def version() -> str:
    return str(_names().get("version", "?"))


def has_resource(name: str) -> bool:
    return name in _names()["resources"]


def alias_of(name: str) -> str | None:
    """The type an other name of Custodian's stands for (aws.network-addr → aws.elastic-ip)."""
    return _names().get("aliases", {}).get(name)


def aliases_of(name: str) -> list[str]:
    """Custodian's other names for a type (aws.elastic-ip: aws.network-addr)."""
    return sorted(a for a, t in _names().get("aliases", {}).items() if t == name)


def plugin_names(kind: str, resource_type: str) -> set[str]:
    """Custodian's filter (kind 'filters') or action ('actions') names for a resource type."""
    data = _names()
    found = data["resources"].get(resource_type)
    return set(found[kind]) | set(data["common"][kind]) if found is not None else set()


def has_mode(name: str) -> bool:
    return name in _names()["modes"]


def closest(name: str, supported: Iterable[str], family_only: bool = True) -> str | None:
    """The supported name worth naming beside a name c7n_lite lacks: for a resource type, one
    of the same family (same first word: aws.rds-reserved → aws.rds, the first word itself
    when supported); for a filter, action or mode, only a near spelling."""
    if not family_only:
        found = difflib.get_close_matches(name, list(supported), n=1, cutoff=0.8)
        return found[0] if found else None
    stem = name.split("-", 1)[0]
    family = [s for s in supported if s.split("-", 1)[0] == stem and s != name]
    if stem in family:
        return stem
    found = difflib.get_close_matches(name, family, n=1, cutoff=0.5)
    return found[0] if found else None


def suggest(word: object, choices: Iterable[str]) -> str:
    found = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {found[0]!r}?)" if found else ""


def unknown_resource(written: str, supported: Iterable[str]) -> tuple[str, tuple[str, str]]:
    """The message for a resource type c7n_lite lacks (as written: 'rds-reserved' or
    'aws.rds-reserved'), and its cause (see PolicyError.cause)."""
    supported = list(supported)
    full = written if "." in written else f"aws.{written}"
    alias = alias_of(full)
    if has_resource(alias or full):
        return f"unknown resource {written!r}" + not_yet("resource type", full, supported), ("resource", full)
    message = f"unknown resource {written!r}{suggest(full, supported)}"
    return message, ("invalid", message)


def unknown_plugin(kind: str, name: str, resource_type: str,
                   supported: Iterable[str]) -> tuple[str, tuple[str, str]]:
    """The message for a filter or action (`kind`) a supported type lacks, and its cause."""
    supported = list(supported)
    message = f"unknown {kind} {name!r} for {resource_type}"
    if name in plugin_names(f"{kind}s", resource_type):
        return (message + not_yet(f"{kind} of {resource_type}", name, supported),
                (kind, f"{resource_type} {name}"))
    message += suggest(name, supported)
    return message, ("invalid", message)


def unknown_mode(name: object, supported: Iterable[str]) -> tuple[str, tuple[str, str]]:
    supported = list(supported)
    message = f"unknown mode type {name!r}"
    if isinstance(name, str) and has_mode(name):
        return message + not_yet("mode", name, supported), ("mode", name)
    message += suggest(name, supported)
    return message, ("invalid", message)


def not_yet(what: str, name: str, supported: Iterable[str]) -> str:
    """': a Cloud Custodian <what> that c7n_lite does not support yet' (+ the closest supported)."""
    near = closest(name, supported, what == "resource type")
    hint = f" (closest supported: {near!r})" if near else ""
    return f": a Cloud Custodian {what} {NOT_YET}{hint}"


# `validate --custodian-compat`: what keeps each policy of a Custodian library from running here.
KINDS = {"resource": "unsupported resource type", "mode": "unsupported mode", "filter": "unsupported filter",
         "action": "unsupported action", "option": "unsupported option or value",
         "policy": "unsupported policy key or value", "invalid": "errors Cloud Custodian reports too"}
# How a blocker of a kind whose `what` is a message is shown on the policy's line.
SHORT = {"option": "option", "policy": "policy", "invalid": "error"}


def _blocker(kind: str, what: str) -> str:
    return f"{SHORT[kind]}: {what}" if kind in SHORT else f"{KINDS[kind]} {what}"


def compat_report(specs: list, errors: list) -> tuple[list[str], bool]:
    """One line per policy (ready, or what blocks it), then a count by kind of blocker;
    and whether anything blocks.  `specs`, `errors`: what `schema.load_policies` returns."""
    from collections import Counter, defaultdict

    from c7n_lite.errors import PolicyError
    from c7n_lite.textsafe import safe
    blocked: dict[tuple[str, str], list[PolicyError]] = defaultdict(list)
    unattached = []
    for error in errors:
        if error.policy is None:
            unattached.append(error)
        else:
            blocked[(error.file, error.policy)].append(error)
    rows: list[tuple[str, int, str]] = [(s.file, s.line or 0, f"policy '{s.name}': ready") for s in specs
                                        if (s.file, s.name) not in blocked]
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for (file, name), found in blocked.items():
        causes = list(dict.fromkeys(e.cause or ("policy", e.message) for e in found))
        for kind, what in causes:
            by_kind[kind][what] += 1
        line = min((e.line for e in found if e.line), default=0)
        rows.append((file, line, f"policy '{name}': blocked by " + "; ".join(_blocker(*c) for c in causes)))
    rows += [(e.file, e.line or 0, e.message) for e in unattached]
    lines = [safe(f"{file}:{line}: {text}" if line else f"{file}: {text}") for file, line, text in sorted(rows)]
    total = len(specs) + len(blocked)
    ready = total - len(blocked)
    lines.append(f"{total} {_plural(total, 'policy', 'policies')}: {ready} ready, {len(blocked)} blocked"
                 f" (by what c7n_lite supports of Cloud Custodian {version()})")
    for kind, label in KINDS.items():
        counts = by_kind.get(kind)
        if counts:
            policies = sum(1 for found in blocked.values()
                           if any((e.cause or ("policy",))[0] == kind for e in found))
            shown = ", ".join(f"{what} ({n})" for what, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
            lines.append(safe(f"  {label}: {policies} {_plural(policies, 'policy', 'policies')}: {shown}"))
    if unattached:
        lines.append(f"  errors outside any policy: {len(unattached)}")
    return lines, bool(blocked or unattached)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many
