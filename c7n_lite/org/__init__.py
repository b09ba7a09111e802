"""Organisations: many accounts and regions in one run (`c7n-lite org …`), in
c7n-org's formats and output layout."""
