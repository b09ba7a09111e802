"""Resource types: one short module per service, each a set of declared facts."""
