"""Filters of AWS Config recorders."""
from __future__ import annotations

from c7n_lite.filters.account import DocumentValueFilter
from c7n_lite.registry import filters


@filters.register("retention", "aws.config-recorder")
class Retention(DocumentValueFilter):
    """Compare a field of the region's Config retention configuration
    (`RetentionPeriodInDays`; none is present when the default 7 years applies)."""

    document = "c7n:ConfigRetentionConfigs"
    permissions = ("config:DescribeRetentionConfigurations",)
