"""Printable Chinese names of tables, rows, columns and claim metrics, read from configs/labels.yaml
(and, for a metric's readings, configs/claims.yaml).

Only messages use these; the lint's logic speaks in canonical keys. A key the labels file does not
name is printed as the key itself, so a relabelled config never breaks a message.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from nlp.config import load_yaml

__all__ = ["cell_key_name", "column_name", "metric_name", "reading_name", "row_name", "table_name"]

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


# --- claim metrics (configs/claims.yaml: `applications.received`, `active.punishment.decisions`, …) ---

_TABLE_OF_PREFIX = {"active": "active_disclosure", "applications": "applications"}
_TABLE4_GROUPS = ("suit_after_review", "suit_direct", "review")  # longest first: prefixes of cell keys
_SUIT = "行政诉讼"  # suit.*: both litigation groups together, as the prose counts them


def _row_specs(table: str) -> list[dict[str, Any]]:
    rows = (load_yaml("labels.yaml").get("tables") or {}).get(table, {}).get("rows") or []
    return [r for r in rows if isinstance(r, dict)]


def _short(table: str, row: str) -> str:
    """A row's label without its printed note (部分公开（区分处理的，…） → 部分公开); a label many rows
    share (总计, 其他) gets its parent or group in front: 本年度办理结果总计, 其他处理·其他."""
    label = row_name(table, row).split("（", 1)[0]
    shared = load_yaml("labels.yaml").get("ambiguous_labels") or []
    spec = next((r for r in _row_specs(table) if r.get("key") == row), {})
    if label in shared and spec.get("parent"):
        return f"{spec['parent']}{label}"
    if label in shared and spec.get("group"):
        return f"{spec['group']}·{label}"
    return label


def _group_label(table: str, rows: set[str]) -> str | None:
    """The printed group (不予公开, 无法提供…) whose rows are exactly `rows`."""
    groups: dict[str, set[str]] = {}
    for spec in _row_specs(table):
        if spec.get("group"):
            groups.setdefault(str(spec["group"]), set()).add(str(spec.get("key")))
    return next((name for name, keys in groups.items() if keys == rows), None)


def _group_by_prefix(table: str, prefix: str) -> str | None:
    """The group of the table-3 rows whose keys start with `prefix`_ (denied → 不予公开)."""
    rows = {str(r.get("key")) for r in _row_specs(table) if str(r.get("key", "")).startswith(prefix + "_")}
    return _group_label(table, rows) if rows else None


def _first_reading_rows(metric: str) -> list[str]:
    """The rows named by the metric's first reading in claims.yaml (`applications/new_received/$column`)."""
    entry = (load_yaml("claims.yaml").get("metrics") or {}).get(metric)
    readings = entry.get("readings") if isinstance(entry, dict) else None
    if not isinstance(readings, dict) or not readings:
        return []
    cells = next(iter(readings.values()))
    return [str(c).split("/")[1] for c in cells if isinstance(c, str) and c.count("/") == 2]


def _table4_name(group: str, column: str) -> str:
    label = _SUIT if group == "suit" else row_name("review_litigation", group)
    return f"{label}·{column_name('review_litigation', column)}"


def metric_name(metric: str) -> str:
    """A claim metric in the report's own words: active.punishment.decisions → 行政处罚·本年处理决定数量,
    review.total → 行政复议·总计, applications.denied → 不予公开; the key itself when nothing names it."""
    head, _, rest = metric.partition(".")
    if head in (*_TABLE4_GROUPS, "suit") and rest and "." not in rest:
        return _table4_name(head, rest)
    table = _TABLE_OF_PREFIX.get(head)
    if table == "active_disclosure" and rest.count(".") == 1:
        row, column = rest.split(".")
        return f"{row_name(table, row)}·{column_name(table, column)}"
    if table == "applications" and rest:
        return _applications_metric(table, rest, metric)
    return metric


def _applications_metric(table: str, key: str, metric: str) -> str:
    if key in _names().get(table, ({}, {}))[0]:
        return _short(table, key)
    group = _group_by_prefix(table, key)
    if group:
        return group
    rows = _first_reading_rows(metric)  # received → new_received; granted_or_partially_granted → two rows
    if rows:
        return "与".join(dict.fromkeys(_short(table, r) for r in rows))
    return metric


def reading_name(metric: str, reading: str) -> str:
    """A reading a claim was checked against (claims.yaml `metrics.<metric>.readings`), named by its rows:
    new_received_plus_carried_over → 本年新收政府信息公开申请数量＋上年结转政府信息公开申请数量."""
    name, derived = reading.removesuffix(":derived_total"), reading.endswith(":derived_total")
    kind, _, rest = name.partition(":")
    if kind == "aligned" and rest:
        text = _short("applications", rest)
    elif kind == "regrouped" and rest:
        text = f"重新分组（{_cells_of(metric, rest, key='regroupings') or rest}）"
    else:
        text = _cells_of(metric, name, key="readings") or name
    return text + ("（总计按各类申请人之和）" if derived else "")


def _cells_of(metric: str, reading: str, *, key: str) -> str | None:
    entry = (load_yaml("claims.yaml").get("metrics") or {}).get(metric)
    found = entry.get(key) if isinstance(entry, dict) else None
    cells = found.get(reading) if isinstance(found, dict) else None
    if isinstance(cells, dict):  # a regrouping: {cue, reason, cells}
        cells = cells.get("cells")
    if not isinstance(cells, list) or not cells:
        return None
    parts = [str(cell).split("/") for cell in cells]
    if any(len(p) != 3 for p in parts):
        return None
    return "＋".join(_collapse_groups([(t, r, c) for t, r, c in parts]))


def _collapse_groups(cells: list[tuple[str, str, str]]) -> list[str]:
    """Cell names in order, every whole table-3 group (the eight 不予公开 rows) named once by its group."""
    groups: dict[str, set[str]] = {}
    for spec in _row_specs("applications"):
        if spec.get("group"):
            groups.setdefault(str(spec["group"]), set()).add(str(spec.get("key")))
    rows = {row for table, row, _ in cells if table == "applications"}
    whole = {row: name for name, keys in groups.items() if len(keys) > 1 and keys <= rows for row in keys}
    names = [whole.get(row) or _cell_name(table, row, column) for table, row, column in cells]
    return list(dict.fromkeys(names))


def _cell_name(table: str, row: str, column: str) -> str:
    if table == "review_litigation":
        return _table4_name(row, column)
    label = _short(table, row)
    if column.startswith("$") or (column == "total" and table == "applications"):
        return label  # the claim's own applicant column, or the total: the row names it
    return f"{label}·{column_name(table, column)}"


def cell_key_name(table: str, key: str) -> str:
    """A cell named by one key in a structure problem's detail: a column key (natural_person → 自然人), or
    in table 4 a group and column joined (suit_after_review_corrected → 复议后起诉·结果纠正)."""
    if table == "review_litigation":
        for group in _TABLE4_GROUPS:
            column = key.removeprefix(group + "_")
            if column != key:
                return _table4_name(group, column)
    return column_name(table, key)
