#!/usr/bin/env python3
"""Write c7n_lite/custodian_names.json: the names of Cloud Custodian's AWS resource
types, each type's filter and action names, and its mode names.

They are facts read from `custodian schema --json` (names only, no schema text),
so that validation can say "a Cloud Custodian resource type that c7n_lite does not
support yet" instead of suggesting a typo fix.  Custodian is needed only here,
never at test or run time:

    python3 -m venv /tmp/c7n && /tmp/c7n/bin/pip install -q c7n==0.9.53
    python3 bench/custodian_names.py --custodian /tmp/c7n/bin/custodian

or, from a saved schema: `python3 bench/custodian_names.py --schema schema.json --version 0.9.53`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "c7n_lite", "custodian_names.json")


def resolve(doc: dict, ref: str) -> dict:
    node = doc
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def type_names(doc: dict, items: dict) -> set[str]:
    """The `type` names a policy's filters/actions `items` schema admits."""
    found: set[str] = set()
    for choice in items.get("anyOf", []):
        node = resolve(doc, choice["$ref"]) if "$ref" in choice else choice
        for sub in [node, *node.get("allOf", []), *node.get("anyOf", []), *node.get("oneOf", [])]:
            if "$ref" in sub:
                sub = resolve(doc, sub["$ref"])
            found.update(str(n) for n in sub.get("properties", {}).get("type", {}).get("enum", []))
    return found


def names(doc: dict, version: str) -> dict:
    defs = doc["definitions"]
    types: dict[str, dict[str, list[str]]] = {}
    aliases: dict[str, str] = {}
    for name, rdef in sorted(defs["resources"].items()):
        if not name.startswith("aws."):
            continue
        props: dict = {}
        for part in rdef["policy"].get("allOf", [rdef["policy"]]):
            props.update(part.get("properties", {}))
        # Other names Custodian accepts for the type (besides `aws.x` and `x`).
        for other in props.get("resource", {}).get("enum", []):
            full = other if "." in other else f"aws.{other}"
            if full != name:
                aliases[full] = name
        types[name] = {"filters": sorted(type_names(doc, props.get("filters", {}).get("items", {}))),
                       "actions": sorted(type_names(doc, props.get("actions", {}).get("items", {})))}
    modes: set[str] = set()
    for choice in defs["policy-mode"]["anyOf"]:
        node = resolve(doc, choice["$ref"]) if "$ref" in choice else choice
        modes.update(node.get("properties", {}).get("type", {}).get("enum", []))
    # Names every type has are stored once.
    common = {kind: sorted(set.intersection(*(set(t[kind]) for t in types.values())))
              for kind in ("filters", "actions")}
    for t in types.values():
        for kind in ("filters", "actions"):
            t[kind] = [n for n in t[kind] if n not in common[kind]]
    return {"source": f"Cloud Custodian {version}, `custodian schema --json` (names only)",
            "version": version, "modes": sorted(modes), "common": common, "resources": types,
            "aliases": dict(sorted(aliases.items()))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--custodian", help="the custodian executable of a throwaway venv")
    ap.add_argument("--schema", help="a saved `custodian schema --json` output instead")
    ap.add_argument("--version", help="Custodian's version (read from --custodian otherwise)")
    ap.add_argument("-o", "--output", default=OUT)
    args = ap.parse_args(argv)
    if args.schema:
        with open(args.schema, encoding="utf-8") as f:
            doc = json.load(f)
        version = args.version or "unknown"
    elif args.custodian:
        doc = json.loads(subprocess.run([args.custodian, "schema", "--json"], check=True,
                                        capture_output=True, text=True).stdout)
        version = args.version or subprocess.run([args.custodian, "version"], check=True, capture_output=True,
                                                 text=True).stdout.strip()
    else:
        ap.error("give --custodian or --schema")
    data = names(doc, version)
    with open(args.output, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=0, sort_keys=True, separators=(",", ":"))
        out.write("\n")
    print(f"wrote {args.output}: {len(data['resources'])} resource types, {len(data['modes'])} modes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
