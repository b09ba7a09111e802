"""Every action declares the IAM permissions it needs, for every type it applies to."""
from __future__ import annotations

import re

from c7n_lite.registry import load_all, resources

PERMISSION = re.compile(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$")


def test_every_action_declares_permissions():
    load_all()
    missing = []
    for name, rt in resources.items():
        for action in rt.action_names():
            cls = rt.action_class(action)
            perms = cls.all_permissions({"type": action}, rt)
            # An action that calls no AWS API (webhook) says so explicitly.
            if not perms and getattr(cls, "calls_no_aws_api", False):
                continue
            if not perms or not all(PERMISSION.match(p) for p in perms):
                missing.append(f"{name}/{action}: {sorted(perms)}")
    assert missing == []


def test_tag_permissions_are_those_of_the_types_method():
    """Adding tags is not granted removing them; removing them is not granted adding
    (where the type's calls keep the two apart); renaming needs both."""
    load_all()

    def perms(action):
        return {n: resources.get(n).action_class(action).all_permissions({}, resources.get(n))
                for n in ("aws.ec2", "aws.s3", "aws.sns", "aws.redshift")}

    for adding in ("tag", "mark", "mark-for-op", "auto-tag-user"):
        assert perms(adding) == {"aws.ec2": {"ec2:CreateTags"},
                                 "aws.s3": {"s3:GetBucketTagging", "s3:PutBucketTagging"},
                                 "aws.sns": {"sns:TagResource"},
                                 "aws.redshift": {"redshift:CreateTags"}}, adding
    for removing in ("remove-tag", "unmark"):
        assert perms(removing) == {"aws.ec2": {"ec2:DeleteTags"},
                                   "aws.s3": {"s3:GetBucketTagging", "s3:PutBucketTagging"},
                                   "aws.sns": {"sns:UntagResource"},
                                   "aws.redshift": {"redshift:DeleteTags"}}, removing
    for both in ("rename-tag",):
        assert perms(both) == {"aws.ec2": {"ec2:CreateTags", "ec2:DeleteTags"},
                                   "aws.s3": {"s3:GetBucketTagging", "s3:PutBucketTagging"},
                                   "aws.sns": {"sns:TagResource", "sns:UntagResource"},
                                   "aws.redshift": {"redshift:CreateTags", "redshift:DeleteTags"}}, both
