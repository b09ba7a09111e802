"""The JSON Schema of a policy file, from the registry: `c7n-lite schema --json`.

It serves editors too: YAML language servers (VS Code's YAML extension and
others) read it from a `# yaml-language-server: $schema=...` line for
completion, hover text and squiggles.  A policy's `resource` selects (if/then)
the definition of its type, with the type's filters and actions, under
definitions/resources/<type>; `schema aws.ec2 --json` is that part alone.
CLI only.
"""
from __future__ import annotations

import copy
import inspect

from c7n_lite.filters.core import BOOLEAN_BLOCKS
from c7n_lite.registry import load_all, modes, resources

SCHEMA_URI = "http://json-schema.org/draft-07/schema#"


def summary(cls: type) -> str:
    """The first paragraph of the class's own docstring, on one line."""
    text = inspect.cleandoc(cls.__dict__.get("__doc__") or "")
    return " ".join(text.split("\n\n")[0].split())


def plugin_schema(cls: type, name: str) -> dict:
    """The plugin's schema, its `type` the name it is registered as here (a class
    registered under several names has one `type` attribute)."""
    found = copy.deepcopy(cls.json_schema())
    found.setdefault("properties", {})["type"] = {"enum": [name]}
    if summary(cls):
        found["description"] = summary(cls)
    return found


def resource_names(name: str) -> list[str]:
    """What a policy's `resource` may say for the type: aws.x, x, and Custodian's other names."""
    from c7n_lite.custodian import aliases_of
    return [spelling for full in (name, *aliases_of(name)) for spelling in (full, full.split(".", 1)[1])]


def names_first(names: list[str]) -> dict:
    """A mapping's `type` must be one of `names`: said on its own, an editor reports a misspelt
    name with the names it could be, not with the first alternative's."""
    return {"if": {"type": "object", "required": ["type"]},
            "then": {"properties": {"type": {"enum": names}}}}


def resource_definitions(rt: type) -> dict:
    """definitions/resources/<type>: its filters, actions, one filter item, and the policy."""
    name = rt.type
    base = f"#/definitions/resources/{name}"
    filter_names = rt.filter_names()
    action_names = rt.action_names()
    plugins = [n for n in filter_names if n not in BOOLEAN_BLOCKS]
    blocks = [{"type": "object", "additionalProperties": False, "required": [block],
               "properties": {block: {"type": "array", "items": {"$ref": f"{base}/filter"}}}}
              for block in BOOLEAN_BLOCKS if block in filter_names]
    shorthand = {"type": "object", "minProperties": 1, "maxProperties": 1,
                 "description": "A value filter in short: `Field: value` (e.g. `tag:Owner: absent`).",
                 "not": {"anyOf": [{"required": [k]} for k in ("type", *BOOLEAN_BLOCKS)]}}
    from c7n_lite.schema import POLICY_SCHEMA_PROPERTIES
    props = copy.deepcopy(POLICY_SCHEMA_PROPERTIES)
    props["resource"] = {"enum": resource_names(name)}
    if summary(rt):
        props["resource"]["description"] = summary(rt)
    props["filters"] = {"type": "array", "items": {"$ref": f"{base}/filter"}}
    props["actions"] = {"type": "array", "items": {"anyOf": [
        *({"$ref": f"{base}/actions/{n}"} for n in action_names),
        *([{"enum": action_names}] if action_names else [])], **names_first(action_names)}}
    props["mode"] = {"$ref": "#/definitions/mode"}
    return {
        "filters": {n: plugin_schema(rt.filter_class(n), n) for n in plugins},
        "actions": {n: plugin_schema(rt.action_class(n), n) for n in action_names},
        "filter": {"anyOf": [*({"$ref": f"{base}/filters/{n}"} for n in plugins), *blocks, shorthand,
                             {"enum": plugins}], **names_first(plugins)},
        "policy": {"type": "object", "additionalProperties": False, "required": ["name", "resource"],
                   "properties": props},
    }


def policy_item(chosen: list[tuple[str, type]]) -> dict:
    """A policy: its `resource` picks the definition that applies (if/then, so that an editor
    checks and completes against that type's filters and actions only)."""
    names = [spelling for n, _ in chosen for spelling in resource_names(n)]
    return {"type": "object", "required": ["name", "resource"],
            "properties": {"resource": {"enum": names}},
            "allOf": [{"if": {"required": ["resource"], "properties": {"resource": {"enum": resource_names(n)}}},
                       "then": {"$ref": f"#/definitions/resources/{n}/policy"}} for n, _ in chosen]}


def generate_schema(only: list[str] | None = None) -> dict:
    """The JSON Schema of a policy file; `only`: of policies on these resource types alone."""
    load_all()
    chosen = [(n, rt) for n, rt in sorted(resources.items()) if only is None or n in only]
    mode_defs = {m: plugin_schema(cls, m) for m, cls in sorted(modes.items())}
    return {
        "$schema": SCHEMA_URI,
        "title": "c7n_lite policy file" + (f" ({', '.join(only)})" if only else ""),
        "type": "object",
        "required": ["policies"],
        "properties": {
            "policies": {"type": "array", "items": policy_item(chosen)},
            "vars": {"type": "object", "description": "Values YAML anchors in the policies refer to."}},
        "additionalProperties": False,
        "definitions": {
            "resources": {n: resource_definitions(rt) for n, rt in chosen},
            "modes": mode_defs,
            "mode": {"anyOf": [{"$ref": f"#/definitions/modes/{m}"} for m in mode_defs]},
        },
    }
