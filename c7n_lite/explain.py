"""`c7n-lite schema PATH`: Custodian's dotted paths answered from the registry.

    aws.ec2                      the type: its filters, actions, read permissions
    aws.ec2.filters              its filters, one line each (aws.ec2.actions: its actions)
    aws.ec2.filters.value        one filter: options with types and defaults, IAM permissions, an example
    mode / mode.cloudtrail       the modes / one mode

`ec2.filters` works as well as `aws.ec2.filters`.  Every list is sorted.  CLI only.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from c7n_lite import custodian
from c7n_lite.filters.core import BOOLEAN_BLOCKS
from c7n_lite.registry import load_all, modes, resources
from c7n_lite.schema_json import generate_schema, plugin_schema, summary

SECTIONS = ("filters", "actions")
PLACEHOLDERS = {"string": "example", "integer": 1, "number": 1, "boolean": True, "object": {}}
# A mode's required options need values a placeholder cannot give (a known event, a schedule).
MODE_EXAMPLES = {"cloudtrail": {"events": ["RunInstances"]}, "ec2-instance-state": {"events": ["running"]},
                 "periodic": {"schedule": "rate(1 day)"}}


class PathError(ValueError):
    """A path naming nothing: the message says why (and what was meant, when it can tell)."""


@dataclass(frozen=True)
class Answer:
    kind: str  # resources | resource | filters | actions | filter | action | modes | mode
    rt: Any = None
    name: str = ""
    cls: Any = None


def resolve(path: str | None) -> Answer:
    load_all()
    if not path:
        return Answer("resources")
    parts = path.split(".")
    if parts[0] in ("mode", "modes"):
        if len(parts) == 1:
            return Answer("modes")
        name = ".".join(parts[1:])
        cls = modes.get(name)
        if cls is None:
            raise PathError(custodian.unknown_mode(name, sorted(modes.names()))[0])
        return Answer("mode", name=name, cls=cls)
    if parts[0] == "aws" and len(parts) > 1:
        written, rest = f"aws.{parts[1]}", parts[2:]
    else:
        written, rest = parts[0], parts[1:]
    from c7n_lite.policy import resource_type_for, resource_type_name
    rt = resource_type_for(written) or resource_type_for(custodian.alias_of(resource_type_name(written)) or "-")
    if rt is None:
        raise PathError(custodian.unknown_resource(written, resources.names())[0])
    if not rest:
        return Answer("resource", rt)
    section = rest[0]
    if section not in SECTIONS:
        raise PathError(f"unknown part {section!r} of {rt.type}{custodian.suggest(section, SECTIONS)}: "
                        f"expected {rt.type}.filters or {rt.type}.actions")
    if len(rest) == 1:
        return Answer(section, rt)
    name = ".".join(rest[1:])
    kind = section[:-1]
    names = rt.filter_names() if kind == "filter" else rt.action_names()
    cls = rt.filter_class(name) if kind == "filter" else rt.action_class(name)
    if cls is None:
        raise PathError(custodian.unknown_plugin(kind, name, rt.type, names)[0])
    return Answer(kind, rt, name, cls)


def as_json(answer: Answer) -> Any:
    """The JSON Schema part the path names."""
    if answer.kind == "resources":
        return generate_schema()
    if answer.kind == "resource":
        return generate_schema(only=[answer.rt.type])
    if answer.kind == "modes":
        return {m: plugin_schema(cls, m) for m, cls in sorted(modes.items())}
    if answer.kind in SECTIONS:
        names = answer.rt.filter_names() if answer.kind == "filters" else answer.rt.action_names()
        lookup = answer.rt.filter_class if answer.kind == "filters" else answer.rt.action_class
        return {n: plugin_schema(lookup(n), n) for n in names}
    return plugin_schema(answer.cls, answer.name)


def render(answer: Answer) -> list[str]:
    """The answer in words, for a terminal."""
    if answer.kind == "resources":
        return sorted(resources.names())
    if answer.kind == "modes":
        return _table([(m, summary(cls)) for m, cls in sorted(modes.items())])
    rt = answer.rt
    if answer.kind == "resource":
        filters, actions = rt.filter_names(), rt.action_names()
        return [f"{rt.type}: {summary(rt)}" if summary(rt) else rt.type,
                f"filters ({len(filters)}): {', '.join(filters) or 'none'}",
                f"actions ({len(actions)}): {', '.join(actions) or 'none'}",
                f"read permissions: {', '.join(sorted(rt.read_permissions()))}",
                f"more: c7n-lite schema {rt.type}.filters, c7n-lite schema {rt.type}.filters.<name>"]
    if answer.kind in SECTIONS:
        lookup = rt.filter_class if answer.kind == "filters" else rt.action_class
        names = rt.filter_names() if answer.kind == "filters" else rt.action_names()
        return [f"{rt.type}.{answer.kind}:"] + _table([(n, summary(lookup(n))) for n in names])
    return _plugin(answer)


def _table(rows: list[tuple[str, str]]) -> list[str]:
    width = max((len(name) for name, _ in rows), default=0)
    return [f"  {name.ljust(width)}  {text}".rstrip() for name, text in rows]


def _plugin(answer: Answer) -> list[str]:
    cls, name, rt = answer.cls, answer.name, answer.rt
    where = f"mode.{name}" if answer.kind == "mode" else f"{rt.type}.{answer.kind}s.{name}"
    lines = [where]
    doc = inspect.cleandoc(cls.__dict__.get("__doc__") or "") or summary(cls)
    lines += [f"  {line}".rstrip() for line in doc.splitlines()] if doc else []
    schema = plugin_schema(cls, name)
    required = set(schema.get("required", [])) - {"type"}
    options = {k: v for k, v in schema.get("properties", {}).items() if k != "type"}
    lines.append("options:" if options else "options: none")
    rows = []
    for key, spec in sorted(options.items()):
        text = describe_type(spec)
        if key in required:
            text += ", required"
        if "default" in spec:
            text += f", default {spec['default']!r}"
        if spec.get("description"):
            text += f" — {spec['description']}"
        rows.append((key, text))
    lines += _table(rows)
    if answer.kind == "mode":
        permissions = sorted(getattr(cls, "permissions", ()) or ())
    else:
        permissions = sorted(cls.all_permissions({"type": name}, rt))
    lines.append(f"IAM permissions: {', '.join(permissions) or 'none'}")
    sample, problem = example(answer)
    lines.append("example:" if problem is None else f"example (a sketch: {problem}):")
    lines += [f"  {line}" for line in sample.splitlines()]
    return lines


def describe_type(spec: Any) -> str:
    """A JSON Schema fragment in words: 'string', 'one of: a, b', 'list of string' …"""
    if not isinstance(spec, dict) or not spec:
        return "any"
    if "enum" in spec:
        return "one of: " + ", ".join(_word(v) for v in spec["enum"])
    if "$ref" in spec:
        return "see the JSON Schema (--json)"
    for combo in ("anyOf", "oneOf"):
        if combo in spec:
            return " or ".join(dict.fromkeys(describe_type(s) for s in spec[combo]))
    kind = spec.get("type")
    if isinstance(kind, list):
        return " or ".join(_TYPE_WORDS.get(k, k) for k in kind)
    if kind == "array" and isinstance(spec.get("items"), dict) and spec["items"]:
        return f"list of {describe_type(spec['items'])}"
    if kind is None:
        return "any"
    word = _TYPE_WORDS.get(kind, kind)
    if "minimum" in spec and "maximum" in spec:
        return f"{word} from {spec['minimum']} to {spec['maximum']}"
    if "minimum" in spec or "maximum" in spec:
        return f"{word} ≥ {spec['minimum']}" if "minimum" in spec else f"{word} ≤ {spec['maximum']}"
    return word


_TYPE_WORDS = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
               "array": "list", "object": "mapping", "null": "null"}


def _word(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def placeholder(spec: Any) -> Any:
    """A value the option's schema accepts, to show its shape."""
    if not isinstance(spec, dict):
        return "example"
    if "enum" in spec:
        return spec["enum"][0]
    for combo in ("anyOf", "oneOf"):
        if spec.get(combo):
            return placeholder(spec[combo][0])
    kind = spec.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "object" and spec.get("required"):
        props = spec.get("properties", {})
        return {k: placeholder(props.get(k, {})) for k in spec["required"]}
    if kind == "array":
        return [placeholder(spec.get("items") or {"type": "string"})]
    if kind in ("integer", "number") and "minimum" in spec:
        return spec["minimum"]
    return PLACEHOLDERS.get(kind, "example")


def example(answer: Answer) -> tuple[str, str | None]:
    """A YAML example of the plugin in a policy, and what the validator says of it (None: valid)."""
    import yaml
    cls, name = answer.cls, answer.name
    schema = plugin_schema(cls, name)
    props = schema.get("properties", {})
    data: dict[str, Any] = {"type": name}
    if "key" in props and "value" in props:
        data.update({"key": "tag:Owner", "value": "absent"})
    if "days" in props:
        data["days"] = 30
    if answer.kind == "mode":
        data.update(MODE_EXAMPLES.get(name, {}))
    for key in schema.get("required", []):
        if key != "type" and key not in data:
            data[key] = placeholder(props.get(key, {}))
    if answer.kind == "action" and "op" in props and answer.rt.action_names():
        actions = [a for a in answer.rt.action_names() if a not in ("mark-for-op", "notify")]
        data["op"] = "stop" if "stop" in actions else actions[0] if actions else data.get("op")
    if answer.kind == "mode":
        policy = {"name": "example", "resource": "aws.ec2", "mode": data}
        text = yaml.safe_dump({"mode": data}, sort_keys=False, default_flow_style=False)
    else:
        section = f"{answer.kind}s"
        item: Any = name if len(data) == 1 else data
        if name in BOOLEAN_BLOCKS:
            item = {name: [{"tag:Owner": "absent"}, {"tag:Team": "absent"}]}
        policy = {"name": "example", "resource": answer.rt.type, section: [item]}
        text = yaml.safe_dump({section: [item]}, sort_keys=False, default_flow_style=False)
    from c7n_lite.loader import parse_text
    from c7n_lite.schema import validate_document
    parsed, _ = parse_text(yaml.safe_dump({"policies": [policy]}, sort_keys=False), "example")
    _, errors = validate_document(parsed, "example")
    return text.rstrip("\n"), (errors[0].message if errors else None)
