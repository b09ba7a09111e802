"""c7n_lite: a small, fast policy engine for AWS in Cloud Custodian's syntax."""

__version__ = "0.1.0"
