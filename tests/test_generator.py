"""The random-report generator itself: what it renders is what its model says, in every layout.

These tests do not touch the extractor; they make sure the oracle of the round-trip tests is right.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from generator import (
    APPLICATION_COLUMNS,
    GenCell,
    GenReport,
    Knobs,
    Style,
    active_grid,
    applications_grid,
    expected_cells,
    mismatches,
    narrative_sentences,
    render_grid,
    render_text,
    reports,
    review_grid,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.schema import Cell, Passage, Report, Section, Span, Table, TableRow, Tables

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANY = Knobs(blanks=True)

# --- the model -----------------------------------------------------------------------------------

ROWS_2021 = 25
ROWS_SINGLE_OTHER = 23


@FAST
@given(reports(ANY))
def test_generator_tables_have_the_template_shape(gen: GenReport) -> None:
    keys = [row.key for row in gen.applications]
    single = "other_handling" in keys
    assert len(keys) == (ROWS_SINGLE_OTHER if single else ROWS_2021)
    assert keys[0] == "new_received" and keys[-2:] == ["handled_total", "carried_forward"]
    assert gen.format == "2021" or single
    assert all(tuple(col for col, _ in row.cells) == APPLICATION_COLUMNS for row in gen.applications)
    assert len(gen.review) == 15
    active = {row.key for block in gen.active for row in block.rows}
    assert ("procurement" in active) == (gen.format == "2019")
    assert ("other_services" in active) == (gen.format == "2019")


@FAST
@given(reports(ANY))
def test_generator_cells_are_consistent_with_their_kind(gen: GenReport) -> None:
    for _, _, _, cell in expected_cells(gen):
        if cell.kind == "number":
            assert cell.value is not None
            assert Decimal(cell.raw.replace(",", "")) == cell.value
        elif cell.kind == "blank":
            assert cell.raw == "" and cell.value is None
        else:
            assert cell.kind == "not_applicable" and cell.raw in {"/", "—", "——", "-"} and cell.value is None


@FAST
@given(reports(ANY))
def test_generator_never_draws_blanks_a_reader_could_not_place(gen: GenReport) -> None:
    kinds = [cell.kind for _, _, _, cell in expected_cells(gen)]
    if gen.style.layout == "spaces":
        assert "blank" not in kinds
    if gen.style.ragged:
        rows = [row.cells for block in gen.active for row in block.rows] + [r.cells for r in gen.applications]
        for cells in rows:
            assert cells[0][1].kind != "blank" and cells[-1][1].kind != "blank"


@FAST
@given(reports(Knobs(blanks=False, variants=False, thousands=False)))
def test_generator_without_knobs_prints_canonical_plain_cells(gen: GenReport) -> None:
    assert {cell.kind for _, _, _, cell in expected_cells(gen)} == {"number"}
    assert all("," not in cell.raw for _, _, _, cell in expected_cells(gen))
    labels = [part for row in gen.applications for part in row.labels if part]
    assert "（三）不予公开" in labels and "1.属于国家秘密" in labels
    assert not any(" " in label for label in labels)


@settings(max_examples=40, deadline=None)
@given(reports(Knobs(layouts=("tabs",), blanks=False)))
def test_generator_consistent_tables_keep_the_template_arithmetic_or_not(gen: GenReport) -> None:
    # either every identity holds or the table was drawn cell by cell; both are printed as they are
    rows = {row.key: [c.value for _, c in row.cells] for row in gen.applications}
    identities = [rows["new_received"][c] + rows["carried_over"][c] for c in range(7)]  # type: ignore[operator]
    closing = [rows["handled_total"][c] + rows["carried_forward"][c] for c in range(7)]  # type: ignore[operator]
    sums = [sum(values[:6]) == values[6] for values in rows.values()]  # type: ignore[arg-type]
    if identities == closing and all(sums):
        outcomes = [
            k for k in rows if k not in {"new_received", "carried_over", "handled_total", "carried_forward"}
        ]
        for c in range(7):
            assert sum(rows[k][c] for k in outcomes) == rows["handled_total"][c]  # type: ignore[misc]


# --- grids ---------------------------------------------------------------------------------------


def _width(row: tuple) -> int:
    return sum(cell.colspan for cell in row)


@FAST
@given(reports(ANY))
def test_generator_grids_are_rectangular(gen: GenReport) -> None:
    for grid, width in ((active_grid(gen), 4), (applications_grid(gen), 10), (review_grid(gen), 15)):
        assert {_width(row) for row in grid} == {width}


@FAST
@given(reports(ANY))
def test_generator_rowspans_cover_exactly_the_covered_positions(gen: GenReport) -> None:
    grid = applications_grid(gen)
    for r, row in enumerate(grid):
        position = 0
        for cell in row:
            if cell.rowspan > 1:
                below = [grid[r + k] for k in range(1, cell.rowspan)]
                assert all(_cell_at(other, position).covered for other in below)
            position += cell.colspan


def _cell_at(row: tuple, position: int):
    start = 0
    for cell in row:
        if start <= position < start + cell.colspan:
            return cell
        start += cell.colspan
    raise AssertionError(f"no cell at {position}")


# --- text rendering ------------------------------------------------------------------------------


@FAST
@given(reports(ANY))
def test_generator_text_contains_every_printed_value_and_label(gen: GenReport) -> None:
    text = render_text(gen)
    for _, _, _, cell in expected_cells(gen):
        assert cell.raw in text
    for row in gen.applications:
        assert all(part in text for part in row.labels if part)
    for section in gen.sections:
        assert section.heading is None or f"\n{section.heading}\n" in text
    assert gen.body in text and f"{gen.year}年政府信息公开工作年度报告" in text


@FAST
@given(reports(Knobs(layouts=("tabs",), blanks=True)), st.data())
def test_generator_tab_rows_carry_their_values_in_order(gen: GenReport, data: st.DataObject) -> None:
    lines = render_text(gen).split("\n")
    row = data.draw(st.sampled_from(gen.applications))
    label = next(part for part in reversed(row.labels) if part)
    line = next(line for line in lines if line.split("\t").count(label) == 1 and "\t" in line)
    cells = line.split("\t")
    values = [cell.raw for _, cell in row.cells]
    if gen.style.ragged:
        start = cells.index(label) + 1
        printed = [c for c in cells[start:] if c]
        assert printed == [v for v in values if v]
    else:
        assert len(cells) == 10 and cells[3:] == values


@FAST
@given(reports(Knobs(layouts=("cells",), blanks=True)))
def test_generator_cells_layout_has_one_cell_per_line(gen: GenReport) -> None:
    grid = review_grid(gen)
    lines = render_grid(grid, gen.style)
    cells = [line for line in lines if line.startswith("\t")]
    assert len(cells) == sum(len(row) for row in grid)
    assert lines[-16:] == [*(f"\t{cell.raw}" for cell in gen.review), ""]


@FAST
@given(reports(Knobs(layouts=("spaces",), blanks=True)))
def test_generator_spaces_layout_prints_rows_on_single_lines(gen: GenReport) -> None:
    lines = render_grid(review_grid(gen), gen.style)
    assert lines[-1] == " ".join(cell.raw for cell in gen.review)
    assert "\t" not in render_text(gen)


def _tiny_review(raws: list[str]) -> GenReport:
    cells = tuple(GenCell(raw=r, value=int(r) if r else None, kind="number" if r else "blank") for r in raws)
    return GenReport(
        body="嵩县人民政府",
        year=2021,
        format="2021",
        style=Style(),
        sections=(),
        active=(),
        app_note=None,
        org_headers=(),
        applications=(),
        review=cells,
        problems=(),
        improvements=(),
    )


REVIEW = ["2", "0", "0", "0", "2", "", "0", "0", "0", "0", "0", "0", "2", "0", "2"]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            Style(layout="tabs"),
            [
                "行政复议\t\t\t\t\t行政诉讼" + "\t" * 9,
                "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t",
                "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
                "\t".join(REVIEW),
            ],
        ),
        (
            Style(layout="spaces"),
            [
                "行政复议 行政诉讼",
                "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
                "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计",
                " ".join(r for r in REVIEW if r),
            ],
        ),
    ],
)
def test_generator_renders_table_4_like_the_seeds(style: Style, expected: list[str]) -> None:
    assert render_grid(review_grid(_tiny_review(REVIEW)), style) == expected


def test_generator_cells_layout_splits_header_words_like_pengshui() -> None:
    lines = render_grid(review_grid(_tiny_review(REVIEW)), Style(layout="cells", split_headers=True, seed=3))
    text = "\n".join(lines)
    assert re.search(r"\t结果\n(纠正|维持)", text) or re.search(r"\t尚未\n审结", text)
    assert lines[:3] == ["\t行政复议", "\t行政诉讼", ""]


def test_generator_narrative_comes_from_the_seeds_and_reads_as_prose() -> None:
    pool = narrative_sentences()
    assert len(pool) >= 30
    assert all(s.endswith("。") and "\t" not in s for s in pool)
    assert not any(re.search(r"[一二三四五六]是|下一步|[（(][一二三四五六][）)]", s) for s in pool)


@FAST
@given(reports(ANY))
def test_generator_section_five_lists_its_items_in_order(gen: GenReport) -> None:
    five = next(s for s in gen.sections if s.key == "problems_improvements")
    text = "".join(five.paragraphs)
    positions = [text.find(t) for t in (*gen.problems, *gen.improvements)]
    assert -1 not in positions
    assert positions[: len(gen.problems)] == sorted(positions[: len(gen.problems)])
    assert max(positions[: len(gen.problems)]) < min(positions[len(gen.problems) :])


@FAST
@given(reports(ANY))
def test_generator_rendering_is_deterministic(gen: GenReport) -> None:
    assert render_text(gen) == render_text(gen)


# --- the oracle ----------------------------------------------------------------------------------


def _span() -> Span:
    return Span(start=0, end=1, line=1, end_line=1)


def _perfect_report(gen: GenReport) -> Report:
    """The Report a perfect extractor would return for `gen` (only what the oracle looks at)."""
    tables: dict[str, dict[str, dict[str, Cell]]] = {}
    for table_key, row, column, cell in expected_cells(gen):
        tables.setdefault(table_key, {}).setdefault(row, {})[column] = Cell(
            raw=cell.raw, value=cell.value, kind=cell.kind
        )
    built = {
        key: Table(
            key=key, format=gen.format, rows=[TableRow(key=r, label=r, cells=c) for r, c in rows.items()]
        )  # type: ignore[arg-type]
        for key, rows in tables.items()
    }
    passages = [Passage(kind="problem", text=f"一是{t}。", span=_span()) for t in gen.problems]
    passages += [Passage(kind="improvement", text=f"一是{t}。", span=_span()) for t in gen.improvements]
    sections = [
        Section(
            key=s.key,
            title=s.heading or "",
            header_inferred=s.heading is None and s.key != "preamble",
            text="",
            span=_span(),
            passages=passages,
        )
        for s in gen.sections
    ]
    return Report(
        source="<generated>", sha256="0", format=gen.format, sections=sections, tables=Tables(**built)
    )


@FAST
@given(reports(ANY))
def test_generator_oracle_accepts_a_perfect_extraction(gen: GenReport) -> None:
    assert mismatches(gen, _perfect_report(gen)) == []


@FAST
@given(reports(ANY), st.data())
def test_generator_oracle_reports_a_wrong_cell(gen: GenReport, data: st.DataObject) -> None:
    report = _perfect_report(gen)
    table_key, row, column, cell = data.draw(st.sampled_from(expected_cells(gen)))
    table = report.tables.get(table_key)
    assert table is not None
    target = table.cell(row, column)
    assert target is not None
    target.value, target.kind = (None, "blank") if cell.kind == "number" else (7, "number")
    found = mismatches(gen, report)
    assert len(found) == 1 and f"{table_key}.{row}.{column}" in found[0]


@FAST
@given(reports(ANY))
def test_generator_oracle_reports_lost_passages_and_sections(gen: GenReport) -> None:
    report = _perfect_report(gen)
    report.sections = report.sections[:-1]
    for section in report.sections:
        section.passages = [p for p in section.passages if p.kind != "improvement"]
    found = mismatches(gen, report)
    assert any(m.startswith("sections:") for m in found)
    assert any("improvement passages" in m for m in found)


@FAST
@given(reports(ANY))
def test_generator_text_is_gbk_encodable(gen: GenReport) -> None:
    # the GBK renderer saves exactly this text; a character outside GBK would make it a different test
    assert render_text(gen).encode("gbk").decode("gbk") == render_text(gen)


@FAST
@given(reports(ANY), st.data())
def test_generator_oracle_reports_a_span_that_does_not_show_the_cell(
    gen: GenReport, data: st.DataObject
) -> None:
    report = _perfect_report(gen)
    numbers = [(t, r, c) for t, r, c, cell in expected_cells(gen) if cell.kind == "number"]
    table_key, row, column = data.draw(st.sampled_from(numbers))
    table = report.tables.get(table_key)
    target = table.cell(row, column) if table else None
    assert target is not None
    target.span = Span(start=0, end=1, line=1, end_line=1)  # the text's first character: never a number
    text = render_text(gen)
    found = mismatches(gen, report, text=text)
    assert found == [f"{table_key}.{row}.{column}: span shows {text[0]!r}, raw is {target.raw!r}"]
