"""Structure rules: what the reader could not read as the template says.

Most structure findings restate `report.problems` (each problem code maps to a rule in rules.yaml).
A few are also derived from the report itself — blank or text cells, rows in `Table.missing_rows`, a
table that is absent, outline ordinals that skip or restart, labels placed only by fuzzy matching — and
those are reported only when no problem already says the same thing, so nothing is reported twice.
"""

from __future__ import annotations

from nlp.lint.catalogue import load_catalogue, make_finding, rule_for_problem
from nlp.lint.identities import cell_view
from nlp.lint.names import cell_key_name, column_name, row_name, table_name
from nlp.schema import (
    Cell,
    Finding,
    FindingCell,
    Problem,
    Report,
    Section,
    Severity,
    TableKey,
    TableRow,
)

__all__ = [
    "blank_cell_findings",
    "missing_row_findings",
    "missing_table_findings",
    "nonstandard_label_findings",
    "outline_findings",
    "problem_findings",
    "structure_findings",
]

_TABLE_KEYS: tuple[TableKey, ...] = ("active_disclosure", "applications", "review_litigation")
_ORDINALS = "一二三四五六七八九十"
_ORDINAL_NUMBER = {c: i + 1 for i, c in enumerate(_ORDINALS)}


def structure_findings(report: Report) -> list[Finding]:
    return [
        *problem_findings(report),
        *missing_table_findings(report),
        *missing_row_findings(report),
        *blank_cell_findings(report),
        *outline_findings(report),
        *nonstandard_label_findings(report),
    ]


def _reported(report: Report, code: str) -> set[tuple[str | None, str | None, str | None]]:
    """(table, row, column) of every problem with this code, to avoid deriving it again."""
    return {(p.table, p.row, p.column) for p in report.problems if p.code == code}


# --- problems -------------------------------------------------------------------------------------


def problem_findings(report: Report) -> list[Finding]:
    """One finding per problem, except missing rows: one finding per table lists them all."""
    found = [_problem_finding(p, source=report.source) for p in report.problems if p.code != "row_missing"]
    missing: dict[TableKey, list[str]] = {}
    for p in report.problems:
        if p.code == "row_missing" and p.table and p.row:
            missing.setdefault(p.table, []).append(p.row)
    found.extend(_missing_rows_finding(table, rows, source=report.source) for table, rows in missing.items())
    return found


def _missing_rows_finding(table: TableKey, rows: list[str], *, source: str) -> Finding:
    names = "、".join(f"「{row_name(table, r)}」" for r in rows)
    return make_finding(
        "S-ROW-MISSING",
        message_zh=f"{table_name(table)}缺少 {len(rows)} 行：{names}；涉及这些行的勾稽关系无法核对。",
        message_en=f"table {table} lacks {len(rows)} row(s): {', '.join(rows)}; identities through them are "
        "not checked.",
        source=source,
        cells=[FindingCell(table=table, row=r, column="*") for r in rows],
    )


def _problem_finding(problem: Problem, *, source: str) -> Finding:
    rule = rule_for_problem(problem.code)
    title_zh = load_catalogue()[rule].title_zh
    where_zh, where_en = _where(problem)
    cells = []
    if problem.table:
        cells.append(
            FindingCell(
                table=problem.table, row=problem.row or "*", column=problem.column or "*", line=problem.line
            )
        )
    return make_finding(
        rule,
        message_zh=f"{title_zh}{where_zh}。{_detail_zh(problem)}",
        message_en=f"{problem.message}{where_en}",
        source=problem.source or source,
        cells=cells,
        detail={"code": problem.code, "line": problem.line, "page": problem.page, **problem.detail},
    )


def _detail_zh(problem: Problem) -> str:
    """The problem's particulars in Chinese, where the detail carries them (cell counts, placed cells)."""
    printed, columns = problem.detail.get("printed"), problem.detail.get("columns")
    if not isinstance(printed, list) or not isinstance(columns, list):
        return ""
    text = f"印有 {len(printed)} 个数值（{' '.join(map(str, printed))}），模板有 {len(columns)} 列。"
    ambiguous = problem.detail.get("ambiguous")
    if isinstance(ambiguous, list) and ambiguous:
        names = [cell_key_name(problem.table or "", str(key)) for key in ambiguous]
        text += f"无法确定的单元格：{'、'.join(names)}，涉及它们的勾稽关系不予核对。"
    elif isinstance(ambiguous, list):
        text += "各种一致的读法给出相同的单元格，整行可确定。"
    return text


def _where(problem: Problem) -> tuple[str, str]:
    zh, en = [], []
    if problem.table:
        zh.append(table_name(problem.table))
        en.append(f"table {problem.table}")
    if problem.table and problem.row:
        zh.append(f"「{row_name(problem.table, problem.row)}」")
        en.append(f"row {problem.row}")
    if problem.line:
        zh.append(f"第{problem.line}行")
        en.append(f"line {problem.line}")
    return ("（" + "".join(zh) + "）" if zh else ""), (" (" + ", ".join(en) + ")" if en else "")


# --- derived from the tables ----------------------------------------------------------------------


def missing_table_findings(report: Report) -> list[Finding]:
    if report.problems and any(p.code.startswith("read_") for p in report.problems):
        return []  # the file was not read: its read problem says so, not three missing tables
    reported = {t for t, _, _ in _reported(report, "table_missing")}
    return [
        make_finding(
            "S-TABLE-MISSING",
            message_zh=f"未找到{table_name(key)}。",
            message_en=f"table {key} was not found.",
            source=report.source,
            cells=[FindingCell(table=key, row="*", column="*")],
        )
        for key in _TABLE_KEYS
        if report.tables.get(key) is None and key not in reported
    ]


def missing_row_findings(report: Report) -> list[Finding]:
    """Rows in `Table.missing_rows` that no ROW_MISSING problem reported (one finding per table)."""
    reported = {(t, r) for t, r, _ in _reported(report, "row_missing")}
    found: list[Finding] = []
    for table in report.tables.present():
        rows = [r for r in table.missing_rows if (table.key, r) not in reported]
        if rows:
            found.append(_missing_rows_finding(table.key, rows, source=report.source))
    return found


def blank_cell_findings(report: Report) -> list[Finding]:
    """S-CELL-BLANK per row with blank cells; S-CELL-TEXT per text cell the reader did not report."""
    text_reported = _reported(report, "cell_unparseable")
    found: list[Finding] = []
    for table in report.tables.present():
        for row in table.rows:
            if row.key is None:
                continue
            blanks = [(c, cell) for c, cell in row.cells.items() if _is_blank(table.key, cell)]
            if blanks:
                found.append(_blank_finding(table.key, row, blanks, source=report.source))
            found.extend(
                _text_finding(table.key, row, column, cell, source=report.source)
                for column, cell in row.cells.items()
                if cell.kind == "text" and (table.key, row.key, column) not in text_reported
            )
    return found


def _is_blank(table: TableKey, cell: Cell) -> bool:
    # "/" and "—" are the ordinary 不适用 of table 2 (a county makes no 规章); elsewhere a number belongs
    return cell.kind == "blank" or (cell.kind == "not_applicable" and table != "active_disclosure")


def _blank_finding(table: TableKey, row: TableRow, blanks: list[tuple[str, Cell]], *, source: str) -> Finding:
    key = row.key or "*"
    names = "、".join(column_name(table, c) for c, _ in blanks)
    return make_finding(
        "S-CELL-BLANK",
        message_zh=f"{table_name(table)}「{row_name(table, key)}」行的{names}未填数字，"
        "相关勾稽关系无法核对。",
        message_en=f"table {table}, row {key}: {', '.join(c for c, _ in blanks)} blank where a number "
        "belongs; identities through them are not checked.",
        source=source,
        cells=[cell_view(table, key, c, cell) for c, cell in blanks],
    )


def _text_finding(table: TableKey, row: TableRow, column: str, cell: Cell, *, source: str) -> Finding:
    key = row.key or "*"
    return make_finding(
        "S-CELL-TEXT",
        message_zh=f"{table_name(table)}「{row_name(table, key)}·{column_name(table, column)}」"
        f"应为数字，印为「{cell.raw}」。",
        message_en=f"table {table}, {key}/{column} holds text {cell.raw!r} where a number belongs.",
        source=source,
        cells=[cell_view(table, key, column, cell)],
    )


# --- outline and labels ---------------------------------------------------------------------------


def outline_findings(report: Report) -> list[Finding]:
    """S-OUTLINE when the ordinals of the section headings skip or restart (unless already reported).

    A section whose heading was inferred takes its place in the count without a printed ordinal: its
    missing heading is already reported (S-SECTION-INFERRED), so the next heading is not a skip.
    """
    if _reported(report, "section_out_of_order"):
        return []
    found: list[Finding] = []
    expected = 1
    for section in report.sections:
        if section.header_inferred and section.key not in (None, "preamble"):
            expected += 1
        elif section.ordinal in _ORDINAL_NUMBER:
            number = _ORDINAL_NUMBER[section.ordinal]
            if number != expected:
                found.append(_outline_finding(section, number, expected, source=report.source))
            expected = number + 1
    return found


def _outline_finding(section: Section, number: int, expected: int, *, source: str) -> Finding:
    wanted = _ORDINALS[expected - 1] if expected <= len(_ORDINALS) else str(expected)
    kind_zh, kind_en = ("重新编号", "restarts") if number < expected else ("跳号", "skips")
    return make_finding(
        "S-OUTLINE",
        message_zh=f"章节序号{kind_zh}：「{section.ordinal}、{section.title}」处应为「{wanted}」。",
        message_en=f"outline numbering {kind_en}: heading {section.ordinal}、{section.title} where {wanted} "
        "was expected.",
        source=source,
        span=section.span,
        text=section.title,
        detail={"printed": section.ordinal, "expected": wanted},
    )


def nonstandard_label_findings(report: Report) -> list[Finding]:
    """S-LABEL-NONSTANDARD for labels placed only by fuzzy matching (known variants are not reported).

    In a PDF the text layer wraps labels across lines, so a fuzzy match there is more often the reader's
    doing than the author's: it is reported as info, not as a warning.
    """
    severity: Severity | None = "info" if report.media_type == "application/pdf" else None
    return [
        make_finding(
            "S-LABEL-NONSTANDARD",
            message_zh=f"行标签「{a.raw_label}」与模板不一致，按相似度识别为「{row_name(a.table, a.key)}」"
            f"（相似度 {a.score:.0f}）。",
            message_en=f"label {a.raw_label!r} deviates from the template; read as {a.key} "
            f"(score {a.score:.0f}).",
            source=report.source,
            cells=[FindingCell(table=a.table, row=a.key, column="*", line=a.line)],
            text=a.raw_label,
            detail={"line": a.line, "score": a.score},
            severity=severity,
        )
        for a in report.alignments
        if a.method == "fuzzy" and a.key is not None and a.table is not None
    ]
