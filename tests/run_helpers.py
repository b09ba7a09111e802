"""Reading `c7n-lite run`'s summary table as a user would: the header row names the columns."""
from __future__ import annotations

HEADER = ["POLICY", "RESOURCE", "REGION", "EVALUATED", "MATCHED", "ERRORED", "TIME", "STATUS"]


def summary_rows(output: str) -> list[dict[str, str]]:
    """Every policy row (not the lines under it), as {column: value}."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split() == HEADER)
    rows = []
    for line in lines[start + 1:]:
        if not line or line.startswith(" "):
            continue
        cells = line.split(None, len(HEADER) - 1)
        if len(cells) < len(HEADER) or cells[6][-1:] != "s":
            if "skipped:" in line:
                rows.append(dict(zip(HEADER[:3], cells[:3], strict=True)) | {"STATUS": "skipped"})
            continue
        rows.append(dict(zip(HEADER, cells, strict=True)))
    return rows


def summary_row(output: str, policy: str, region: str | None = None) -> dict[str, str]:
    found = [r for r in summary_rows(output) if r["POLICY"] == policy and region in (None, r["REGION"])]
    assert len(found) == 1, (policy, output)
    return found[0]
