"""PDF reader on the two real reports: grids, goldens (every cell of tables 2-4), layout clean-up."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from nlp.readers import read_path
from nlp.readers.common import grid_rows
from nlp.schema import Grid, SourceDocument

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "samples" / "real"
GOLDENS = Path(__file__).resolve().parent / "goldens" / "pdf"
NAMES = ["hongze_2023", "huaian_gov_2024"]
APPLICANT_COLUMNS = [
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
]


@cache
def _doc(name: str) -> SourceDocument:
    return read_path(REAL / f"{name}.pdf")


def _golden(name: str) -> dict:
    return json.loads((GOLDENS / f"{name}.json").read_text(encoding="utf-8"))


def _grids(doc: SourceDocument) -> list[Grid]:
    return [b.grid for b in doc.blocks if b.kind == "table" and b.grid is not None]


def _numeric_rows(grid: Grid) -> list[list[str]]:
    """The value part of each row that has values: the trailing cells that are numbers."""
    out = []
    for row in grid_rows(grid):
        values = [c for c in row if c.replace(".", "", 1).isdigit()]
        if values:
            out.append(values)
    return out


def _as_number(text: str) -> int | Decimal:
    return Decimal(text) if "." in text else int(text)


@pytest.mark.parametrize("name", NAMES)
def test_readers_pdf_three_tables_each_one_grid(name: str) -> None:
    doc = _doc(name)
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert [b.grid.n_cols for b in tables if b.grid] == [4, 10, 15]
    # tables 2 and 3 cross a page break: each is one joined table, its rows on two pages
    for block in tables[:2]:
        pages = {doc.lines[i - 1].page for i in range(block.first_line, block.last_line + 1)}
        assert len(pages) == 2


@pytest.mark.parametrize("name", NAMES)
def test_readers_pdf_table3_values_match_golden_row_by_row(name: str) -> None:
    golden = _golden(name)["tables"]["applications"]
    rows = _numeric_rows(_grids(_doc(name))[1])
    expected = [[golden[key][col] for col in APPLICANT_COLUMNS] for key in golden]
    assert [[_as_number(v) for v in row] for row in rows] == expected


@pytest.mark.parametrize("name", NAMES)
def test_readers_pdf_table2_and_table4_values_match_golden(name: str) -> None:
    tables = _golden(name)["tables"]
    grids = _grids(_doc(name))
    expected2 = [_as_number(str(v)) for row in tables["active_disclosure"].values() for v in row.values()]
    got2 = [_as_number(v) for row in _numeric_rows(grids[0]) for v in row]
    assert got2 == expected2
    expected4 = [v for group in tables["review_litigation"].values() for v in group.values()]
    assert [[int(v) for v in row] for row in _numeric_rows(grids[2])] == [expected4]


def _extract_value(report, table: str, row: str, column: str):
    found = report.tables.get(table)
    return None if found is None else found.value(row, column)


@pytest.mark.parametrize("name", NAMES)
def test_readers_pdf_golden_every_cell_through_extract(name: str) -> None:
    extract = pytest.importorskip("nlp.extract")
    report = extract.extract_path(REAL / f"{name}.pdf")
    golden = _golden(name)["tables"]
    mismatches = []
    for table, rows in golden.items():
        for row, columns in rows.items():
            for column, value in columns.items():
                got = _extract_value(report, table, row, column)
                want = _as_number(str(value))
                if got != want:
                    mismatches.append((table, row, column, want, got))
    assert mismatches == []


@pytest.mark.parametrize("name", NAMES)
def test_readers_pdf_page_numbers_and_furniture_gone(name: str) -> None:
    texts = [line.text.strip() for line in _doc(name).lines]
    assert not [t for t in texts if t.startswith("-") and t.endswith("-")]
    assert all(line.page is not None for line in _doc(name).lines)


def test_readers_pdf_vertical_label_rejoined_in_grid() -> None:
    for name in NAMES:
        labels = [row[0] for row in grid_rows(_grids(_doc(name))[1])]
        assert "三、本年度办理结果" in labels
        assert not any(len(label) == 1 for label in labels)


def test_readers_pdf_label_cut_by_page_break_mended() -> None:
    """huaian prints （四）无 | 法提供 on two pages; the joined grid has one cell 「（四）无法提供」."""
    rows = grid_rows(_grids(_doc("huaian_gov_2024"))[1])
    second = [row[1] for row in rows]
    assert "（四）无法提供" in second
    assert "法提供" not in second
    assert "（五）不予处理" in second


def test_readers_pdf_paragraphs_reflowed_headings_kept() -> None:
    texts = [line.text for line in _doc("hongze_2023").lines]
    for heading in [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]:
        assert heading in texts
    # a paragraph wrapped over a page break is one line, without the page number in it
    joined = next(t for t in texts if t.startswith("加强区政府门户网站"))
    assert "严格执行“分级审核、先审后发”程序" in joined
    assert "2023年全区受理政府信息公开申请21件，均在法定期限答复。" in "".join(texts)


def test_readers_pdf_blocks_cover_lines_in_order() -> None:
    doc = _doc("huaian_gov_2024")
    covered = [n for b in doc.blocks for n in range(b.first_line, b.last_line + 1)]
    assert covered == list(range(1, len(doc.lines) + 1))
    for block in doc.blocks:
        if block.grid is not None:
            lines = [doc.lines[i - 1].text for i in range(block.first_line, block.last_line + 1)]
            assert all(line.count("\t") == block.grid.n_cols - 1 for line in lines)
    assert doc.media_type == "application/pdf"
    assert len(doc.sha256) == 64
