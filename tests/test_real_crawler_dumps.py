"""Real reports as a web crawler saved them (tests/fixtures/real/, copied from shared/corpus/real/
crawler_dumps/): one-line bodies, glued table cells. Goldens written by reading each file cell by cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.extract import extract_path
from nlp.schema import Report
from tests.real_goldens import compare_tables, golden_pairs, load_golden

PAIRS = golden_pairs("real")
IDS = [source.name for source, _ in PAIRS]


@pytest.fixture(scope="module")
def reports() -> dict[Path, Report]:
    return {source: extract_path(source) for source, _ in PAIRS}


def test_real_goldens_cover_every_fixture() -> None:
    sources = {p.name for p in (PAIRS[0][0].parent).iterdir() if p.suffix in {".txt", ".html"}}
    assert sources == {source.name for source, _ in PAIRS}


@pytest.mark.parametrize(("source", "golden"), PAIRS, ids=IDS)
def test_real_dump_cells_match_golden(source: Path, golden: Path, reports: dict[Path, Report]) -> None:
    result = compare_tables(reports[source], load_golden(golden))
    assert result.wrong == [], f"wrong values in {source.name}"
    assert result.missing == [], f"{len(result.missing)} golden cells not extracted from {source.name}"


@pytest.mark.parametrize(("source", "golden"), PAIRS, ids=IDS)
def test_real_dump_sections_and_metadata(source: Path, golden: Path, reports: dict[Path, Report]) -> None:
    report, expected = reports[source], load_golden(golden)
    found = {s.key for s in report.sections}
    assert set(expected["sections"]) <= found
    assert report.year == expected["year"]
    assert report.issuing_body == expected["issuing_body"]


@pytest.mark.parametrize(("source", "golden"), PAIRS, ids=IDS)
def test_real_dump_section_five_has_problems_and_improvements(
    source: Path, golden: Path, reports: dict[Path, Report]
) -> None:
    five = next(s for s in reports[source].sections if s.key == "problems_improvements")
    kinds = {p.kind for p in five.passages}
    assert "problem" in kinds
    assert ("improvement" in kinds) == load_golden(golden)["has_improvements"]


@pytest.mark.parametrize(("source", "golden"), PAIRS, ids=IDS)
def test_real_dump_ambiguous_cells_are_reported(
    source: Path, golden: Path, reports: dict[Path, Report]
) -> None:
    """A cell the golden calls ambiguous is not placed, and a problem names its row and readings."""
    report = reports[source]
    for where in load_golden(golden).get("ambiguous", {}):
        table_key, row_key, column = where.split(".")
        table = report.tables.get(table_key)
        assert table is None or table.cell(row_key, column) is None, where
        # table 4 is decoded as one run of 15 cells, so its problem names the table, not the group
        rows = {row_key, table_key}
        named = any(
            p.table == table_key and p.row in rows and p.code.startswith("cells_glued")
            for p in report.problems
        )
        assert named or source.suffix != ".txt", where
