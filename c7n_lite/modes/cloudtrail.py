"""CloudTrail mode: a Lambda run on API calls recorded by CloudTrail.

`events` lists shortcut names (the table below) or explicit
`{source, event, ids}` entries, where `ids` is a JMESPath to the resource ids
in the event's `detail` (or in the whole event when it starts with `detail.`).
"""
from __future__ import annotations

from typing import Any

from c7n_lite.modes.serverless import LAMBDA_OPTIONS, ServerlessMode
from c7n_lite.registry import modes

DETAIL_TYPE = "AWS API Call via CloudTrail"

# Shortcut → (event source, JMESPath to the ids in the event's detail).  The
# event name is the shortcut, except where CloudTrail records a versioned name.
SHORTCUTS: dict[str, dict[str, str]] = {
    "RunInstances": {"source": "ec2.amazonaws.com", "ids": "responseElements.instancesSet.items[].instanceId"},
    "StartInstances": {"source": "ec2.amazonaws.com", "ids": "responseElements.instancesSet.items[].instanceId"},
    "CreateVolume": {"source": "ec2.amazonaws.com", "ids": "responseElements.volumeId"},
    "CreateSnapshot": {"source": "ec2.amazonaws.com", "ids": "responseElements.snapshotId"},
    "CopySnapshot": {"source": "ec2.amazonaws.com", "ids": "responseElements.snapshotId"},
    "CreateImage": {"source": "ec2.amazonaws.com", "ids": "responseElements.imageId"},
    "CopyImage": {"source": "ec2.amazonaws.com", "ids": "responseElements.imageId"},
    "CreateSecurityGroup": {"source": "ec2.amazonaws.com", "ids": "responseElements.groupId"},
    "AuthorizeSecurityGroupIngress": {"source": "ec2.amazonaws.com", "ids": "requestParameters.groupId"},
    "AuthorizeSecurityGroupEgress": {"source": "ec2.amazonaws.com", "ids": "requestParameters.groupId"},
    "CreateBucket": {"source": "s3.amazonaws.com", "ids": "requestParameters.bucketName"},
    "PutBucketAcl": {"source": "s3.amazonaws.com", "ids": "requestParameters.bucketName"},
    "PutBucketPolicy": {"source": "s3.amazonaws.com", "ids": "requestParameters.bucketName"},
    "DeletePublicAccessBlock": {"source": "s3.amazonaws.com", "ids": "requestParameters.bucketName"},
    "CreateCluster": {"source": "redshift.amazonaws.com", "ids": "requestParameters.clusterIdentifier"},
    "ModifyCluster": {"source": "redshift.amazonaws.com", "ids": "requestParameters.clusterIdentifier"},
    "CreateTopic": {"source": "sns.amazonaws.com", "ids": "responseElements.topicArn"},
    "SetTopicAttributes": {"source": "sns.amazonaws.com", "ids": "requestParameters.topicArn"},
    "CreateThing": {"source": "iot.amazonaws.com", "ids": "responseElements.thingName"},
    "CreateDBInstance": {"source": "rds.amazonaws.com", "ids": "requestParameters.dBInstanceIdentifier"},
    "CreateTable": {"source": "dynamodb.amazonaws.com", "ids": "requestParameters.tableName"},
    "CreateFunction": {"source": "lambda.amazonaws.com", "event": "CreateFunction20150331",
                       "ids": "requestParameters.functionName"},
    "CreateAutoScalingGroup": {"source": "autoscaling.amazonaws.com",
                               "ids": "requestParameters.autoScalingGroupName"},
    "UpdateAutoScalingGroup": {"source": "autoscaling.amazonaws.com",
                               "ids": "requestParameters.autoScalingGroupName"},
    "CreateLoadBalancer": {"source": "elasticloadbalancing.amazonaws.com",
                           "ids": "requestParameters.loadBalancerName"},
    "CreateLoadBalancerPolicy": {"source": "elasticloadbalancing.amazonaws.com",
                                 "ids": "requestParameters.loadBalancerName"},
    "SetLoadBalancerPoliciesOfListener": {"source": "elasticloadbalancing.amazonaws.com",
                                          "ids": "requestParameters.loadBalancerName"},
    "CreateElasticsearchDomain": {"source": "es.amazonaws.com", "ids": "requestParameters.domainName"},
    # A console sign-in names the user; for aws.account the resource is the account itself.
    "ConsoleLogin": {"source": "signin.amazonaws.com", "ids": "userIdentity.arn"},
}

EXPLICIT_EVENT = {"type": "object", "additionalProperties": False,
                  "required": ["source", "event", "ids"],
                  "properties": {"source": {"type": "string"}, "event": {"type": "string"},
                                 "ids": {"type": "string"}}}


def eventbridge_source(event_source: str) -> str:
    """CloudTrail's event source → the EventBridge source of its events
    (ec2.amazonaws.com → aws.ec2)."""
    return "aws." + event_source.split(".", 1)[0]


def resolve(entry: Any) -> dict[str, str] | None:
    """A shortcut name or an explicit entry → {source, event, ids}; None if unknown."""
    if isinstance(entry, dict):
        return {"source": entry["source"], "event": entry["event"], "ids": entry["ids"]}
    found = SHORTCUTS.get(entry)
    if found is None:
        return None
    return {"source": found["source"], "event": found.get("event", entry), "ids": found["ids"]}


@modes.register("cloudtrail")
class CloudTrailMode(ServerlessMode):
    """Runs on the listed API calls, for the resources each call names."""

    event_driven = True
    schema = {**LAMBDA_OPTIONS,
              "events": {"type": "array", "minItems": 1,
                         "items": {"anyOf": [{"type": "string"}, EXPLICIT_EVENT]}}}
    required = ("events",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        problems = super().check(data)
        for entry in data.get("events") or ():
            if isinstance(entry, str) and entry not in SHORTCUTS:
                from difflib import get_close_matches
                close = get_close_matches(entry, list(SHORTCUTS), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(f"unknown cloudtrail event {entry!r}{hint}; use a known name "
                                "or {source, event, ids}")
            elif isinstance(entry, dict) and isinstance(entry.get("ids"), str):
                problems += _jmespath_problems(entry["ids"])
        return problems

    def entries(self) -> list[dict[str, str]]:
        return [e for e in map(resolve, self.data["events"]) if e is not None]

    def event_pattern(self) -> dict:
        entries = self.entries()
        return {"source": sorted({eventbridge_source(e["source"]) for e in entries}),
                "detail-type": [DETAIL_TYPE],
                "detail": {"eventSource": sorted({e["source"] for e in entries}),
                           "eventName": sorted({e["event"] for e in entries}),
                           # A failed call created nothing: do not even invoke the function.
                           "errorCode": [{"exists": False}]}}

    def skip_reason(self, event: dict) -> str | None:
        detail = event.get("detail") or {}
        if detail.get("errorCode"):
            return f"the API call failed ({detail['errorCode']})"
        return None

    def resource_ids(self, event: dict) -> list[str] | None:
        import jmespath
        detail = event.get("detail") or {}
        source, name = detail.get("eventSource"), detail.get("eventName")
        for entry in self.entries():
            if entry["source"] != source or entry["event"] != name:
                continue
            query = entry["ids"]
            found = jmespath.search(query, event if query.startswith("detail.") else detail)
            ids = _flatten(found)
            if ids:
                return ids
        return []


def _flatten(found: Any) -> list[str]:
    if found is None:
        return []
    if isinstance(found, (list, tuple)):
        return [str(i) for item in found for i in _flatten(item)]
    return [str(found)]


def _jmespath_problems(query: str) -> list[str]:
    try:
        import jmespath
        jmespath.compile(query)
    except Exception as exc:  # noqa: BLE001 - any parse error is the user's to fix
        return [f"ids {query!r} is not a valid JMESPath: {exc}"]
    return []
