"""The PDF reader's pure geometry: characters → words (pdfplumber's extract_words, kept to the letter) and
ruling lines → tables (pdfplumber's "lines" strategy), on hand-placed characters and edges."""

from __future__ import annotations

import pytest

from nlp.readers.pdf_layout import PdfChar, words_from_chars
from nlp.readers.pdf_tables import (
    Edge,
    PdfGraphic,
    TableSettings,
    closed_outline,
    find_tables,
    graphic_edges,
    is_rule,
    rect_edges,
)


def _chars(text: str, *, x: float = 10.0, top: float = 100.0, width: float = 10.0) -> list[PdfChar]:
    return [PdfChar(ch, x + i * width, x + (i + 1) * width, top, top + width) for i, ch in enumerate(text)]


# --- characters → words -----------------------------------------------------------------------------


def test_readers_pdf_geometry_blank_splits_words_and_is_dropped() -> None:
    words = words_from_chars(_chars("ab cd"))
    assert [(w.text, w.x0, w.x1) for w in words] == [("ab", 10.0, 30.0), ("cd", 40.0, 60.0)]


def test_readers_pdf_geometry_gap_beyond_tolerance_splits_a_word() -> None:
    left = _chars("ab")
    right = _chars("cd", x=30.0 + 3.5)  # 3.5 points after "b": more than the 3-point tolerance
    assert [w.text for w in words_from_chars([*left, *right])] == ["ab", "cd"]
    close = _chars("cd", x=30.0 + 2.5)
    assert [w.text for w in words_from_chars([*left, *close])] == ["abcd"]


def test_readers_pdf_geometry_lines_cluster_by_top_and_read_left_to_right() -> None:
    # printed right half first, and the second line's top 2 points lower: still one line
    chars = [*_chars("cd", x=30.0, top=102.0), *_chars("ab"), *_chars("xy", top=130.0)]
    assert [w.text for w in words_from_chars(chars)] == ["abcd", "xy"]


def test_readers_pdf_geometry_ligature_expanded() -> None:
    assert [w.text for w in words_from_chars(_chars("\ufb01ne"))] == ["fine"]


def test_readers_pdf_geometry_turned_characters_read_top_to_bottom() -> None:
    column = [
        PdfChar(ch, 50.0, 60.0, 100.0 + 10 * i, 110.0 + 10 * i, upright=False) for i, ch in enumerate("竖排")
    ]
    assert [w.text for w in words_from_chars(list(reversed(column)))] == ["竖排"]


# --- ruling lines → tables --------------------------------------------------------------------------


def _grid(xs: list[float], ys: list[float]) -> list[Edge]:
    horizontal = [Edge("h", xs[0], y, xs[-1], y, "line") for y in ys]
    vertical = [Edge("v", x, ys[0], x, ys[-1], "line") for x in xs]
    return horizontal + vertical


def test_readers_pdf_geometry_grid_gives_one_table_of_its_cells() -> None:
    tables = find_tables(_grid([0, 50, 100], [0, 20, 40]), TableSettings())
    assert len(tables) == 1
    assert sorted(tables[0].cells) == [(0, 0, 50, 20), (0, 20, 50, 40), (50, 0, 100, 20), (50, 20, 100, 40)]
    assert tables[0].bbox == (0, 0, 100, 40)
    assert tables[0].n_cols == 2


def test_readers_pdf_geometry_rules_a_little_apart_snap_and_join() -> None:
    edges = _grid([0, 50, 100], [0, 20, 40])
    # the middle rule drawn in two pieces, 2 points lower and with a 2-point gap: one rule
    edges = [e for e in edges if not (e.orientation == "h" and e.top == 20)]
    edges += [Edge("h", 0, 22, 49, 22, "line"), Edge("h", 51, 21, 100, 21, "line")]
    (table,) = find_tables(edges, TableSettings())
    assert len(table.cells) == 4


def test_readers_pdf_geometry_short_and_slanted_edges_ignored() -> None:
    edges = [*_grid([0, 50], [0, 20, 40]), Edge("h", 60, 5, 62, 5, "line"), Edge("", 0, 0, 30, 30, "curve")]
    (table,) = find_tables(edges, TableSettings())
    assert sorted(table.cells) == [(0, 0, 50, 20), (0, 20, 50, 40)]


def test_readers_pdf_geometry_a_lone_box_is_no_table() -> None:
    assert find_tables(rect_edges((0, 0, 100, 20)), TableSettings()) == []


def test_readers_pdf_geometry_open_outline_closed_by_its_vertical_rules() -> None:
    """A table cut by a page break: its side rules run past its last horizontal rule."""
    edges = [
        *_grid([0, 50, 100], [0, 20, 40]),
        Edge("v", 0, 40, 0, 60, "line"),
        Edge("v", 100, 40, 100, 60, "line"),
    ]
    (table,) = find_tables(edges, TableSettings())
    assert closed_outline(table, edges) == (0, 0, 100, 60)
    (closed,) = find_tables(edges, TableSettings(), explicit=rect_edges((0, 0, 100, 60)))
    assert (0, 40, 100, 60) in closed.cells  # the row the break cut off is a cell again


def test_readers_pdf_geometry_white_unstroked_box_is_no_rule() -> None:
    background = PdfGraphic("rect", ((0, 0), (100, 20)), stroke=False, fill=True, fill_colour=(1.0, 1.0, 1.0))
    assert not is_rule(background)
    assert is_rule(
        PdfGraphic("rect", ((0, 0), (100, 20)), stroke=True, fill=True, fill_colour=(1.0, 1.0, 1.0))
    )
    assert is_rule(
        PdfGraphic("rect", ((0, 0), (100, 20)), stroke=False, fill=True, fill_colour=(0.8, 0.8, 0.8))
    )
    assert is_rule(PdfGraphic("line", ((0, 0), (100, 0)), stroke=True, fill=False))


@pytest.mark.parametrize(
    ("graphic", "orientations"),
    [
        (PdfGraphic("rect", ((0, 0), (10, 5)), stroke=True, fill=False), ["h", "h", "v", "v"]),
        (PdfGraphic("line", ((0, 5), (10, 5)), stroke=True, fill=False), ["h"]),
        (PdfGraphic("line", ((0, 0), (10, 5)), stroke=True, fill=False), ["v"]),  # as pdfplumber: not level
        (PdfGraphic("curve", ((0, 0), (10, 0), (10, 5), (3, 9)), stroke=True, fill=False), ["h", "v", ""]),
    ],
)
def test_readers_pdf_geometry_edges_of_each_graphic(graphic: PdfGraphic, orientations: list[str]) -> None:
    assert [e.orientation for e in graphic_edges(graphic)] == orientations


def test_readers_pdf_geometry_settings_refuse_other_strategies() -> None:
    assert TableSettings.of({"snap_tolerance": 2}).snap == 2.0
    with pytest.raises(ValueError, match="lines"):
        TableSettings.of({"vertical_strategy": "text"})
