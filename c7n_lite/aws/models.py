"""botocore's service models, loaded once per process and without their documentation.

A service model is mostly documentation (EC2's: 4.3 MB of JSON, 3 MB of it
doc strings), which nothing at run time reads; botocore also parses every
model into OrderedDicts.  The loader here drops `documentation` while the
JSON is parsed (an empty string each) and builds plain dicts (ordered as well).
A model's shapes, and the endpoints of each partition's services, are then
held as compact JSON text and decoded when first read (`LazyJSON`): a run
reads a few hundred of EC2's 4,400 shapes, and the endpoints of a few of 400
services.  So a run's clients cost a fraction of the memory (EC2's model:
6.5 MiB decoded, 1.3 MiB so).  One loader serves every session of the process
(an organisation run makes one per account)."""
from __future__ import annotations

import json
import os
import threading
from typing import Any

_LOADER: Any = None
_LOCK = threading.Lock()
DOC_KEYS = ("documentation", "documentationUrl")


def _without_docs(obj: dict) -> dict:
    # Emptied, not removed: botocore reads some (client context parameters').
    for key in DOC_KEYS:
        if key in obj:
            obj[key] = ""
    return obj


class LazyJSON(dict):
    """A mapping whose values are decoded from their JSON text when first read."""

    __slots__ = ()

    @classmethod
    def of(cls, values: dict) -> LazyJSON:
        encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
        return cls((key, encode(value)) for key, value in values.items())

    def __getitem__(self, key: Any) -> Any:
        value = dict.__getitem__(self, key)
        if type(value) is str:
            value = json.loads(value)
            dict.__setitem__(self, key, value)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default

    def values(self) -> Any:
        return [self[key] for key in self]

    def items(self) -> Any:
        return [(key, self[key]) for key in self]

    def undecoded(self, key: str) -> str | dict:
        """The value as held: its JSON text until it is first read."""
        return dict.__getitem__(self, key)


def _lazy_model(model: dict) -> dict:
    if isinstance(model.get("shapes"), dict):
        model["shapes"] = LazyJSON.of(model["shapes"])
    return model


def _lazy_endpoints(data: dict) -> dict:
    for partition in data.get("partitions") or ():
        if isinstance(partition.get("services"), dict):
            partition["services"] = LazyJSON.of(partition["services"])
    return data


def _file_loader() -> Any:
    from botocore.loaders import JSONFileLoader

    class DocFreeJSONFileLoader(JSONFileLoader):
        """Service models (service-2.json) without documentation; every file as plain dicts."""

        def _load_file(self, full_path: str, open_method: Any) -> Any:
            if not os.path.isfile(full_path):
                return None
            with open_method(full_path, "rb") as fp:
                payload = fp.read().decode("utf-8")
            name = os.path.basename(full_path)
            if name.startswith("service-2."):
                return _lazy_model(json.loads(payload, object_hook=_without_docs))
            if name.startswith("endpoints."):
                return _lazy_endpoints(json.loads(payload))
            return json.loads(payload)

    return DocFreeJSONFileLoader()


def shared_loader(session: Any) -> Any:
    """The process's model loader (created from the first session's settings,
    AWS_DATA_PATH included), registered on `session`."""
    global _LOADER
    with _LOCK:
        if _LOADER is None:
            _LOADER = session.get_component("data_loader")
            _LOADER.file_loader = _file_loader()
    session.register_component("data_loader", _LOADER)
    return _LOADER


def known_error_shapes(service_model: Any) -> None:
    """Give a client's model its error shapes, found in the shapes' text.
    botocore finds them (on a client's first error response, and for
    `client.exceptions`) by reading every shape of the model, which would
    decode all of them; a shape that is an error says "exception":true.  It
    keeps what it found on the model, where this puts it first."""
    shapes = getattr(service_model, "_service_description", {}).get("shapes")
    if not isinstance(shapes, LazyJSON) or "error_shapes" in vars(service_model):
        return
    candidates = [service_model.shape_for(name) for name in shapes if _may_be_error(shapes.undecoded(name))]
    vars(service_model)["error_shapes"] = [shape for shape in candidates if shape.metadata.get("exception", False)]


def _may_be_error(value: str | dict) -> bool:
    return bool(value.get("exception")) if isinstance(value, dict) else '"exception":true' in value
