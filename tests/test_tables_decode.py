"""Splitting glued digit runs (nlp.tables.decode): every reading, none picked among those that differ."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.tables.decode import count_readings, split_readings


@pytest.mark.parametrize(
    ("chunks", "ncols", "expected"),
    [
        (["1000001"], 7, [("1", "0", "0", "0", "0", "0", "1")]),
        (["20", "0", "0", "0", "02"], 7, [("2", "0", "0", "0", "0", "0", "2")]),
        (["000"], 3, [("0", "0", "0")]),
        (["808"], 3, [("8", "0", "8")]),
        (["9116.36"], 1, [("9116.36",)]),
        (["9234"], 3, [("9", "2", "34"), ("9", "23", "4"), ("92", "3", "4")]),
        (["0740"], 3, [("0", "7", "40"), ("0", "74", "0")]),
        (["111", "-8", "6"], 3, [("111", "-8", "6")]),
        (["111", "-86"], 3, [("1", "11", "-86"), ("11", "1", "-86"), ("111", "-8", "6")]),
        (["000000"], 7, []),  # a blank cell left no trace: no split gives seven cells
    ],
)
def test_decode_split_readings_lists_every_split(chunks: list[str], ncols: int, expected: list) -> None:
    assert sorted(split_readings(chunks, ncols) or []) == sorted(expected)


@pytest.mark.parametrize(
    ("chunks", "ncols", "limit"),
    [(["1912762137123456"], 2, 500), (["12345678901234567890"], 7, 500)],
)
def test_decode_split_readings_refuses_runs_it_cannot_list_whole(
    chunks: list[str], ncols: int, limit: int
) -> None:
    assert split_readings(chunks, ncols, limit=limit) is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=999), min_size=1, max_size=8),
    st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_decode_printed_split_is_always_among_the_readings(values: list[int], spaces: list[bool]) -> None:
    """Glue random cells with random spaces: the true split is one of the readings, and the count the
    readings are checked against is the number listed."""
    chunks: list[str] = []
    for value, space in zip(values, spaces, strict=False):
        if chunks and not space:
            chunks[-1] += str(value)
        else:
            chunks.append(str(value))
    readings = split_readings(chunks, len(values), max_digits=30, limit=1_000_000)
    assert readings is not None
    assert tuple(str(v) for v in values) in readings
    assert len(readings) == count_readings(chunks, len(values), cap=30)


def test_cells_agreed_by_consistent_splits_need_a_column_to_confirm_them() -> None:
    """A generated dump (found by the crawler round trip) whose （六）其他处理 row `1 54944467` was printed
    with a total that does not add up (…, 总计 7): three of its splits add up and all end in 67, and its
    column identity cannot confirm that ((七)总计 is unreadable). The row keeps only what every split of its
    digits gives (自然人 1), never 总计 67."""
    from pathlib import Path

    from nlp.extract import extract_document
    from nlp.readers import read_path

    dump = Path(__file__).parent / "fixtures" / "glued" / "inconsistent_rows_ambiguous.txt"
    row = extract_document(read_path(dump)).tables.applications.row("other_handling")  # type: ignore[union-attr]
    assert row is not None and row.decoding is not None
    assert {k: c.raw for k, c in row.cells.items()} == {"natural_person": "1"}
    assert row.decoding.method == "ambiguous"
