"""On a PDF every claim and finding says the page its text was printed on (page_starts on the Report)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.extract import extract_path
from nlp.lint import check_report
from nlp.schema import Report

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "real"


@pytest.mark.parametrize(
    ("starts", "line", "page"), [([1, 9, 17], 1, 1), ([1, 9, 17], 9, 2), ([1, 9, 17], 40, 3)]
)
def test_lint_pages_page_of_line(starts: list[int], line: int, page: int) -> None:
    report = Report(source="x.pdf", sha256="0", page_starts=starts)
    assert report.page_of(line) == page


def test_lint_pages_text_reports_have_no_page() -> None:
    assert Report(source="x.txt", sha256="0").page_of(3) is None


@pytest.mark.parametrize(
    ("name", "value", "page"), [("huaian_gov_2024.pdf", 3050, 2), ("huaian_gov_2024.pdf", 3119, 2)]
)
def test_lint_pages_claims_carry_their_page(name: str, value: int, page: int) -> None:
    result = check_report(extract_path(SAMPLES / name))
    claim = next(c for c in result.claims if c.value == value)
    assert claim.span.page == page


def test_lint_pages_table_findings_cells_carry_their_page() -> None:
    report = extract_path(SAMPLES / "hongze_2023.pdf")
    findings = [f for f in check_report(report).findings if f.rule == "T4-GROUP-TOTAL"]
    assert findings
    for cell in (c for f in findings for c in f.cells):
        assert cell.page == report.page_of(cell.line) and cell.page is not None
