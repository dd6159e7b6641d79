"""The five seed reports against goldens written by reading each seed cell by cell."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from nlp.schema import Table
from nlp.tables import TablesResult, parse_tables

ROOT = Path(__file__).resolve().parents[1]
GOLDENS = sorted((ROOT / "tests" / "goldens" / "tables").glob("*.json"))
SEEDS = ROOT / "samples" / "seeds"


def _parse(name: str) -> TablesResult:
    lines = (SEEDS / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    return parse_tables(lines, source=name)


def _cases() -> list[tuple[str, str, str, dict[str, Any]]]:
    cases = []
    for path in GOLDENS:
        golden = json.loads(path.read_text(encoding="utf-8"))
        for table_key, table in golden["tables"].items():
            for row_key, row in table["rows"].items():
                cases.append((path.stem, table_key, row_key, row))
    return cases


@pytest.fixture(scope="module")
def parsed() -> dict[str, TablesResult]:
    return {path.stem: _parse(path.stem) for path in GOLDENS}


def test_tables_goldens_cover_every_seed() -> None:
    assert {p.stem for p in GOLDENS} == {p.stem for p in SEEDS.glob("*.txt")}


@pytest.mark.parametrize("name", [p.stem for p in GOLDENS])
def test_tables_golden_formats_and_missing_rows(name: str, parsed: dict[str, TablesResult]) -> None:
    golden = json.loads((ROOT / "tests" / "goldens" / "tables" / f"{name}.json").read_text(encoding="utf-8"))
    result = parsed[name]
    assert result.format == golden["format"]
    for table_key, expected in golden["tables"].items():
        table = result.tables.get(table_key)
        assert isinstance(table, Table), table_key
        assert table.format == expected["format"]
        assert table.missing_rows == expected["missing_rows"]
        assert [r.key for r in table.rows] == list(expected["rows"]), f"{name} {table_key} row keys"


@pytest.mark.parametrize(("name", "table_key", "row_key", "expected"), _cases(), ids=lambda v: str(v)[:30])
def test_tables_golden_cells(
    name: str, table_key: str, row_key: str, expected: dict[str, Any], parsed: dict[str, TablesResult]
) -> None:
    table = parsed[name].tables.get(table_key)  # type: ignore[arg-type]
    assert table is not None
    row = table.row(row_key)
    assert row is not None, f"{name}: {row_key} not found"
    assert row.line == expected["line"]
    assert set(row.cells) == set(expected["cells"])
    for column, want in expected["cells"].items():
        got = row.cells[column]
        value = (
            None if got.value is None else (str(got.value) if isinstance(want["value"], str) else got.value)
        )
        assert (got.raw, value, got.kind, got.line) == (
            want["raw"],
            want["value"],
            want["kind"],
            want["line"],
        ), f"{name} {row_key}.{column}"
        assert got.span is not None and got.span.line == got.line
    if "printed" in expected:
        assert [c.raw for c in row.printed] == expected["printed"]


@pytest.mark.parametrize("name", [p.stem for p in GOLDENS])
def test_tables_golden_problems(name: str, parsed: dict[str, TablesResult]) -> None:
    golden = json.loads((ROOT / "tests" / "goldens" / "tables" / f"{name}.json").read_text(encoding="utf-8"))
    got = Counter(
        (p.code, p.line, p.table, p.row if p.code == "row_missing" else None) for p in parsed[name].problems
    )
    want = Counter((p["code"], p["line"], p["table"], p.get("row") if p["code"] == "row_missing" else None)
                   for p in golden["problems"])  # fmt: skip
    assert got == want
    for expected in golden["problems"]:
        if "detail" not in expected:
            continue
        found = next(
            p for p in parsed[name].problems if (p.code, p.line) == (expected["code"], expected["line"])
        )
        for field, value in expected["detail"].items():
            assert found.detail[field] == value, f"{name} {expected['code']} {field}"


def test_tables_cells_point_at_their_text(parsed: dict[str, TablesResult]) -> None:
    for name, result in parsed.items():
        text = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
        for key in ("active_disclosure", "applications", "review_litigation"):
            table = result.tables.get(key)  # type: ignore[arg-type]
            assert table is not None and table.span is not None
            for row in table.rows:
                for cell in row.printed:
                    assert cell.span is not None
                    assert text[cell.span.start : cell.span.end] == cell.raw, f"{name} line {cell.line}"
