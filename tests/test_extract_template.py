"""The blank 2021 DOCX template: every canonical label is found, nothing is unmatched, every cell blank."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.align import get_aligner
from nlp.extract import extract_path
from nlp.schema import Report, SectionKey

TEMPLATE = Path(__file__).resolve().parent.parent / "samples" / "real" / "template_2021_blank.docx"
DISCLOSURE_2021 = {
    "regulations": ["issued", "repealed", "in_force"],
    "normative_documents": ["issued", "repealed", "in_force"],
    "licensing": ["decisions"],
    "punishment": ["decisions"],
    "coercion": ["decisions"],
    "fees": ["amount_wan_yuan"],
}


@pytest.fixture(scope="module")
def template() -> Report:
    return extract_path(TEMPLATE)


def test_extract_template_reads_as_2021_with_no_problem(template: Report) -> None:
    assert template.format == "2021"
    assert template.problems == []
    assert all(a.key is not None for a in template.alignments)


@pytest.mark.parametrize(("row", "columns"), sorted(DISCLOSURE_2021.items()))
def test_extract_template_table2_rows(template: Report, row: str, columns: list[str]) -> None:
    table = template.tables.active_disclosure
    assert table is not None and table.row(row) is not None
    assert {c: table.cell(row, c).kind for c in columns} == dict.fromkeys(columns, "blank")  # type: ignore[union-attr]


@pytest.mark.parametrize("row", get_aligner().application_rows(single_other=False))
def test_extract_template_table3_every_2021_row_blank(template: Report, row: str) -> None:
    table = template.tables.applications
    assert table is not None
    found = table.row(row)
    assert found is not None, f"{row} not found"
    assert list(found.cells) == list(get_aligner().application_columns())
    assert {c.kind for c in found.cells.values()} == {"blank"}


@pytest.mark.parametrize("group", ["review", "suit_direct", "suit_after_review"])
def test_extract_template_table4_rows_blank(template: Report, group: str) -> None:
    table = template.tables.review_litigation
    assert table is not None
    row = table.row(group)
    assert row is not None and list(row.cells) == ["upheld", "corrected", "other", "pending", "total"]
    assert {c.kind for c in row.cells.values()} == {"blank"}


@pytest.mark.parametrize(
    "key",
    [
        "overview",
        "active_disclosure",
        "applications",
        "review_litigation",
        "problems_improvements",
        "other_matters",
    ],
)
def test_extract_template_every_section(template: Report, key: SectionKey) -> None:
    assert template.section(key) is not None
