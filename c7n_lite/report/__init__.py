"""Compliance reports from run output: what was checked, what failed, mapped to controls.

`collect` reads output directories into a `Findings` model; each format module
renders it; `commands` is the `c7n-lite report` command.  CLI only.
"""
