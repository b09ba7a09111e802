"""The reference pages in docs/reference are generated from the registry and must be current."""
from pathlib import Path

from c7n_lite import docgen

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference"


def test_reference_pages_match_the_registry():
    pages = docgen.generate()
    on_disk = {p.name: p.read_text() for p in REFERENCE.glob("*.md")}
    stale = sorted(name for name, text in pages.items() if on_disk.get(name) != text)
    extra = sorted(set(on_disk) - set(pages))
    assert not stale and not extra, (
        f"docs/reference is out of date (stale: {stale}, extra: {extra}); "
        "run: python -m c7n_lite.docgen docs/reference")


def test_every_resource_page_lists_its_filters_and_actions():
    pages = docgen.generate()
    from c7n_lite.registry import resources
    for name, rt in resources.items():
        page = pages[f"{name}.md"]
        for f in rt.filter_names():
            assert f"| `{f}` |" in page
        for a in rt.action_names():
            assert f"| `{a}` |" in page


def test_the_plugin_index_is_current():
    """A run imports only what its policies use, found through c7n_lite/plugin_index.json."""
    import json

    from c7n_lite import registry
    on_disk = json.loads(Path(registry.INDEX_FILE).read_text())
    assert on_disk == json.loads(json.dumps(registry.build_index())), (
        "c7n_lite/plugin_index.json is out of date; run: python -m c7n_lite.registry")


def test_a_run_of_one_type_imports_only_its_modules():
    import subprocess
    import sys
    code = ("import sys; from c7n_lite.registry import resources; resources.get('aws.ec2');"
            "print(sorted(m for m in sys.modules if m.startswith('c7n_lite.resources.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "c7n_lite.resources.ec2" in out and "c7n_lite.resources.rds" not in out
