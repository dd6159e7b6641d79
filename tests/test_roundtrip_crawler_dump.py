"""Random reports rendered as a web crawler saves them — a header block, then the whole body on ONE line
with every table row's cells glued (`1000001`), half-spaced (`20 0 0 0 02`) or spaced — and extracted
back. The generator's model is the oracle: no extracted cell may differ from what was printed, and a row
whose digits allow one split only (every cell a single digit) must come back whole."""

from __future__ import annotations

import random
import re
from dataclasses import replace

from generator import GenReport, Knobs, expected_cells, render_text, reports
from hypothesis import HealthCheck, given, note, settings

from nlp.extract import extract_text

ROUNDTRIP = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_VALUES = re.compile(r"^(?P<label>.*?[^\d\s.,])\s+(?P<values>\d[\d\s.]*)$")
_HEADER = (
    "标题: {body}{year}年政府信息公开工作年度报告\n发布时间: {next}-01-20 09:30\n文号: \n发布机构: \n"
    "栏目: 政府信息公开年报\n原文链接: https://example.gov.cn/zfxxgknb/t{next}0120_1.htm\n"
    "==================== 正文 ====================\n"
)


def _glue(values: list[str], rng: random.Random) -> str:
    """A row's cells as a crawler prints them: nothing, or a space, between any two."""
    out = values[0]
    for value in values[1:]:
        out += rng.choice(("", "", " ")) + value
    return out


def render_crawler_dump(gen: GenReport, *, seed: int) -> str:
    """The report's text in the plain-rows layout, every row's cells glued, all on one line."""
    rng = random.Random(seed)
    text = render_text(replace(gen, style=replace(gen.style, layout="spaces", review_rows=False)))
    pieces = []
    for line in text.splitlines():
        match = _VALUES.match(line.strip())
        if match and not line.strip().endswith("。"):
            pieces.append(match.group("label") + _glue(match.group("values").split(), rng))
        elif re.fullmatch(r"[\d\s]+", line.strip()):  # table 4's run of numbers
            pieces.append(_glue(line.split(), rng))
        else:
            pieces.append(line.strip())
    header = _HEADER.format(body=gen.body, year=gen.year, next=gen.year + 1)
    return header + "".join(pieces) + " 附件下载\n"


def _single_digit_rows(gen: GenReport) -> set[tuple[str, str]]:
    """(table, row) whose every cell is one digit: their split is unique, so they must come back whole."""
    cells: dict[tuple[str, str], list[str]] = {}
    for table, row, _column, cell in expected_cells(gen):
        cells.setdefault((table, row), []).append(cell.raw)
    return {key for key, raws in cells.items() if all(len(r) == 1 and r.isdigit() for r in raws)}


@ROUNDTRIP
@given(reports(Knobs(layouts=("spaces",), blanks=False, variants=False, thousands=False)))
def test_roundtrip_crawler_dump_never_a_wrong_value(gen: GenReport) -> None:
    text = render_crawler_dump(gen, seed=gen.style.seed)
    note(f"--- rendered dump ---\n{text}")
    report = extract_text(text, source="<dump>")
    wrong, missing = [], []
    whole = _single_digit_rows(gen)
    for table_key, row, column, want in expected_cells(gen):
        table = report.tables.get(table_key)
        got = table.cell(row, column) if table else None
        where = f"{table_key}.{row}.{column} (printed {want.raw!r})"
        if got is not None and (got.value != want.value or got.kind != want.kind):
            wrong.append(f"{where}: got {got.raw!r}")
        table_of_row = "review_litigation" if table_key == "review_litigation" else table_key
        if got is None and (table_of_row, row) in whole and table_key != "review_litigation":
            missing.append(where)
    assert not wrong, "wrong values:\n" + "\n".join(wrong[:20])
    assert not missing, "single-digit rows not read back:\n" + "\n".join(missing[:20])
    assert report.year == gen.year
