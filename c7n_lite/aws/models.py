"""botocore's service models, loaded once per process and without their documentation.

A service model is mostly documentation (EC2's: 4.3 MB of JSON, 3 MB of it
doc strings), which nothing at run time reads; botocore also parses every
model into OrderedDicts.  The loader here drops `documentation` while the
JSON is parsed (an empty string each) and builds plain dicts (ordered as well), so a run's clients
cost a fraction of the memory.  One loader serves every session of the process
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


def _file_loader() -> Any:
    from botocore.loaders import JSONFileLoader

    class DocFreeJSONFileLoader(JSONFileLoader):
        """Service models (service-2.json) without documentation; every file as plain dicts."""

        def _load_file(self, full_path: str, open_method: Any) -> Any:
            if not os.path.isfile(full_path):
                return None
            with open_method(full_path, "rb") as fp:
                payload = fp.read().decode("utf-8")
            if os.path.basename(full_path).startswith("service-2."):
                return json.loads(payload, object_hook=_without_docs)
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
