"""Comparing an extracted Report with a golden written by reading the source (tests/goldens/real/FORMAT.md).

Two questions, asked of every cell: is each golden cell extracted with its printed value, and is any
value extracted that the golden does not have (a wrong value: the one thing never allowed)?
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from nlp.schema import Cell, Report

GOLDENS = Path(__file__).parent / "goldens"
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Comparison:
    matched: int = 0
    missing: list[str] = field(default_factory=list)  # golden cells not extracted
    wrong: list[str] = field(default_factory=list)  # extracted values the golden contradicts or lacks

    @property
    def golden_cells(self) -> int:
        return self.matched + len(self.missing)


def load_golden(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def golden_pairs(kind: str) -> list[tuple[Path, Path]]:
    """(source file, golden) for every golden of tests/goldens/<kind>/."""
    pairs = []
    for golden in sorted((GOLDENS / kind).glob("*.json")):
        source = FIXTURES / kind / load_golden(golden)["source"]
        pairs.append((source, golden))
    return pairs


def _expected(value: Any) -> tuple[Any, str]:
    if value is None:
        return None, "blank"
    if value in ("/", "—", "-", "／"):
        return None, "not_applicable"
    if isinstance(value, str):
        return Decimal(value), "number"
    return value, "number"


def _same(cell: Cell, value: Any) -> bool:
    want, kind = _expected(value)
    if cell.kind != kind:
        return False
    return kind != "number" or (cell.value is not None and Decimal(str(cell.value)) == Decimal(str(want)))


def compare_tables(report: Report, golden: dict[str, Any]) -> Comparison:
    result = Comparison()
    expected: dict[str, dict[str, dict[str, Any]]] = golden.get("tables", {})
    for table_key, rows in expected.items():
        table = report.tables.get(table_key)  # type: ignore[arg-type]
        for row_key, cells in rows.items():
            for column, value in cells.items():
                where = f"{table_key}.{row_key}.{column}"
                cell = table.cell(row_key, column) if table else None
                if cell is None:
                    result.missing.append(f"{where} (golden {value!r})")
                elif _same(cell, value):
                    result.matched += 1
                else:
                    result.wrong.append(f"{where}: extracted {cell.raw!r} ({cell.kind}), golden {value!r}")
    for table in report.tables.present():
        for row in table.rows:
            for column, cell in row.cells.items():
                known = expected.get(table.key, {}).get(row.key or "", {})
                if column not in known and cell.kind == "number":
                    where = f"{table.key}.{row.key}.{column}"
                    result.wrong.append(f"{where}: extracted {cell.raw!r}, golden has no such cell")
    return result
