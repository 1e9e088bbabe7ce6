"""The documentation stays true: links resolve, every guide is indexed, the diagrams survive
rendering, and the classification table is the pack's default table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from residency_pack.engine import pack_config

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GUIDES = sorted(p for p in DOCS.glob("*.md") if p.name != "README.md")
LINKED_FILES = [*sorted(DOCS.glob("*.md")), ROOT / "CHANGELOG.md", ROOT / "README.md"]

_md = MarkdownIt("commonmark").enable("table")


def _links(path: Path) -> list[str]:
    tokens = _md.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                found.append(str(child.attrs.get("href", "")))
    return found


@pytest.mark.parametrize("path", LINKED_FILES, ids=lambda p: p.name)
def test_relative_links_resolve(path: Path) -> None:
    broken = []
    for href in _links(path):
        if re.match(r"^[a-z]+:", href) or href.startswith("#"):
            continue
        target = (path.parent / href.split("#", 1)[0]).resolve()
        if not target.exists():
            broken.append(href)
    assert not broken, f"{path.relative_to(ROOT)} links to missing files: {broken}"


def test_every_guide_is_in_the_index() -> None:
    linked = set(_links(DOCS / "README.md"))
    missing = [p.name for p in GUIDES if p.name not in linked]
    assert not missing, f"docs/README.md does not link {missing}"


def test_the_architecture_diagrams_render_as_mermaid_blocks() -> None:
    html = _md.render((DOCS / "architecture.md").read_text(encoding="utf-8"))
    blocks = re.findall(r'<pre><code class="language-mermaid">(.*?)</code></pre>', html, re.S)
    assert len(blocks) >= 2
    assert any("flowchart" in b and "us-ashburn-1" in b for b in blocks)


def _classification_table() -> dict[str, dict[str, list[str]]]:
    text = (DOCS / "data-classification.md").read_text(encoding="utf-8")
    section = text.split("## Where each classification may live", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, dict[str, list[str]]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = {
                "oci": sorted(r.strip() for r in cells[1].split(",")),
                "aws": sorted(r.strip() for r in cells[2].split(",")),
            }
    return rows


def test_the_documented_region_table_is_the_packs_default_table() -> None:
    expected = {
        classification: {cloud: sorted(regions) for cloud, regions in row.items()}
        for classification, row in pack_config.DEFAULT_ALLOWED_REGIONS.items()
    }
    assert _classification_table() == expected


def _pack_policy_names() -> list[str]:
    from residency_pack.policies import all_policies

    return [policy.name for policy in all_policies()]


@pytest.mark.parametrize(
    "path",
    [
        DOCS / "reading-reports.md",
        DOCS / "data-classification.md",
        ROOT / "policy_packs" / "residency" / "CHANGELOG.md",
    ],
    ids=lambda p: p.name,
)
def test_every_policy_of_the_pack_is_documented(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    missing = [name for name in _pack_policy_names() if f"`{name}`" not in text]
    assert not missing, f"{path.relative_to(ROOT)} does not mention {missing}"


def _documented_policy_configs() -> list[tuple[str, dict[str, object]]]:
    found = []
    for path in sorted(DOCS.glob("*.md")):
        for token in _md.parse(path.read_text(encoding="utf-8")):
            if token.type == "fence" and token.info.strip() == "json":
                document = json.loads(token.content)
                if all(str(key).startswith("residency-") for key in document):
                    found.append((path.name, document))
    return found


def test_documented_policy_config_examples_are_accepted_by_the_pack() -> None:
    from residency_pack.policies import all_policies

    schemas = {policy.name: policy.config_schema for policy in all_policies()}
    examples = _documented_policy_configs()
    assert {name for name, _ in examples} >= {"data-classification.md", "exemptions.md"}
    for doc, document in examples:
        for policy_name, section in document.items():
            assert policy_name in schemas, f"{doc}: `{policy_name}` is not a policy of the pack"
            if isinstance(section, str):
                continue  # an enforcement level
            assert isinstance(section, dict)
            schema = schemas[policy_name]
            properties = schema.properties if schema is not None else {}
            try:
                pack_config.resolve(policy_name, properties, section)
            except pack_config.ConfigError as error:
                pytest.fail(f"{doc}: the example for `{policy_name}` is rejected: {error}")
