"""Printable Chinese names of tables, rows and columns, read from configs/labels.yaml.

Only messages use these; the lint's logic speaks in canonical keys. A key the labels file does not
name is printed as the key itself, so a relabelled config never breaks a message.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from nlp.config import load_yaml

__all__ = ["column_name", "row_name", "table_name"]

_TABLE_NAMES = {
    "active_disclosure": "表二（主动公开）",
    "applications": "表三（依申请公开）",
    "review_litigation": "表四（行政复议、行政诉讼）",
}


def _label_of(entry: object) -> str | None:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and isinstance(entry.get("label"), str):
        return str(entry["label"])
    return None


def _rows_of(spec: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    rows = spec.get("rows")
    if isinstance(rows, list):
        names.update({str(r["key"]): _label_of(r) or str(r["key"]) for r in rows if isinstance(r, dict)})
    for key, entry in (spec.get("groups") or {}).items():
        names.setdefault(str(key), _label_of(entry) or str(key))
    for block in spec.get("blocks") or []:
        for key, entry in (block.get("rows") or {}).items():
            names.setdefault(str(key), _label_of(entry) or str(key))
    return names


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    tables = load_yaml("labels.yaml").get("tables") or {}
    result: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for table, spec in tables.items():
        columns = {str(k): _label_of(v) or str(k) for k, v in (spec.get("column_labels") or {}).items()}
        result[str(table)] = (_rows_of(spec), columns)
    return result


def table_name(table: str) -> str:
    return _TABLE_NAMES.get(table, table)


def row_name(table: str, row: str) -> str:
    if row == table:  # table 4 is stored as one row named after its table
        return table_name(table)
    return _names().get(table, ({}, {}))[0].get(row, row)


def column_name(table: str, column: str) -> str:
    return _names().get(table, ({}, {}))[1].get(column, column)
