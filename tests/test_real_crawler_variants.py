"""The real crawler dumps, varied the ways other crawlers and sites print the same reports: the note or the
header words left out, ASCII brackets, header words split by spaces, cells spaced or half-spaced, CRLF and a
BOM, paragraph breaks kept. The goldens still hold: every cell comes back, and no value is ever wrong."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from nlp.extract import extract_text
from tests.real_goldens import compare_tables, golden_pairs, load_golden

DUMPS = [(source, golden) for source, golden in golden_pairs("real") if source.suffix == ".txt"]
_RULE = "==================== 正文 ====================\n"


def _paragraph_breaks(text: str) -> str:
    head, body = text.split(_RULE, 1)
    body = re.sub(
        r"(?=[一二三四五六]、(总体情况|主动公开|收到和处理|政府信息公开行政|存在|其他需要))", "\n", body
    )
    return head + _RULE + re.sub(r"(?=第二十条第（)", "\n", body)


VARIANTS: dict[str, Callable[[str], str]] = {
    "no_note": lambda t: re.sub(r"（本列数据的[勾钩]稽关系为：[^）]*）", "", t),
    "no_header_words": lambda t: t.replace("申请人情况", ""),
    "no_note_no_header_words": lambda t: re.sub(r"（本列数据的[勾钩]稽关系为：[^）]*）", "", t).replace(
        "申请人情况", ""
    ),
    "ascii_brackets": lambda t: t.replace("（", "(").replace("）", ")"),
    "header_words_split": lambda t: t.replace("商业企业", "商业 企业").replace("办理结果", "办 理结果"),
    "cells_spaced": lambda t: t.replace("0000000", "0 0 0 0 0 0 0"),
    "cells_half_spaced": lambda t: t.replace("0000000", "00 0 00 0 0"),
    "crlf_and_bom": lambda t: "\ufeff" + t.replace("\n", "\r\n"),
    "paragraph_breaks": _paragraph_breaks,
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_real_crawler_variants_read_every_cell_and_no_wrong_value(variant: str) -> None:
    wrong: list[str] = []
    missing: list[str] = []
    for source, golden in DUMPS:
        text = VARIANTS[variant](Path(source).read_text(encoding="utf-8"))
        result = compare_tables(extract_text(text, source=source.name), load_golden(golden))
        wrong += [f"{source.name}: {w}" for w in result.wrong]
        missing += [f"{source.name}: {m}" for m in result.missing]
    assert wrong == []
    assert missing == []
