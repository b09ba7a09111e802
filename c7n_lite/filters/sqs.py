"""Filters of SQS queues: dead-letter queues."""
from __future__ import annotations

from c7n_lite.filters.core import Filter
from c7n_lite.registry import filters
from c7n_lite.resources.core import paginate


@filters.register("dead-letter", "aws.sqs")
class DeadLetter(Filter):
    """Queues that are the dead-letter queue of another queue; the source
    queues are noted as `c7n:DeadLetterSourceQueues`."""

    schema = {}
    permissions = ("sqs:ListDeadLetterSourceQueues",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        client = self.manager.session.client("sqs")
        sources = paginate(client, "list_dead_letter_source_queues", "queueUrls", {"QueueUrl": resource["QueueUrl"]})
        if sources:
            resource["c7n:DeadLetterSourceQueues"] = sources
        return bool(sources)
