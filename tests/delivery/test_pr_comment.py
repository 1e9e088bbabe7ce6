"""The markdown report renders well as a pull-request comment: rendered to HTML the way GitHub
renders comments (CommonMark plus GFM tables), its tables keep their shape, a resource name
holding a pipe stays inside its cell, the Mermaid diagram arrives as a `mermaid` code block
(which GitHub draws as a picture), and the comment fits GitHub's size limit."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "pr_comment"
GITHUB_COMMENT_LIMIT = 65_536  # characters in one issue or pull-request comment body

_md = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _preflight_markdown(tmp_path: Path, *args: str) -> tuple[int, str]:
    output = tmp_path / "preflight.md"
    script = Path(sys.executable).parent / "preflight"
    result = subprocess.run(
        [str(script), "--format", "markdown", "--output", str(output), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode in (0, 1), f"preflight could not evaluate:\n{result.stderr}"
    return result.returncode, output.read_text(encoding="utf-8")


class _Tables(HTMLParser):
    """Collects each table as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _tables(html: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _source_table_rows(markdown: str) -> list[list[str]]:
    """Each markdown table as its rows' raw lines, outside fenced code blocks."""
    blocks: list[list[str]] = []
    in_fence = False
    current: list[str] = []
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        is_row = not in_fence and line.lstrip().startswith("|")
        if is_row:
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _cell_count(row: str) -> int:
    # GFM splits cells on every pipe that is not backslash-escaped, code spans included.
    return len(re.split(r"(?<!\\)\|", row.strip().strip("|")))


@pytest.fixture(scope="module")
def violating_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str]:
    return _preflight_markdown(
        tmp_path_factory.mktemp("report"), "--program", str(FIXTURE), "--stack", "ci"
    )


def test_a_violation_fails_preflight(violating_report: tuple[int, str]) -> None:
    exit_code, _ = violating_report
    assert exit_code == 1


def test_every_table_row_keeps_the_header_shape(violating_report: tuple[int, str]) -> None:
    _, markdown = violating_report
    blocks = _source_table_rows(markdown)
    assert blocks, "the report has no table"
    for rows in blocks:
        header = _cell_count(rows[0])
        assert re.fullmatch(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?", rows[1]), rows[1]
        for row in rows[2:]:
            assert _cell_count(row) == header, f"row does not match the header:\n{rows[0]}\n{row}"


def test_tables_render_as_html_tables_and_nothing_leaks_as_text(
    violating_report: tuple[int, str],
) -> None:
    _, markdown = violating_report
    html = _md.render(markdown)
    tables = _tables(html)
    assert len(tables) == len(_source_table_rows(markdown))
    # A table row that failed to parse would surface as a paragraph starting with a pipe.
    assert not re.search(r"<p>\s*\|", html)
    violations = [t for t in tables if any("residency-" in cell for row in t for cell in row)]
    assert violations, "no rendered table names a residency policy"
    cells = [cell for row in violations[0][1:] for cell in row]
    assert any("residency-data-flow" in cell for cell in cells)


def test_a_pipe_in_a_resource_name_stays_in_its_cell(violating_report: tuple[int, str]) -> None:
    _, markdown = violating_report
    tables = _tables(_md.render(markdown))
    cells = [cell for table in tables for row in table for cell in row]
    assert any("exports|2026" in cell for cell in cells), "the name `exports|2026` was split"


def test_the_data_flow_diagram_is_a_mermaid_block(violating_report: tuple[int, str]) -> None:
    _, markdown = violating_report
    html = _md.render(markdown)
    blocks = re.findall(r'<pre><code class="language-mermaid">(.*?)</code></pre>', html, re.S)
    assert len(blocks) == 1
    diagram = blocks[0]
    assert re.match(r"\s*(flowchart|graph)\s+(LR|RL|TB|TD|BT)\b", diagram)
    assert "ap-southeast-1" in diagram and "us-east-1" in diagram


def test_the_report_fits_in_one_comment(violating_report: tuple[int, str]) -> None:
    _, markdown = violating_report
    assert 0 < len(markdown) < GITHUB_COMMENT_LIMIT


def test_the_stack_secrets_warning_reaches_the_comment(violating_report: tuple[int, str]) -> None:
    _, markdown = violating_report
    html = _md.render(markdown)
    items = re.findall(r"<li>(.*?)</li>", html, re.S)
    warning = [item for item in items if "secretsprovider" in item]
    assert len(warning) == 1, "the fixture's Singapore secrets key is reported once"
    assert "ap-southeast-1" in warning[0] and "Fix:" in warning[0]


# --- Bounded by design, and the diagram marks what violates ---------------------------------

from preflight.model import (  # noqa: E402
    DataFlow,
    ExemptionNote,
    PackInfo,
    Report,
    ResourceSummary,
    Violation,
)
from preflight.reporters import markdown as markdown_reporter  # noqa: E402
from preflight.reporters import render  # noqa: E402

STACK = "urn:pulumi:prod::shop::"


def _store(name: str, region: str, cls: str = "us-user-data") -> ResourceSummary:
    return ResourceSummary(
        urn=f"{STACK}aws:s3/bucket:Bucket::{name}", type="aws:s3/bucket:Bucket", name=name,
        provider=None, region=region, cloud="aws", classification=cls, parent=None,
        source=f"__main__.py:{len(name)}", data_store=True, encryption_key=None,
        replication_targets=(),
    )  # fmt: skip


def _report(resources: list[ResourceSummary], **fields: object) -> Report:
    base: dict[str, object] = {
        "stack": "prod", "project": "shop", "program_dir": str(ROOT),
        "packs": [PackInfo("residency", "0.1.0", "/p", (), handshake=True)],
        "resources": resources, "violations": [],
    }  # fmt: skip
    base.update(fields)
    return Report(**base)  # type: ignore[arg-type]


def test_a_9000_violation_report_fits_one_comment_summary_first() -> None:
    stores = [_store(f"bucket-{i:05d}", "ap-southeast-1") for i in range(9_000)]
    long = "is in ap-southeast-1, outside the regions allowed for us-user-data " * 8
    violations = [
        Violation("residency-classification-in-region", "residency", "mandatory", s.urn,
                  f"`{s.name}` {long}. Fix: move it.")
        for s in stores
    ]  # fmt: skip
    report = _report(
        stores,
        violations=violations,
        flows=[DataFlow(s.urn, None, "eu-west-1", "replication") for s in stores[:2_000]],
        notes=[f"note {i}: " + "x" * 900 for i in range(200)],
        exemptions=[
            ExemptionNote("residency-data-flow", "residency", "unused", f"name n{i}-* of type t",
                          "r" * 300, "2026-12-01", "silenced no finding " * 20)
            for i in range(500)
        ],
    ).in_stable_order()  # fmt: skip
    text = render(report, "markdown")
    assert len(text) < markdown_reporter.COMMENT_BUDGET < GITHUB_COMMENT_LIMIT
    assert sum(markdown_reporter.BUDGETS.values()) + 3_000 < markdown_reporter.COMMENT_BUDGET
    lines = text.splitlines()
    assert lines[0] == "## Residency preflight: ❌ FAIL"
    assert "**9000 mandatory**" in lines[2]  # the verdict and counts come first
    assert markdown_reporter.FULL_REPORT in lines[4]
    rows = [ln for ln in lines if ln.startswith("| 🔴")]
    assert 0 < len(rows) <= markdown_reporter.MAX_TABLE_ROWS
    assert f"…and {9_000 - len(rows)} more violations: see {markdown_reporter.FULL_REPORT}" in text
    # Nothing is cut mid-table: every table row is whole and the notes section is present.
    for block in _source_table_rows(text):
        assert all(_cell_count(row) == _cell_count(block[0]) for row in block[2:])
    assert "### Notes" in text and "too many for a diagram" in text


def test_the_workflow_links_the_full_report_artifact_and_never_cuts_mid_table() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "preview.yml").read_text())
    steps = workflow["jobs"]["preflight"]["steps"]
    (upload,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload["with"]["name"] == "preflight-report"
    assert "preflight.json" in upload["with"]["path"] and "preflight.txt" in upload["with"]["path"]
    (comment,) = [s for s in steps if str(s.get("name", "")).startswith("Comment the preflight")]
    script = comment["with"]["script"]
    assert f"'{markdown_reporter.FULL_REPORT}'" in script.replace("\\`", "`")
    assert "steps.report-artifact.outputs.artifact-url" in str(comment.get("env", {}))
    assert "report.slice(0, limit)" not in script  # no cut in the middle of a table
    reports = "\n".join(str(s.get("run", "")) for s in steps)
    assert "--format json --output preflight.json" in reports
    assert "--format text --output preflight.txt" in reports


def test_the_diagram_marks_violations_and_keeps_a_same_region_backup_in_its_region() -> None:
    users = _store("users", "us-east-1")
    replica = _store("replica", "ap-southeast-1", "non-personal")
    report = _report(
        [users, replica],
        violations=[
            Violation("residency-data-flow", "residency", "mandatory", replica.urn, "x. Fix: y"),
        ],
        flows=[
            DataFlow(users.urn, replica.urn, "ap-southeast-1", "replication"),
            DataFlow(users.urn, None, "us-east-1", "backup"),
        ],
    )  # fmt: skip
    diagram = "\n".join(markdown_reporter.mermaid(report))
    ids = {line.split('["')[0].strip(): line for line in diagram.splitlines() if '["' in line}
    replica_id = next(k for k, v in ids.items() if "replica" in v and k.startswith("r"))
    assert f"class {replica_id} violation" in diagram
    assert "classDef violation" in diagram
    edges = [ln.strip() for ln in diagram.splitlines() if "-->" in ln]
    assert edges[0].endswith(f'-->|"⚠ replication"| {replica_id}')
    assert "linkStyle 0 stroke:#d00" in diagram and "linkStyle 1" not in diagram
    # The same-region backup's destination is drawn inside the us-east-1 box.
    east = diagram.split('subgraph aws_us_east_1["aws us-east-1"]')[1].split("  end")[0]
    assert '(["us-east-1"])' in east
    assert '-->|"backup"|' in diagram
