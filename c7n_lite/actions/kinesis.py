"""Actions on Kinesis data streams (delete, encrypt) and Firehose delivery streams (delete)."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions


@actions.register("delete", "aws.kinesis")
class DeleteStream(Action):
    """Delete ACTIVE streams (others are being created, updated or deleted, and
    are skipped); `force: true` deletes a stream that has registered consumers too."""

    schema = {"force": {"type": "boolean"}}
    permissions = ("kinesis:DeleteStream",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            sid = self.resource_id(r)
            if r.get("StreamStatus") != "ACTIVE":
                calls.append(ApiCall.skip([sid], f"status {r.get('StreamStatus')}, not ACTIVE", "delete_stream"))
            else:
                params: dict = {"StreamName": sid}
                if self.data.get("force"):
                    params["EnforceConsumerDeletion"] = True
                calls.append(ApiCall("kinesis", "delete_stream", params, [sid], "delete"))
        return calls


@actions.register("encrypt", "aws.kinesis")
class EncryptStream(Action):
    """Encrypt streams at rest with a KMS `key` (default `alias/aws/kinesis`,
    the AWS managed key); streams already encrypted are skipped."""

    schema = {"key": {"type": "string"}}
    permissions = ("kinesis:StartStreamEncryption",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        key = self.data.get("key", "alias/aws/kinesis")
        calls = []
        for r in resources:
            sid = self.resource_id(r)
            if r.get("EncryptionType") == "KMS":
                calls.append(ApiCall.skip([sid], "already encrypted", "start_stream_encryption"))
                continue
            calls.append(ApiCall("kinesis", "start_stream_encryption",
                                 {"StreamName": sid, "EncryptionType": "KMS", "KeyId": key}, [sid],
                                 f"encrypt with {key}"))
        return calls


@actions.register("delete", "aws.firehose")
class DeleteDeliveryStream(Action):
    """Delete delivery streams (those already being deleted are skipped)."""

    permissions = ("firehose:DeleteDeliveryStream",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            sid = self.resource_id(r)
            if r.get("DeliveryStreamStatus") == "DELETING":
                calls.append(ApiCall.skip([sid], "already being deleted", "delete_delivery_stream"))
            else:
                calls.append(ApiCall("firehose", "delete_delivery_stream", {"DeliveryStreamName": sid}, [sid],
                                     "delete"))
        return calls


S3_DESTINATIONS = (("ExtendedS3DestinationDescription", "ExtendedS3DestinationUpdate"),
                   ("S3DestinationDescription", "S3DestinationUpdate"))


@actions.register("encrypt-s3-destination", "aws.firehose")
class EncryptS3Destination(Action):
    """Encrypt what the stream writes to S3 with the KMS key `key_arn` (its S3
    destinations; streams with none, e.g. to OpenSearch only, are skipped)."""

    schema = {"key_arn": {"type": "string"}}
    required = ("key_arn",)
    permissions = ("firehose:UpdateDestination",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        encryption = {"EncryptionConfiguration": {"KMSEncryptionConfig": {"AWSKMSKeyARN": self.data["key_arn"]}}}
        calls = []
        for r in resources:
            sid = self.resource_id(r)
            updates = [(d["DestinationId"], update) for d in r.get("Destinations") or ()
                       for described, update in S3_DESTINATIONS if described in d][:1]
            if not updates:
                calls.append(ApiCall.skip([sid], "no S3 destination", "update_destination"))
                continue
            for destination, update in updates:
                calls.append(ApiCall("firehose", "update_destination", {
                    "DeliveryStreamName": sid, "CurrentDeliveryStreamVersionId": r["VersionId"],
                    "DestinationId": destination, update: encryption}, [sid],
                    f"encrypt S3 objects with {self.data['key_arn']}"))
        return calls
