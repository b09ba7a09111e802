"""Every item of a (possibly paginated) listing, in pages as large as the API allows."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from c7n_lite.resources.shared import dedupe

# Page sizes where the API's default is not the best: IoT lists 250 things a
# page (its default is smaller: more round trips); DescribeInstances 100 (an
# answer is parsed whole into an XML tree about eight times its size: a page of
# 300 is 20 MiB held at once, for about 7 requests saved per 1,000 instances;
# moto counts the page in reservations, 2 saved).  Not with the parameter that excludes a
# page size (DescribeInstances by InstanceIds).  Each page's strings are held
# once (resources.shared.dedupe) before the next page is read.
PAGE_SIZES: dict[tuple[str, str], tuple[int, str | None]] = {
    ("ec2", "describe_instances"): (100, "InstanceIds"), ("iot", "list_things"): (250, None)}


def paginate(client: Any, method: str, path: str, params: dict | None = None) -> list[dict]:
    """All items of a (possibly paginated) call, selected by a JMESPath."""
    import jmespath
    expr = jmespath.compile(path) if path else None
    params = params or {}
    if client.can_paginate(method):
        paginator = client.get_paginator(method)
        size, excluded = PAGE_SIZES.get((client.meta.service_model.service_name, method), (0, None))
        limit = getattr(paginator, "_limit_key", None)
        if size and limit and limit not in params and excluded not in params and "PaginationConfig" not in params:
            params = {**params, "PaginationConfig": {"PageSize": size}}
        pages: Iterable[dict] = paginator.paginate(**params)
    else:
        pages = [getattr(client, method)(**params)]
    items: list[dict] = []
    memo: dict[str, str] = {}
    for page in pages:
        found = expr.search(page) if expr else page
        if found:
            dedupe(found, memo)
            items.extend(found)
    return items
