"""Table 2's glued stock rows settled by the body's previous year (nlp.tables.years): 现行有效 = last
year's 现行有效 + 制发 − 废止. Real file: 行政审批局 2023 prints 行政规范性文件5416
(5,4,16 / 5,41,6 / 54,1,6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.extract import extract_text
from nlp.lint import check_reports
from nlp.schema import Report
from nlp.tables.years import with_previous_year

DUMP = Path(__file__).parent / "fixtures" / "real" / "fujian_pingtan_xingzhengshenpi_2023.txt"


def _reports(last_row: str) -> tuple[Report, Report]:
    text = DUMP.read_text(encoding="utf-8")
    this_year = extract_text(text, source="xzsp_2023.txt")
    earlier = text.replace("2023", "2022").replace("行政规范性文件5416", last_row)
    return this_year, extract_text(earlier, source="xzsp_2022.txt")


def _cells(report: Report) -> dict[str, str]:
    table = report.tables.active_disclosure
    row = table.row("normative_documents") if table else None
    return {k: c.raw for k, c in row.cells.items()} if row else {}


@pytest.mark.parametrize(
    ("last_row", "expected", "method"),
    [
        ("行政规范性文件0 0 15", {"issued": "5", "repealed": "4", "in_force": "16"}, "arithmetic"),  # 15+5-4
        ("行政规范性文件0 0 8", {}, "ambiguous"),  # no split gives 8 + 制发 − 废止: left as it was
    ],
)
def test_tables_years_previous_stock_settles_a_glued_row(last_row: str, expected: dict, method: str) -> None:
    this_year, last_year = _reports(last_row)
    assert _cells(this_year) == {}
    settled = with_previous_year(this_year, last_year)
    assert _cells(settled) == expected
    row = settled.tables.active_disclosure.row("normative_documents")  # type: ignore[union-attr]
    assert row is not None and row.decoding is not None and row.decoding.method == method


def test_tables_years_check_uses_the_previous_year_in_a_batch() -> None:
    this_year, last_year = _reports("行政规范性文件0 0 15")
    results = check_reports([this_year, last_year])
    glued = [f for f in results[this_year.sha256].findings if f.rule == "S-CELLS-GLUED"]
    assert not any("行政规范性文件" in f.message_en for f in glued)
