"""Validate policy files against the schema generated from the registry.

Every error in every file is reported in one pass, one line each, naming the
file, the line and the policy, with a close-match suggestion where one exists.
CLI-only: a deployed Lambda never imports this module (nor jsonschema).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from c7n_lite import custodian
from c7n_lite.custodian import suggest
from c7n_lite.errors import PolicyError
from c7n_lite.filters.core import BOOLEAN_BLOCKS, FilterSpecError, normalize_filter
from c7n_lite.loader import LineDict, LineList, expand_paths, parse_file
from c7n_lite.registry import load_types, modes, resources

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*")  # matched whole (fullmatch)
# A policy's name is its output directory's name (a file name: 255 bytes at most).
MAX_NAME_LENGTH = 255
# ... and, deployed, part of its Lambda function's name (64 characters at most).
MAX_FUNCTION_NAME_LENGTH = 64
SEVERITIES = ("low", "medium", "high", "critical")
POLICY_SCHEMA_PROPERTIES: dict[str, dict] = {
    "name": {"type": "string"},
    "resource": {"type": "string"},
    "description": {"type": "string"},
    "comment": {"type": "string"},
    "comments": {"type": "string"},
    "filters": {"type": "array"},
    "actions": {"type": "array"},
    "mode": {"type": "object"},
    "metadata": {
        "type": "object",
        "properties": {
            "controls": {"type": "array", "items": {"type": "string"}},
            "severity": {"enum": list(SEVERITIES)},
            "category": {"type": "string"},
            "remediation": {"type": "string"},
        },
    },
    "conditions": {"type": "array"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "region": {"type": "string"},
    "max-resources": {"anyOf": [
        {"type": "integer", "minimum": 1},
        {"type": "object", "additionalProperties": False, "properties": {
            "amount": {"type": "integer", "minimum": 1},
            "percent": {"type": "number", "minimum": 0, "maximum": 100},
            "op": {"enum": ["or", "and"]}}}]},
    "max-resources-percent": {"type": "number", "minimum": 0, "maximum": 100},
    "query": {"type": "array", "items": {"type": "object"}},
    "source": {"enum": ["describe", "describe-child", "config", "describe-ecr-image", "vpc-lattice-rule"]},
}
# Custodian's resource sources; c7n-lite reads every type with its describe calls.
DESCRIBE_SOURCES = ("describe", "describe-child")
TOP_LEVEL_KEYS = ("policies", "vars")


@dataclass(frozen=True)
class PolicySpec:
    """A validated policy and where it came from."""

    data: dict
    file: str
    line: int | None

    @property
    def name(self) -> str:
        return self.data["name"]


def line_of(container: Any, key: Any) -> int | None:
    if isinstance(container, (LineDict, LineList)):
        return container.line_of(key)
    return None


@cache
def _validator(owner: type) -> Any:
    from jsonschema import Draft7Validator
    return Draft7Validator(owner.json_schema())


@cache
def _policy_validator() -> Any:
    from jsonschema import Draft7Validator
    return Draft7Validator({"type": "object", "properties": POLICY_SCHEMA_PROPERTIES,
                            "additionalProperties": False, "required": ["name", "resource"]})


def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a mapping", type(None): "null"}.get(
        type(value).__mro__[-2] if isinstance(value, (LineDict, LineList)) else type(value),
        type(value).__name__)


_SCHEMA_TYPES = {"string": "a string", "array": "a list", "object": "a mapping",
                 "integer": "an integer", "number": "a number", "boolean": "a boolean"}


def _schema_errors(validator: Any, data: Any, what: str, known: Iterable[str] = ()) -> list[tuple[Any, str]]:
    """jsonschema errors → (line, message) in words a policy author uses."""
    out = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = list(err.absolute_path)
        container = data
        for step in path[:-1]:
            container = container[step]
        line = line_of(container, path[-1] if path else None)
        field = ".".join(str(p) for p in path)
        if err.validator == "additionalProperties":
            allowed = list(err.schema.get("properties", {}))
            extras = [k for k in err.instance if k not in allowed]
            for extra in extras:
                out.append((line_of(err.instance, extra),
                            f"{what}: unknown key {extra!r}{suggest(extra, allowed)}"))
            continue
        if err.validator == "enum":
            choices = [str(c) for c in err.validator_value]
            label = "op" if path[-1:] == ["op"] else field or "value"
            if label == "type" and len(choices) == 1:
                continue
            shown = ", ".join(choices) if len(choices) <= 12 else ", ".join(choices[:12]) + ", …"
            out.append((line, f"{what}: unknown {label} {err.instance!r}{suggest(err.instance, choices)};"
                              f" expected one of: {shown}"))
        elif err.validator == "type":
            wanted = err.validator_value
            wanted = " or ".join(_SCHEMA_TYPES.get(w, w) for w in ([wanted] if isinstance(wanted, str) else wanted))
            out.append((line, f"{what}: {field!r} must be {wanted}, got {_type_name(err.instance)} {err.instance!r}"))
        elif err.validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else err.message
            out.append((line, f"{what}: missing required key {missing!r}"))
        else:
            out.append((line, f"{what}: {field or 'value'}: {err.message}"))
    return out


class _PolicyChecker:
    """Collects the errors of one policy."""

    def __init__(self, file: str, policy: LineDict) -> None:
        self.file = file
        self.policy = policy
        name = policy.get("name")
        self.name = name if isinstance(name, str) else None
        self.errors: list[PolicyError] = []

    def error(self, line: int | None, message: str, cause: tuple[str, str] | None = None) -> None:
        self.errors.append(PolicyError(self.file, line or self.policy.line, self.name, message,
                                       cause or ("policy", message)))

    def run(self) -> list[PolicyError]:
        p = self.policy
        if "filter" in p and "filters" not in p:
            self.error(line_of(p, "filter"), "unknown key 'filter' (did you mean 'filters'?)")
        for line, msg in _schema_errors(_policy_validator(), p, "policy"):
            if "'filter'" in msg and "filters" not in p:
                continue
            self.error(line, msg.removeprefix("policy: "))
        if self.name is not None and not NAME_PATTERN.fullmatch(self.name):
            self.error(line_of(p, "name"), f"invalid name {self.name!r}: use letters, digits, '-' or '_', "
                                           "starting with a letter")
        elif self.name is not None and len(self.name) > MAX_NAME_LENGTH:
            self.error(line_of(p, "name"), f"name is {len(self.name)} characters long: "
                                           f"at most {MAX_NAME_LENGTH} (it names the output directory)")
        resource = p.get("resource")
        if not isinstance(resource, str):
            return self.errors
        from c7n_lite.policy import resource_type_for, resource_type_name
        rt = resource_type_for(resource)
        alias = custodian.alias_of(resource_type_name(resource)) if rt is None else None
        if alias is not None and resource_type_for(alias) is not None:
            # Custodian's other name for a type (network-addr: aws.elastic-ip) means that type:
            # the policy runs (and is deployed) under the type's own name.
            p["resource"] = alias
            rt = resource_type_for(alias)
        if rt is None:
            self.error(line_of(p, "resource"), *custodian.unknown_resource(resource, resources.names()))
            return self.errors
        self.check_source(rt)
        if isinstance(p.get("filters"), list):
            self.check_filters(rt, p["filters"])
        if isinstance(p.get("actions"), list):
            self.check_actions(rt, p["actions"])
        if isinstance(p.get("conditions"), list):
            from c7n_lite.policy import ConditionFacts
            self.check_filters(ConditionFacts, p["conditions"])
        if isinstance(p.get("mode"), dict):
            mode_cls = modes.get(p["mode"].get("type"))
            self.check_plugin(p["mode"], mode_cls, "mode", modes.names(), p.get("mode"))
            self.check_function_name(p["mode"])
            # Checks that need the resource type (config-rule needs a type AWS Config records).
            for msg in getattr(mode_cls, "check_for_resource", lambda data, rt: [])(p["mode"], rt):
                self.error(line_of(p["mode"], "type"), f"mode: {msg}", ("option", f"mode: {msg}"))
        return self.errors

    def check_function_name(self, mode: dict) -> None:
        """A Lambda policy's function is named <function-prefix><name>: deploy could not create it
        when that is over 64 characters, so validate refuses it now."""
        cls = modes.get(mode.get("type"))
        if not getattr(cls, "serverless", False) or self.name is None or len(self.name) > MAX_NAME_LENGTH:
            return
        function = cls(mode).function_name(self.name)
        prefix = function[:len(function) - len(self.name)]
        if len(function) > MAX_FUNCTION_NAME_LENGTH:
            self.error(line_of(self.policy, "name"),
                       f"name is {len(self.name)} characters long: at most "
                       f"{MAX_FUNCTION_NAME_LENGTH - len(prefix)} for a Lambda policy (its function "
                       f"'{prefix}<name>' has at most {MAX_FUNCTION_NAME_LENGTH})")

    def check_source(self, rt: type) -> None:
        p = self.policy
        source = p.get("source")
        if isinstance(source, str) and source not in DESCRIBE_SOURCES:
            self.error(line_of(p, "source"), f"source {source!r} is not supported: c7n-lite reads "
                                             f"{rt.type} with its describe calls (source: describe)")
        if isinstance(p.get("query"), list) and getattr(rt, "server_query", False):
            from c7n_lite.resources.query import QueryError, parse_query
            try:
                parse_query(p["query"])
            except QueryError as exc:
                self.error(line_of(p, "query"), f"query: {exc}")

    def check_filters(self, rt: type, items: list) -> None:
        for index, item in enumerate(items):
            line = line_of(items, index)
            try:
                name, data = normalize_filter(item)
            except FilterSpecError as exc:
                self.error(line, str(exc))
                continue
            if name in BOOLEAN_BLOCKS and "type" not in item:
                block = item[name]
                if not isinstance(block, list):
                    self.error(line, f"'{name}' takes a list of filters, got {_type_name(block)}")
                else:
                    self.check_filters(rt, block)
                continue
            cls = rt.filter_class(name)
            if cls is None:
                self.unknown_plugin(line, "filter", name, rt, rt.filter_names())
                continue
            source = item if isinstance(item, dict) and "type" in item else data
            self.check_plugin(data, cls, f"filter {name!r}", rt.filter_names(), source, line)

    def check_actions(self, rt: type, items: list) -> None:
        for index, item in enumerate(items):
            line = line_of(items, index)
            if isinstance(item, str):
                item_data: Any = {"type": item}
            elif isinstance(item, dict) and isinstance(item.get("type"), str):
                item_data = item
            else:
                self.error(line, "an action must be a name or a mapping with a 'type'")
                continue
            name = item_data["type"]
            cls = rt.action_class(name)
            if cls is None:
                self.unknown_plugin(line, "action", name, rt, rt.action_names())
                continue
            self.check_plugin(item_data, cls, f"action {name!r}", rt.action_names(), item, line)
            # Checks that need the resource type (e.g. mark-for-op's op must be one of its actions).
            in_context = getattr(cls, "check_for_resource", None)
            if in_context is not None:
                for msg in in_context(item_data, rt):
                    self.error(line, f"action {name!r}: {msg}", ("option", f"action {name!r}: {msg}"))

    def unknown_plugin(self, line: int | None, kind: str, name: str, rt: type, supported: list[str]) -> None:
        """A filter or action c7n_lite does not have: one Custodian has for this type, or a typo."""
        self.error(line, *custodian.unknown_plugin(kind, name, rt.type, supported))

    def check_plugin(self, data: dict, cls: type | None, what: str, names: list[str],
                     source: Any, line: int | None = None) -> None:
        if cls is None:
            self.error(line_of(source, "type"), *custodian.unknown_mode(data.get("type"), names))
            return
        base_line = line or line_of(source, None)
        problems = _schema_errors(_validator(cls), data, what)
        for err_line, msg in problems:
            self.error(err_line if source is data else base_line, msg, ("option", msg))
        if not problems:
            for msg in cls.check(data):
                self.error(base_line, f"{what}: {msg}", ("option", f"{what}: {msg}"))


def validate_document(data: Any, file: str) -> tuple[list[PolicySpec], list[PolicyError]]:
    if isinstance(data, dict) and isinstance(data.get("policies"), list):
        from c7n_lite.policy import resource_type_name
        # Only what these policies use is imported (their types, the common plugins).
        load_types(resource_type_name(str(p.get("resource"))) for p in data["policies"] if isinstance(p, dict))
    if data is None:
        return [], [PolicyError(file, None, None, "empty file: expected a mapping with 'policies'")]
    if not isinstance(data, dict) or "policies" not in data:
        line = line_of(data, None)
        extra = f"{suggest(next(iter(data)), TOP_LEVEL_KEYS)}" if isinstance(data, dict) and data else ""
        return [], [PolicyError(file, line, None, f"expected a mapping with a 'policies' list{extra}")]
    errors = [PolicyError(file, line_of(data, k), None, f"unknown top-level key {k!r}{suggest(k, TOP_LEVEL_KEYS)}")
              for k in data if k not in TOP_LEVEL_KEYS]
    items = data["policies"]
    if not isinstance(items, list):
        return [], errors + [PolicyError(file, line_of(data, "policies"), None, "'policies' must be a list")]
    specs = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(PolicyError(file, line_of(items, index), None, "a policy must be a mapping"))
            continue
        problems = _PolicyChecker(file, item).run()
        errors.extend(problems)
        if not problems:
            specs.append(PolicySpec(item, file, line_of(items, index)))
    return specs, errors


def load_policies(paths: list[str]) -> tuple[list[PolicySpec], list[PolicyError]]:
    """Read and validate every file; every error, and duplicate names across files."""
    files, errors = expand_paths(paths)
    specs: list[PolicySpec] = []
    seen: dict[str, tuple[str, int | None]] = {}
    for file in files:
        data, parse_errors = parse_file(file)
        if parse_errors and data is None:
            errors.extend(parse_errors)
            continue
        file_errors = [_with_policy(e, data) for e in parse_errors]
        found, problems = validate_document(data, file)
        file_errors.extend(problems)
        items = data.get("policies") if isinstance(data, dict) else None
        for item in items if isinstance(items, list) else []:
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str):
                continue
            line = line_of(item, "name")
            if name in seen:
                first_file, first_line = seen[name]
                file_errors.append(PolicyError(file, line, name,
                                               f"duplicate policy name (first defined at {first_file}:{first_line})"))
            else:
                seen[name] = (file, line)
        # A policy with a duplicate key is not run: which value was meant is unknown.
        bad = {e.policy for e in file_errors}
        specs.extend(s for s in found if s.name not in bad)
        errors.extend(sorted(file_errors, key=lambda e: e.line or 0))
    return specs, errors


def _with_policy(error: PolicyError, data: Any) -> PolicyError:
    """Name the policy a loader error (e.g. a duplicate key) falls in, by its line."""
    items = data.get("policies") if isinstance(data, dict) else None
    if error.policy or not error.line or not isinstance(items, LineList):
        return error
    name = None
    for index, item in enumerate(items):
        start = items.line_of(index)
        if start is not None and start <= error.line:
            name = item.get("name") if isinstance(item, dict) and isinstance(item.get("name"), str) else None
    return replace(error, policy=name) if name else error



def generate_schema() -> dict:
    """The full JSON Schema of a policy file (see c7n_lite.schema_json)."""
    from c7n_lite.schema_json import generate_schema as generate
    return generate()
