from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp.cellvalues import parse_cell


@pytest.mark.parametrize(
    ("raw", "value", "kind"),
    [
        ("", None, "blank"),
        ("   ", None, "blank"),
        ("/", None, "not_applicable"),
        ("—", None, "not_applicable"),
        ("-", None, "not_applicable"),
        ("－", None, "not_applicable"),
        ("——", None, "not_applicable"),
        ("无", None, "not_applicable"),
        ("0", 0, "number"),
        ("75,295", 75295, "number"),
        ("1,165", 1165, "number"),
        ("-207", -207, "number"),
        ("8461.5652", Decimal("8461.5652"), "number"),
        ("94.0121", Decimal("94.0121"), "number"),
        ("251000元", 251000, "number"),
        ("55（含自然失效 29 件）", 55, "number"),
        ("１２", 12, "number"),
        ("3件", 3, "number"),
        ("属于国家秘密", None, "text"),
        ("1.属于国家秘密", None, "text"),
        ("约十件", None, "text"),
    ],
)
def test_cellvalues_parse_cell(raw: str, value: object, kind: str) -> None:
    assert parse_cell(raw) == (value, kind)


@given(st.integers(min_value=-(10**9), max_value=10**12))
def test_cellvalues_integers_round_trip_with_separators(number: int) -> None:
    assert parse_cell(str(number)) == (number, "number")
    assert parse_cell(f"{number:,}") == (number, "number")


@given(st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False))
def test_cellvalues_decimals_keep_their_digits(number: Decimal) -> None:
    text = f"{number:.4f}"
    assert parse_cell(text) == (Decimal(text), "number")


def test_cellvalues_a_digit_run_past_any_count_is_text_not_a_crash() -> None:
    assert parse_cell("1" * 16_000) == (None, "text")  # int() refuses past 4300 digits
    assert parse_cell("9" * 1000)[1] == "number"


def test_cellvalues_a_report_with_a_16000_digit_run_is_read() -> None:
    from nlp.extract import extract_document
    from nlp.readers import read_bytes

    text = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 " + "7" * 16_000 + "\n"
    report = extract_document(read_bytes(text.encode(), source="long.txt", suffix=".txt"))
    assert report.source == "long.txt"
