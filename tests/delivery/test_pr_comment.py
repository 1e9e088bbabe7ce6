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
